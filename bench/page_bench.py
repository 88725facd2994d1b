#!/usr/bin/env python
"""Page benchmark (issue 13): the hub's main pages next to a bare Flask page, in one run.

    .venv/bin/python bench/page_bench.py              # 2 000 letters + 2 000 reports, 10 s a page
    .venv/bin/python bench/page_bench.py --quick      # 300 + 300, 3 s a page: a smoke run
    .venv/bin/python bench/page_bench.py --rebuild    # make the database again

Not part of the test suite.  What it does:

1. makes (once; cached in ``--workdir``, default ``/tmp/hub-page-bench``) a SQLite database
   with the demo company plus ``--letters`` letters and ``--reports`` reports filed through
   the hub's own services (a fifth of them anonymous, a third of the letters accepted), and
   the search index over all of it;
2. starts the hub under gunicorn — the repository's ``gunicorn.conf.py`` (access log and
   all), 2 sync workers, rate limits off (``HUB_RATELIMIT_ENABLED=false``, only here, so that
   the sign-ins and the load are not throttled), the search writer off — and the bare page
   (``bench/bare_app.py``: Flask + Flask-SQLAlchemy + Jinja listing 50 of 2 000 rows) with the
   same gunicorn settings;
3. signs each person in by POSTing the login form, as a browser does, and loads every page
   as the person who uses it with the same load tool and settings: ``wrk`` (Debian's
   ``apt-get install wrk``; 2 threads, 2 connections, the session cookie as a header), or,
   when wrk is missing, a small Python load generator (threads + ``http.client``, keep-alive);
4. prints req/s, p99 and the ratio to the bare page, side by side, and writes them to
   ``<workdir>/results.json``; the bare page is measured first and again last, and the
   ratios are to the mean of the two (on a shared machine the load may change meanwhile).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECRET = "page-bench-secret-" + "b" * 32
PASSWORD = "hub-demo"

#: (label, username or None for anonymous, path)
PAGES = [
    ("login (anonymous)", None, "/login"),
    ("home", "sales1", "/"),
    ("mailbox", "sales1", "/mailbox/"),
    ("announcements", "sales1", "/announcements/"),
    ("suggestions (own)", "sales1", "/suggestions/"),
    ("office inbox", "gmo", "/mailbox/office"),
    ("HR queue", "hr1", "/suggestions/queue"),
    ("talks", "sales_lead", "/talks/"),
    ("search 食堂", "gmo", "/search/?q=" + urllib.parse.quote("食堂")),
]

SUBJECTS = ["食堂排队时间太长", "夜班交通补贴", "车间照明不足", "报销流程太慢", "会议室预订冲突",
            "电脑更新换代", "安全帽数量不够", "客户投诉处理", "加班费计算", "停车位紧张"]
BODIES = ["建议公司考虑调整安排，大家反映比较集中。", "希望尽快处理，已经影响到日常工作。",
          "上个月已经反映过一次，目前还没有改善。", "具体情况见附件说明，谢谢领导关注。"]


def hub_config(workdir: Path) -> dict:
    return {
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'hub.sqlite3'}",
        "INSTANCE_PATH": str(workdir / "instance"),
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "DEMO_BOOTSTRAP": False,
        "BACKGROUND_WORKER": False,
        "SEARCH_INDEXER": False,
        "MAIL_BACKEND": "console",
    }


def server_env(workdir: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "HUB_SECRET_KEY": SECRET,
        "HUB_SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'hub.sqlite3'}",
        "HUB_SEARCH_INDEX_DIR": str(workdir / "index"),
        "HUB_RATELIMIT_ENABLED": "false",
        "HUB_SEARCH_INDEXER": "false",
        "HUB_BACKGROUND_WORKER": "false",
        "HUB_MAIL_BACKEND": "console",
        "BARE_DATABASE": str(workdir / "bare.sqlite3"),
    })
    return env


# --- the database ------------------------------------------------------------------------

def build_database(workdir: Path, letters: int, reports: int) -> None:
    from hub import create_app

    for name in ("hub.sqlite3", "hub.sqlite3-wal", "hub.sqlite3-shm"):
        (workdir / name).unlink(missing_ok=True)
    shutil.rmtree(workdir / "index", ignore_errors=True)
    populate(create_app(hub_config(workdir)), letters, reports)


def upgrade_database(workdir: Path) -> None:
    from flask_migrate import upgrade

    from hub import create_app
    from hub.extensions import db

    app = create_app(hub_config(workdir))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def populate(app, letters: int, reports: int) -> None:
    """Migrate the (empty) database of ``app``, make the demo company, file ``letters``
    letters and ``reports`` reports through the services, and index everything."""
    from flask_migrate import upgrade
    from sqlalchemy import delete, select

    from hub.demo import create_demo_company
    from hub.extensions import db
    from hub.mailbox import services as mailbox
    from hub.notifications.models import OutboxMail
    from hub.org.models import User
    from hub.search.indexer import rebuild
    from hub.suggestions import services as suggestions
    from hub.suggestions.models import KIND_PREFIXES

    rng = random.Random(13)
    started = time.monotonic()
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        upgrade()
        create_demo_company()
        db.session.commit()
        people = list(db.session.scalars(select(User).where(User.username != "admin")))
        gmo = db.session.scalar(select(User).where(User.username == "gmo"))
        kinds = list(KIND_PREFIXES)
        start = datetime.utcnow() - timedelta(days=200)
        step = timedelta(days=199) / max(letters + reports, 1)
        for i in range(letters):
            filed = mailbox.file_letter(
                rng.choice(people), subject=f"{rng.choice(SUBJECTS)}（{i}）",
                body=rng.choice(BODIES), category=rng.choice(("suggestion", "issue",
                                                              "complaint", "other")),
                anonymous=i % 5 == 0, now=start + step * i)
            if filed.letter is not None and i % 3 == 0:
                mailbox.accept(filed.letter, gmo)
            if i % 200 == 199:
                db.session.commit()
        db.session.commit()
        for i in range(reports):
            suggestions.file_report(
                rng.choice(people), kind=rng.choice(kinds),
                subject=f"{rng.choice(SUBJECTS)}（建议 {i}）", body=rng.choice(BODIES),
                anonymous=i % 5 == 0, now=start + step * (letters + i))
            if i % 200 == 199:
                db.session.commit()
        db.session.execute(delete(OutboxMail))  # made-up history mails nobody
        db.session.commit()
        print(f"  filed {letters} letters and {reports} reports in "
              f"{time.monotonic() - started:.0f} s; indexing …", flush=True)
        count = rebuild(app, procs=2)
        db.session.remove()
        db.engine.dispose()
    print(f"  database ready: {count} documents indexed, "
          f"{time.monotonic() - started:.0f} s in all", flush=True)


# --- servers -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(target: str, port: int, workers: int, workdir: Path, name: str,
                   extra: list[str] = (), env: dict | None = None) -> subprocess.Popen:
    log = open(workdir / f"{name}.log", "w")
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
           "--workers", str(workers), "--bind", f"127.0.0.1:{port}", *extra, target]
    return subprocess.Popen(cmd, cwd=ROOT, env=env or server_env(workdir), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read().decode("utf-8", "replace")
        return resp.status, {"set-cookie": resp.headers.get_all("Set-Cookie") or []}, data
    finally:
        conn.close()


def _cookie(set_cookies: list[str], name: str) -> str | None:
    for header in set_cookies:
        first = header.split(";", 1)[0]
        if first.startswith(name + "="):
            return first.split("=", 1)[1]
    return None


def sign_in(port: int, username: str, cookie_name: str = "hub_session") -> str:
    """The session cookie a browser gets by POSTing the login form."""
    status, headers, html = request(port, "GET", "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    pre = _cookie(headers["set-cookie"], cookie_name)
    form = urllib.parse.urlencode({"csrf_token": token, "username": username,
                                   "password": PASSWORD, "next": ""})
    status, headers, _ = request(port, "POST", "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{cookie_name}={pre}"})
    cookie = _cookie(headers["set-cookie"], cookie_name)
    if status != 302 or not cookie:
        raise RuntimeError(f"sign-in of {username} failed ({status})")
    return f"{cookie_name}={cookie}"


# --- load --------------------------------------------------------------------------------

def run_wrk(url: str, cookie: str | None, seconds: float, threads: int,
            connections: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
           "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rate, "p99_ms": p99, "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(0) if errors else ""}


def _wrk_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_python(port: int, path: str, cookie: str | None, seconds: float,
               connections: int) -> dict:
    """The fallback load generator: one keep-alive connection per thread."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            if resp.status >= 400:
                with lock:
                    bad[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    return {"rps": len(latencies) / elapsed, "p99_ms": p99, "non_2xx": bad[0],
            "socket_errors": ""}


def measure(tool: str, port: int, path: str, cookie: str | None, args) -> dict:
    if tool == "wrk":
        url = f"http://127.0.0.1:{port}{path}"
        run_wrk(url, cookie, 1, args.threads, args.connections)  # warm both workers
        return run_wrk(url, cookie, args.seconds, args.threads, args.connections)
    run_python(port, path, cookie, 1, args.connections)
    return run_python(port, path, cookie, args.seconds, args.connections)


# --- main --------------------------------------------------------------------------------

def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/hub-page-bench"))
    ap.add_argument("--letters", type=int, default=2000)
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=10, help="per page (10)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    ap.add_argument("--connections", type=int, default=2, help="connections (2)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    ap.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    ap.add_argument("--quick", action="store_true", help="300 + 300 items, 3 s a page")
    ap.add_argument("--rebuild", action="store_true", help="make the database again")
    ap.add_argument("--only", default="", help="comma-separated page labels to run")
    args = ap.parse_args()
    if args.quick:
        args.letters, args.reports, args.seconds = 300, 300, 3
        if args.workdir == Path("/tmp/hub-page-bench"):
            args.workdir = Path("/tmp/hub-page-bench-quick")
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    os.chmod(workdir, 0o700)

    marker = workdir / "built.json"
    wanted = {"letters": args.letters, "reports": args.reports}
    built = json.loads(marker.read_text()) if marker.exists() else None
    if args.rebuild or not built or {k: built.get(k) for k in wanted} != wanted:
        print(f"building the database in {workdir} …", flush=True)
        build_database(workdir, args.letters, args.reports)
        marker.write_text(json.dumps({**wanted, "commit": git_commit()}))
    else:
        print(f"reusing the database in {workdir} (built at {built.get('commit')})")
        upgrade_database(workdir)  # migrations added since it was built

    load = os.getloadavg()
    print(f"commit {git_commit()}, {datetime.now():%Y-%m-%d %H:%M}, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {os.cpu_count()} CPUs; tool {tool} "
          f"({args.threads} threads, {args.connections} connections, {args.seconds:g} s a "
          f"page); gunicorn {args.workers} sync workers; {args.letters} letters, "
          f"{args.reports} reports", flush=True)
    hub_port, bare_port = free_port(), free_port()
    hub = start_gunicorn("app:app", hub_port, args.workers, workdir, "hub")
    bare = start_gunicorn("bare_app:app", bare_port, args.workers, workdir, "bare",
                          ["--pythonpath", str(ROOT / "bench")])
    results = []
    try:
        wait_ready(hub_port, "/healthz")
        wait_ready(bare_port, "/items")
        cookies = {user: sign_in(hub_port, user) for user in {u for _, u, _ in PAGES if u}}
        bare_result = measure(tool, bare_port, "/items", None, args)
        bare_result.update(label="bare 50-row list", user="", path="/items")
        results.append(bare_result)
        only = {s.strip() for s in args.only.split(",") if s.strip()}
        for label, user, path in PAGES:
            if only and label not in only:
                continue
            cookie = cookies.get(user)
            status, _, _ = request(hub_port, "GET", path, headers={"Cookie": cookie} if cookie
                                   else {})
            if status != 200:
                raise RuntimeError(f"{path} as {user} answered {status}, not 200")
            result = measure(tool, hub_port, path, cookie, args)
            result.update(label=label, user=user or "anonymous", path=path)
            results.append(result)
            print(f"  {label:<20} {result['rps']:8.1f} req/s  p99 {result['p99_ms']:7.1f} ms",
                  flush=True)
        # The bare page again at the end: the machine may be shared, and a change of load
        # during the run shows as a difference between the two.
        again = measure(tool, bare_port, "/items", None, args)
        again.update(label="bare 50-row list (again)", user="", path="/items")
        results.append(again)
    finally:
        stop(hub)
        stop(bare)
    base = (results[0]["rps"] + results[-1]["rps"]) / 2  # the ratios' yardstick
    print()
    print(f"bare page {results[0]['rps']:.0f} req/s first, {results[-1]['rps']:.0f} last: "
          f"ratios against their mean")
    print(f"| page | as | req/s | p99 ms | × bare ({base:.0f} req/s) |")
    print("|---|---|---|---|---|")
    for r in results:
        warn = f" ({r['non_2xx']} non-2xx)" if r["non_2xx"] else ""
        print(f"| {r['label']} `{r['path']}` | {r['user']} | {r['rps']:.0f} | "
              f"{r['p99_ms']:.1f} | {r['rps'] / base:.2f}{warn} |")
    (workdir / "results.json").write_text(json.dumps(
        {"commit": git_commit(), "at": datetime.now().isoformat(timespec="minutes"),
         "load": load, "tool": tool, "results": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
