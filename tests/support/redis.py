"""A throw-away Redis server for the test session (the shared rate-limit store of
production, README "Production").

Uses ``HUB_TEST_REDIS_URL`` when given; otherwise runs the machine's ``redis-server``
(Debian's package, which ``scripts/test`` installs) on a free loopback port, with nothing
kept on disk, and stops it afterwards.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

START_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server():
    """Yields the ``redis://`` URL of an empty Redis that lives as long as the block."""
    given = os.environ.get("HUB_TEST_REDIS_URL")
    if given:
        yield given
        return
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        raise RuntimeError("redis-server is not installed; the README's test command "
                           "installs it (apt-get install redis-server), or set "
                           "HUB_TEST_REDIS_URL.")
    workdir = Path(tempfile.mkdtemp(prefix="hub-redis-"))
    port = _free_port()
    log = open(workdir / "log", "wb")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--daemonize", "no"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers_ping(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start: "
                                   + (workdir / "log").read_text(errors="replace")[-2000:])
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
