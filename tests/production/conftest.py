"""Fixtures of the production tests: a database of each backend migrated the way README
"Production" says (``flask --app app db upgrade``), with its first administrator made by
``flask --app app create-admin``, and a throw-away Redis."""
from __future__ import annotations

import pytest

from tests.production.server import flask_cli, hub_environment
from tests.support.postgres import create_database
from tests.support.redis import redis_server

ADMIN = "itadmin"
ADMIN_NAME = "系统管理员"
ADMIN_PASSWORD = "production-" + "p" * 12


@pytest.fixture(scope="session")
def redis_url():
    with redis_server() as url:
        yield url


def migrated_database(request, tmp_path_factory, name: str, backend: str) -> str:
    """An empty database of ``backend``, brought to the head revision by
    ``flask db upgrade`` and holding one administrator made by ``create-admin``."""
    workdir = tmp_path_factory.mktemp(f"{name}-{backend}")
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'hub.sqlite3'}"
    else:
        url = create_database(request.getfixturevalue("postgres_url"), name)
    env = hub_environment(url, workdir)
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "create-admin", "--username", ADMIN, "--name", ADMIN_NAME,
              input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def production_database(request, tmp_path_factory) -> str:
    return migrated_database(request, tmp_path_factory, "hub_production", request.param)
