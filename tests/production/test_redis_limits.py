"""Rate limits shared by gunicorn's workers through Redis
(``HUB_RATELIMIT_STORAGE_URI=redis://…``): failed sign-ins and wrong receipt codes spread
over two workers trip the limit exactly where one worker alone would."""
from __future__ import annotations

import re
import socket
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from tests.production.conftest import ADMIN, ADMIN_PASSWORD, migrated_database
from tests.production.server import gunicorn, hub_environment

#: The access log with the worker's pid, to see which worker served each request.
WHO_SERVED = '%(p)s "%(r)s" %(s)s'
SERVED = re.compile(r'^<(?P<pid>\d+)> "(?P<method>[A-Z]+) (?P<target>\S+) [^"]*" (?P<status>\d+)$')
FAILURES = 5  # HUB_LOGIN_FAILURES_PER_ACCOUNT's default: 5 per minute
WRONG_CODES = 10  # hub.common.receipt_throttling.WRONG_CODES: 10 per minute
WRONG_CODE = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
#: Long enough for a worker to take a waiting connection on a busy machine.
SETTLE = 1.0


@pytest.fixture(scope="module")
def hub(request, tmp_path_factory, redis_url):
    url = migrated_database(request, tmp_path_factory, "hub_redis", "sqlite")
    workdir = tmp_path_factory.mktemp("gunicorn-redis")
    env = hub_environment(url, workdir, HUB_WORKERS="2", HUB_RATELIMIT_STORAGE_URI=redis_url)
    with gunicorn(env, workdir, "--access-logformat", WHO_SERVED) as server:
        yield server


class TwoWorkers:
    """Steers requests to one worker, then to the other.

    A sync worker that takes a connection on which nothing is sent waits for the request
    and serves nobody else meanwhile: while one such connection is open every request goes
    to the other worker.  Opening a second one before closing the first swaps the roles.
    """

    def __init__(self, server):
        parts = urlsplit(server.url)
        self.address = (parts.hostname, parts.port)
        self.held: socket.socket | None = None

    def _hold_one(self) -> socket.socket:
        held = socket.create_connection(self.address)
        time.sleep(SETTLE)
        return held

    @contextmanager
    def steered(self):
        self.held = self._hold_one()
        try:
            yield self
        finally:
            self.held.close()

    def switch(self) -> None:
        """The worker that served so far is held; the one held until now serves."""
        other = self._hold_one()
        self.held.close()
        self.held = other
        time.sleep(SETTLE)


def served(server, method: str, path: str, since: int, count: int = 1) -> list[tuple[str, int]]:
    """(worker pid, status) of the requests logged after line ``since``, once ``count`` of
    them are in the log (a worker writes its line after the reply: the last one can lag)."""
    deadline = time.monotonic() + 15
    while True:
        rows = [(m["pid"], int(m["status"]))
                for m in map(SERVED.match, server.access_lines()[since:])
                if m and (m["method"], m["target"]) == (method, path)]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def test_failed_sign_ins_over_two_workers_count_once(hub):
    client = hub.client()
    token = client.csrf_token("/login")
    since = len(hub.access_lines())

    def attempt(password: str) -> int:
        return client.post("/login", {"username": ADMIN, "password": password,
                                      "csrf_token": token}).status

    with TwoWorkers(hub).steered() as workers:
        first = [attempt("wrong-password") for _ in range(3)]
        workers.switch()
        second = [attempt("wrong-password") for _ in range(FAILURES - 3)]
        assert first + second == [200] * FAILURES  # the form again, "wrong password"
        assert attempt("wrong-password") == 429
        assert attempt(ADMIN_PASSWORD) == 429  # the account waits, whoever knocks

    rows = served(hub, "POST", "/login", since, count=FAILURES + 2)
    assert [status for _pid, status in rows] == [200] * FAILURES + [429, 429]
    pids = [pid for pid, _status in rows]
    assert len(set(pids[:3])) == 1 and len(set(pids[3:])) == 1
    assert pids[0] != pids[3]  # two workers, one count


def test_wrong_receipt_codes_over_two_workers_count_once(hub):
    client = hub.client()
    since = len(hub.access_lines())

    def lookup() -> int:
        return client.request("POST", "/api/v1/receipts/lookup",
                              headers={"Content-Type": "application/json"},
                              body=f'{{"code": "{WRONG_CODE}"}}').status

    with TwoWorkers(hub).steered() as workers:
        first = [lookup() for _ in range(WRONG_CODES // 2)]
        client.get("/healthz?phase=1")  # which worker served: the lookups are not logged
        workers.switch()
        second = [lookup() for _ in range(WRONG_CODES - WRONG_CODES // 2)]
        client.get("/healthz?phase=2")
        assert first + second == [404] * WRONG_CODES
        assert lookup() == 429

    (one,) = served(hub, "GET", "/healthz?phase=1", since)
    (two,) = served(hub, "GET", "/healthz?phase=2", since)
    assert one[0] != two[0]  # two workers, one count
