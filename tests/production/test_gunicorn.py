"""gunicorn with the shipped ``gunicorn.conf.py``, started from the repository root exactly
as README "Production" says, on SQLite and on PostgreSQL: it answers ``/healthz`` and a
signed-in page, logs one combined-format line per request to stdout — with the real
client's address behind a trusted proxy — and leaves the anonymous routes out."""
from __future__ import annotations

import time

import pytest

from tests.production.conftest import ADMIN, ADMIN_NAME, ADMIN_PASSWORD
from tests.production.server import ACCESS_LINE, gunicorn, hub_environment

#: A documentation address (RFC 5737) the test's "proxy" reports as the client.
CLIENT = "203.0.113.7"
#: What the proxy in front of this hub says it forwarded for; the hub trusts one proxy.
PROXIED = {"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "http"}


@pytest.fixture(scope="module")
def hub(production_database, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("gunicorn")
    env = hub_environment(production_database, workdir, HUB_TRUSTED_PROXIES="1")
    with gunicorn(env, workdir) as server:
        yield server


def logged(server, target: str, *, wait: float = 15.0) -> list[dict]:
    """The access-log lines of requests for ``target`` (path and query), parsed; waits a
    little for the first, which a worker writes just after it sent the response."""
    deadline = time.monotonic() + wait
    while True:
        lines = [match.groupdict() for match in map(ACCESS_LINE.match, server.access_lines())
                 if match and match["target"] == target]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_gunicorn_starts_with_the_shipped_config(hub):
    errors = hub.stderr.read_text()
    assert "Listening at: " + hub.url in errors
    assert errors.count("Booting worker with pid") == 2  # HUB_WORKERS' default
    assert "Unable to configure" not in errors and "Traceback" not in errors

    response = hub.client().get("/healthz")
    assert response.status == 200
    assert response.text.strip() == '{"status":"ok"}'


def test_a_signed_in_page_is_served(hub):
    client = hub.client()
    signed_in = client.sign_in(ADMIN, ADMIN_PASSWORD)
    assert signed_in.status == 302, signed_in.text
    page = client.get("/admin/users")
    assert page.status == 200
    assert ADMIN_NAME in page.text
    assert client.get("/login").status == 302  # signed in: the form sends you home


def test_each_request_is_one_combined_log_line_on_stdout(hub):
    hub.client().get("/healthz?probe=format", headers={"Referer": hub.url + "/people/"})

    lines = logged(hub, "/healthz?probe=format")
    assert len(lines) == 1
    line = lines[0]
    assert line["address"] == "127.0.0.1"
    assert (line["method"], line["status"]) == ("GET", "200")
    assert int(line["size"]) > 0
    assert line["referer"] == hub.url + "/people/"
    assert line["agent"] == "hub-production-test"
    # every line of stdout is an access-log line; the rest went to stderr
    assert all(ACCESS_LINE.match(line) for line in hub.access_lines())
    assert "GET /healthz" not in hub.stderr.read_text()


def test_behind_a_trusted_proxy_the_log_shows_the_real_client(hub):
    hub.client(**PROXIED).get("/healthz?probe=proxy")

    (line,) = logged(hub, "/healthz?probe=proxy")
    assert line["address"] == CLIENT


def test_the_anonymous_routes_and_what_they_cause_are_not_logged(hub):
    client = hub.client()
    client.get("/receipt/?probe=quiet")
    client.get("/suggestions/new?probe=quiet")
    client.get("/mailbox/write?probe=quiet")
    # what a page's style sheet request would say had the browser sent the page's path
    client.get("/static/css/hub.css?probe=quiet",
               headers={"Referer": hub.url + "/suggestions/new"})
    client.get("/static/css/hub.css?probe=logged", headers={"Referer": hub.url + "/"})

    assert logged(hub, "/static/css/hub.css?probe=logged")
    text = hub.output()
    assert "probe=quiet" not in text
    for route in ("/receipt", "/suggestions/new", "/mailbox/write"):
        assert route not in text
