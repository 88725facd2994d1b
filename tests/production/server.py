"""The hub as production runs it: migrated with ``flask db upgrade`` and served by
``gunicorn app:app`` from the repository root (README, "Production"), or by
``flask --app app run`` (werkzeug's development server), in a child process on a free
loopback port; plus a small HTTP client that keeps cookies and follows no redirect.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[2]
#: The virtual environment's scripts: README's ``.venv/bin/gunicorn`` and ``.venv/bin/flask``.
BIN = Path(sys.executable).parent
SECRET = "production-test-secret-" + "y" * 32
#: A worker of a busy 2-core machine can take a while to import the hub.
START_SECONDS = 120

#: gunicorn's access-log line with the shipped config (combined log format).
ACCESS_LINE = re.compile(
    r'^(?P<address>\S+) - (?P<user>\S+) \[(?P<time>\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} '
    r'[+-]\d{4})\] "(?P<method>[A-Z]+) (?P<target>\S+) HTTP/1\.[01]" (?P<status>\d{3}) '
    r'(?P<size>\d+|-) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)"$'
)
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_environment(database_url: str, workdir: Path, **settings: str) -> dict[str, str]:
    """The process environment of a production hub: the machine's, without any ``HUB_*``
    of the test run, plus the database, the secret and the given ``HUB_*`` settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HUB_", "FLASK_", "GUNICORN_"))}
    env.update({
        "HUB_SQLALCHEMY_DATABASE_URI": database_url,
        "HUB_SECRET_KEY": SECRET,
        "HUB_SEARCH_INDEX_DIR": str(workdir / "search-index"),
        # gunicorn's control socket: one per server, not the machine-wide default
        "XDG_RUNTIME_DIR": str(workdir),
        "PYTHONUNBUFFERED": "1",
    })
    env.update(settings)
    return env


def flask_cli(env: dict[str, str], *args: str, input: str | None = None) -> str:
    """``.venv/bin/flask --app app ARGS`` from the repository root; fails on an error."""
    done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=REPO, env=env,
                          input=input, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Client:
    """Cookies in, cookies out, one connection per request, no redirect followed."""

    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict[str, str] | None = None, body: str | None = None) -> Response:
        parts = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        sent = {"User-Agent": "hub-production-test", "Connection": "close",
                **self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        for value in raw.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return Response(raw.status, raw.headers, text)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs) -> Response:
        return self.request("POST", path, form=form, **kwargs)

    def csrf_token(self, path: str = "/login") -> str:
        match = CSRF_RE.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def sign_in(self, username: str, password: str) -> Response:
        token = self.csrf_token("/login")
        return self.post("/login", {"username": username, "password": password,
                                    "csrf_token": token})


@dataclass
class Server:
    """A started hub: where it answers and where its output goes."""

    url: str
    process: subprocess.Popen
    stdout: Path
    stderr: Path

    def access_lines(self) -> list[str]:
        return self.stdout.read_text(errors="replace").splitlines()

    def output(self) -> str:
        """Everything the server wrote, both streams."""
        return (self.stdout.read_text(errors="replace") + "\n"
                + self.stderr.read_text(errors="replace"))

    def client(self, **headers: str) -> Client:
        return Client(self.url, headers=dict(headers))


def wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited with {server.process.returncode}:\n"
                                 + server.output()[-5000:])
        try:
            if server.client().get("/healthz").status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the server did not answer /healthz:\n"
                                 + server.output()[-5000:])
        time.sleep(0.2)


@contextmanager
def serve(command: list[str], env: dict[str, str], workdir: Path, port: int) -> Iterator[Server]:
    """Start ``command`` from the repository root, wait for ``/healthz``, stop it after."""
    stdout, stderr = workdir / "stdout.log", workdir / "stderr.log"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        wait_until_ready(server)
        yield server
    finally:
        stop(server)


def stop(server: Server) -> None:
    """End the server and its workers (the process group it leads), then wait for it, so
    that everything it logged is in its files."""
    process = server.process
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def gunicorn(env: dict[str, str], workdir: Path,
             *extra: str) -> AbstractContextManager[Server]:
    """README: ``.venv/bin/gunicorn app:app`` from the repository root (gunicorn reads
    ``./gunicorn.conf.py``); ``HUB_BIND`` is a free port."""
    port = free_port()
    env = {**env, "HUB_BIND": f"127.0.0.1:{port}"}
    return serve([str(BIN / "gunicorn"), *extra, "app:app"], env, workdir, port)


def development_server(env: dict[str, str], workdir: Path) -> AbstractContextManager[Server]:
    """README: ``.venv/bin/flask --app app run`` (werkzeug) on a free port."""
    port = free_port()
    return serve([str(BIN / "flask"), "--app", "app", "run", "--port", str(port)],
                 env, workdir, port)
