#!/usr/bin/env python
"""Load test runner (issue 13): a throw-away PostgreSQL, the hub under gunicorn, locust.

    .venv/bin/pip install -e '.[bench,postgres]'
    .venv/bin/python bench/load_run.py              # 100 people, 3 minutes, 4 workers
    .venv/bin/python bench/load_run.py --quick      # 20 people, 30 s: a smoke run

Not part of the test suite.  What it does:

1. starts a PostgreSQL server in a scratch folder the way the test suite does
   (``tests/support/postgres.py``: Debian's ``initdb``/``pg_ctl``, a free port; that helper
   turns ``fsync`` off, so commits are cheaper than on a production server);
2. migrates it, makes the demo company plus ``--letters`` letters and ``--reports`` reports
   through the services (``bench/page_bench.py``'s ``populate``), indexes them, and gives
   every person an API token (written to ``<workdir>/tokens.json`` for the locustfile, so
   that 100 argon2 sign-ins do not become part of the measurement);
3. starts the hub as production runs it: gunicorn with the repository's
   ``gunicorn.conf.py`` and ``--workers`` (4) sync workers, the search index writer as its
   own process (``flask --app app search worker``), rate limits as configured by default;
4. runs ``locust --headless -u USERS -r 10 -t DURATION`` with ``bench/locustfile.py`` and
   prints the per-request and aggregated figures (req/s, p50, p95, p99, failures); the CSV
   files stay in ``--workdir``.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from page_bench import (  # noqa: E402
    SECRET,
    free_port,
    git_commit,
    populate,
    start_gunicorn,
    stop,
    wait_ready,
)


def make_tokens(app, path: Path) -> None:
    from sqlalchemy import select

    from hub.auth.services import create_api_token
    from hub.extensions import db
    from hub.org.models import User

    with app.test_request_context("/"):
        users = list(db.session.scalars(select(User).where(User.active.is_(True))))
        reports: dict[int, list[int]] = {}
        for user in users:
            if user.manager_id:
                reports.setdefault(user.manager_id, []).append(user.id)
        out = {}
        for user in users:
            _token, secret = create_api_token(user, "load test")
            out[user.username] = {"token": secret, "id": user.id,
                                  "manager_id": user.manager_id,
                                  "reports": reports.get(user.id, [])}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    path.write_text(json.dumps(out, ensure_ascii=False))
    os.chmod(path, 0o600)


def summary(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/hub-load-run"))
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--spawn-rate", type=int, default=10)
    ap.add_argument("--duration", default="3m")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--letters", type=int, default=2000)
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--quick", action="store_true", help="20 people, 30 s, 300 + 300 items")
    args = ap.parse_args()
    if args.quick:
        args.users, args.duration, args.letters, args.reports = 20, "30s", 300, 300
    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    os.chmod(workdir, 0o700)

    from hub import create_app
    from tests.support.postgres import postgres_server

    with postgres_server() as url:
        config = {"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                  "INSTANCE_PATH": str(workdir / "instance"),
                  "SEARCH_INDEX_DIR": str(workdir / "index"), "DEMO_BOOTSTRAP": False,
                  "BACKGROUND_WORKER": False, "SEARCH_INDEXER": False,
                  "MAIL_BACKEND": "console"}
        print(f"PostgreSQL at {url}; making the data …", flush=True)
        app = create_app(config)
        populate(app, args.letters, args.reports)
        make_tokens(app, workdir / "tokens.json")

        env = dict(os.environ)
        env.update({"HUB_SECRET_KEY": SECRET, "HUB_SQLALCHEMY_DATABASE_URI": url,
                    "HUB_SEARCH_INDEX_DIR": str(workdir / "index"),
                    "HUB_SEARCH_INDEXER": "false", "HUB_BACKGROUND_WORKER": "false",
                    "HUB_MAIL_BACKEND": "console", "LOCUST_TOKENS": str(workdir / "tokens.json")})
        port = free_port()
        hub = start_gunicorn("app:app", port, args.workers, workdir, "hub", env=env)
        indexer = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "search", "worker"],
            cwd=ROOT, env=env, stdout=open(workdir / "indexer.log", "w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_ready(port, "/healthz")
            load = os.getloadavg()
            print(f"commit {git_commit()}, {datetime.now():%Y-%m-%d %H:%M}, load average "
                  f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} before the run, "
                  f"{os.cpu_count()} CPUs; gunicorn {args.workers} workers; locust "
                  f"{args.users} users for {args.duration}", flush=True)
            prefix = workdir / "locust"
            started = time.monotonic()
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" /
                 "locustfile.py"), "--headless", "-u", str(args.users), "-r",
                 str(args.spawn_rate), "-t", args.duration, "--host",
                 f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"],
                cwd=ROOT, env=env, check=False)
            load_after = os.getloadavg()
            print(f"ran {time.monotonic() - started:.0f} s; load average during the run "
                  f"(1 min, at the end) {load_after[0]:.1f}")
        finally:
            stop(indexer)
            stop(hub)
    rows = summary(prefix)
    print()
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        name = row["Name"] if row["Type"] else "**all**"
        print(f"| {row['Type']} {name} | {row['Request Count']} | {row['Failure Count']} | "
              f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |")


if __name__ == "__main__":
    main()
