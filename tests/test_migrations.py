"""The migrations are the only way the schema changes, so they are tested like code.

On a fresh, empty database of each backend: upgrading from nothing gives exactly the schema
the models describe, and every revision can be taken down and up again.
"""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from hub import create_app
from hub.extensions import db
from tests.conftest import make_config
from tests.support.postgres import create_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """A database of its own with no table at all (the shared test databases are migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server_url = request.getfixturevalue("postgres_url")
    name = f"hub_migrations_{uuid.uuid4().hex[:12]}"
    yield create_database(server_url, name)
    _drop_database(server_url, name)


def _drop_database(server_url: str, name: str) -> None:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


@pytest.fixture
def migration_app(empty_database_url, tmp_path):
    app = create_app(make_config(empty_database_url, tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def revisions_base_to_head(app) -> list:
    """The revision scripts in the order ``upgrade`` applies them."""
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    heads = script.get_heads()
    assert len(heads) == 1, f"the migrations have several heads {heads}: merge them"
    return list(reversed(list(script.walk_revisions("base", "heads"))))


def schema_differences() -> list[str]:
    """What Alembic's autogenerate would still have to do to reach the models' schema."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return [_describe(diff) for diff in compare_metadata(context, db.metadata)]


def _describe(diff) -> str:
    """One line per difference: ``add_table attachments``, ``modify_type users.name`` …"""
    if isinstance(diff, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(d) for d in diff)
    operation, *details = diff
    names = [getattr(d, "name", None) or str(d) for d in details if d is not None][:3]
    return " ".join([operation, *map(str, names)])


NO_MIGRATION = ("the models and the migrations disagree; write a migration with "
                "`flask --app app db migrate -m ...` and review it")


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_from_empty_gives_the_models_schema(migration_app):
    assert table_names() == set()
    upgrade()
    assert schema_differences() == [], NO_MIGRATION
    assert table_names() == set(db.metadata.tables)


def test_every_revision_goes_down_and_up_again(migration_app):
    revisions = revisions_base_to_head(migration_app)
    upgrade()
    downgrade(revision="base")
    assert table_names() == set(), "downgrading to base leaves tables behind"

    for revision in revisions:
        upgrade(revision=revision.revision)
        assert current_revision() == revision.revision
        downgrade(revision=revision.down_revision or "base")
        assert current_revision() == revision.down_revision
        upgrade(revision=revision.revision)
        assert current_revision() == revision.revision

    assert schema_differences() == [], NO_MIGRATION
