"""A throw-away PostgreSQL server for the test session.

Uses ``HUB_TEST_POSTGRES_URL`` when given; otherwise runs ``initdb`` and ``pg_ctl`` from the
machine's PostgreSQL in a temporary folder on a free port (as the ``postgres`` user when the
tests run as root, because PostgreSQL refuses to run as root).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], as_user: str | None) -> None:
    if as_user:
        args = ["runuser", "-u", as_user, "--", *args]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def postgres_server():
    """Yields a SQLAlchemy URL (psycopg 3) of an empty database named ``hub_test``."""
    given = os.environ.get("HUB_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bindir = _bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL is not installed; the README's test command installs it "
            "(apt-get install postgresql), or set HUB_TEST_POSTGRES_URL."
        )
    as_user = "postgres" if os.geteuid() == 0 else None
    workdir = Path(tempfile.mkdtemp(prefix="hub-pg-"))
    if as_user:
        pw = pwd.getpwnam(as_user)
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
    data, port = workdir / "data", _free_port()
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
              "-E", "UTF8", "--no-locale"], as_user)
        options = (f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
              "-l", str(workdir / "log"), "start"], as_user)
        _run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
              "hub_test"], as_user)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/hub_test"
    finally:
        if (data / "postmaster.pid").exists():
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], as_user)
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(url: str, name: str) -> str:
    """A new empty database on the same server; returns its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name
