#!/usr/bin/env python
"""Where a signed-in page's time goes: the page benchmark's pages in one process, through
Flask's test client, on the page benchmark's database (``bench/page_bench.py`` builds it).

    .venv/bin/python bench/profile_pages.py                    # CPU ms per request, per page
    .venv/bin/python bench/profile_pages.py --profile          # + cProfile shares per package
    .venv/bin/python bench/profile_pages.py --only "HR queue" --profile --top 30

Not part of the test suite.  Each page is asked ``--warm`` times, then ``--requests`` times
timed (``time.process_time``: CPU of this process, so the figures hold on a loaded machine
better than wall time does).  The bare page (``bench/bare_app.py``) is measured the same way
as the yardstick.  ``--profile`` runs the timed requests under cProfile and adds up the
self time of each function by where it lives (SQLAlchemy, Flask/Werkzeug/Babel, Jinja, the
SQLite driver, the hub's own code, templates …).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from page_bench import PAGES, PASSWORD, hub_config, upgrade_database

#: Where a function's self time is counted (first match of its file path).
BUCKETS = [
    ("SQLAlchemy", "/sqlalchemy/"),
    ("Flask-Babel/Babel", "/flask_babel/"),
    ("Flask-Babel/Babel", "/babel/"),
    ("Flask/Werkzeug", "/flask/"),
    ("Flask/Werkzeug", "/werkzeug/"),
    ("Flask extensions", "/flask_"),
    ("Jinja (library)", "/jinja2/"),
    ("templates", "templates/"),
    ("templates", "<template>"),
    ("hub", "/hub/"),
    ("MarkupSafe", "/markupsafe/"),
    ("stdlib", "/lib/python3"),
]


def bucket(filename: str) -> str:
    if filename.startswith("~") or filename == "~":
        return "builtins (C)"
    for name, marker in BUCKETS:
        if marker in filename:
            return name
    return "other"


def sign_in(client, username: str) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": PASSWORD, "next": ""})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in of {username} failed ({response.status_code})")


def measure(client, path: str, warm: int, requests: int, profiler=None) -> float:
    for _ in range(warm):
        assert client.get(path).status_code == 200, path
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    for _ in range(requests):
        client.get(path)
    if profiler is not None:
        profiler.disable()
    return (time.process_time() - started) * 1000 / requests


def shares(profiler: cProfile.Profile) -> tuple[dict[str, float], float]:
    stats = pstats.Stats(profiler)
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        totals[bucket(filename)] += tt
    whole = sum(totals.values()) or 1
    return {k: v / whole for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}, whole


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/hub-page-bench"))
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--warm", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    ap.add_argument("--only", default="", help="comma-separated page labels")
    args = ap.parse_args()
    if not (args.workdir / "hub.sqlite3").exists():
        sys.exit(f"no database in {args.workdir}: run bench/page_bench.py first")

    upgrade_database(args.workdir)  # migrations added since it was built
    os.environ.setdefault("BARE_DATABASE", str(args.workdir / "bare.sqlite3"))
    import bare_app

    from hub import create_app

    config = dict(hub_config(args.workdir), RATELIMIT_ENABLED=False)
    app = create_app(config)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    rows = []
    bare = measure(bare_app.app.test_client(), "/items", args.warm, args.requests)
    rows.append(("bare 50-row list", "", "/items", bare, None))
    for label, user, path in PAGES:
        if only and label not in only:
            continue
        client = app.test_client()
        if user:
            sign_in(client, user)
        profiler = cProfile.Profile() if args.profile else None
        ms = measure(client, path, args.warm, args.requests, profiler)
        rows.append((label, user or "anonymous", path, ms, profiler))

    print(f"CPU per request ({args.requests} requests after {args.warm}), load average "
          f"{os.getloadavg()[0]:.1f}")
    for label, user, path, ms, _p in rows:
        print(f"  {label:<20} {user:<11} {ms:7.1f} ms  ×{bare / ms:5.2f} of the bare page")
    if args.profile:
        names = sorted({name for *_r, p in rows if p for name in shares(p)[0]})
        print("\nself time by package, % of the profiled time")
        print("  " + " " * 20 + "".join(f"{n[:11]:>12}" for n in names))
        for label, _u, _path, _ms, p in rows:
            if p is None:
                continue
            found, _whole = shares(p)
            print(f"  {label:<20}" + "".join(f"{100 * found.get(n, 0):11.0f}%"
                                               for n in names))
        if args.top:
            for label, _u, _path, _ms, p in rows:
                if p is not None:
                    print(f"\n--- {label}")
                    pstats.Stats(p).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
