"""``flask --app app backup FILE`` and ``flask --app app restore FILE``.

A backup is one engine-neutral snapshot of the whole database, taken in one read
transaction while the hub runs (SQLite: one ``BEGIN`` — WAL keeps the snapshot while
writers commit; PostgreSQL: ``REPEATABLE READ``).  The file is a ZIP archive:

- ``manifest.json`` — format and version, the Alembic revision of the schema, and per table
  (in dependency order) its columns with an engine-neutral kind, primary key and row count;
- ``tables/<table>.jsonl`` — one JSON object per row, in primary-key order.  Datetimes,
  dates and times are ISO 8601 strings, decimals strings (exact), booleans JSON booleans;
- ``blobs/<table>/<n>`` — each binary value (the attachments' content) as its own member;
  the row holds the member's name.

The search index is not in it: it is made from the data, and a restore queues a rebuild
(``search_outbox`` rows are therefore left out).  Nor is the secret key: keep it (or
``HUB_RECEIPT_SECRET``) yourself — sessions, API tokens and receipt codes only work with the
secret they were made with.

A restore loads a snapshot into an empty database of either engine: it first brings the
schema to the snapshot's revision (Alembic), checks that the tables and columns are those
of the snapshot, inserts every row in one transaction (foreign keys that point forward or
at their own table — departments ↔ users, managers — are filled in afterwards), sets
PostgreSQL's id sequences past the largest id, and queues a full search rebuild.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, BadZipFile, ZipFile

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Connection, Engine

from hub.extensions import db

FORMAT = "intranet-communication-hub backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Tables never copied: Alembic's own (the manifest carries the revision) and the search
#: outbox (the index is rebuilt from the data after a restore).
SKIPPED = {"alembic_version": "the schema revision is in the manifest",
           "search_outbox": "the search index is rebuilt after a restore"}
BATCH = 500


class BackupError(click.ClickException):
    """Something about the file or the target database that the operator must fix."""


# --- values ---------------------------------------------------------------------------

def column_kind(column: sa.Column) -> str:
    """An engine-neutral name for a reflected column's type."""
    t = column.type
    checks = [
        (sa.Boolean, "boolean"), (sa.DateTime, "datetime"), (sa.Date, "date"),
        (sa.Time, "time"), (sa.Float, "float"), (sa.Numeric, "decimal"),
        (sa.Integer, "integer"), (sa.LargeBinary, "binary"), (sa.JSON, "json"),
        (sa.String, "string"),
    ]
    for cls, kind in checks:
        if isinstance(t, cls):
            return kind
    try:
        python = t.python_type
    except NotImplementedError:
        return "string"
    return {bool: "boolean", int: "integer", float: "float", bytes: "binary",
            Decimal: "decimal", datetime: "datetime", date: "date"}.get(python, "string")


def _encode(kind: str, value):
    if value is None:
        return None
    if kind in ("datetime", "date", "time"):
        if isinstance(value, str):  # SQLite left a value it could not parse as it was
            return value
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    if kind == "boolean":
        return bool(value)
    return value


def _decode(kind: str, value):
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    return value


# --- reading the source -------------------------------------------------------------

def dependency_order(metadata: sa.MetaData) -> list[sa.Table]:
    """Every table (but the skipped ones), each after the tables its non-deferrable
    foreign keys point at; cycles are broken by the nullable keys filled in later."""
    tables = {t.name: t for t in metadata.tables.values() if t.name not in SKIPPED}
    hard: dict[str, set[str]] = {name: set() for name in tables}
    soft: dict[str, set[str]] = {name: set() for name in tables}
    for name, table in tables.items():
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target != name and target in tables:
                (soft if fk.parent.nullable else hard)[name].add(target)
    order: list[sa.Table] = []
    done: set[str] = set()
    while len(done) < len(tables):
        ready = sorted(n for n in tables if n not in done and hard[n] <= done)
        if not ready:
            raise BackupError("the tables' required foreign keys form a cycle: "
                              + ", ".join(sorted(set(tables) - done)))
        best = [n for n in ready if soft[n] <= done] or ready
        order.append(tables[best[0]])
        done.add(best[0])
    return order


def deferred_columns(order: list[sa.Table]) -> dict[str, list[str]]:
    """Per table, the foreign-key columns that point at a table not inserted yet (or at
    the table itself): inserted as NULL, set once every row is in."""
    seen: set[str] = set()
    deferred: dict[str, list[str]] = {}
    for table in order:
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target == table.name or target not in seen:
                if not fk.parent.nullable:
                    raise BackupError(
                        f"{table.name}.{fk.parent.name} must point at {target}, which "
                        "cannot be inserted first")
                deferred.setdefault(table.name, [])
                if fk.parent.name not in deferred[table.name]:
                    deferred[table.name].append(fk.parent.name)
        seen.add(table.name)
    return deferred


def _revision(conn: Connection) -> str:
    if not sa.inspect(conn).has_table("alembic_version"):
        raise BackupError("the database has no schema (no alembic_version table): "
                          "nothing to back up")
    revisions = list(conn.execute(sa.text("SELECT version_num FROM alembic_version"))
                     .scalars())
    if len(revisions) != 1:
        raise BackupError(f"the database is at several revisions {revisions}")
    return revisions[0]


def _snapshot_connection(engine: Engine) -> Connection:
    """A connection in one read transaction that sees a single state of the database."""
    if engine.dialect.name == "sqlite":
        # pysqlite starts transactions only before writes; take control of BEGIN so that
        # every SELECT of the backup reads the same snapshot (WAL lets writers go on).
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("BEGIN")
        return conn
    conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    conn.begin()
    if engine.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    return conn


def _open_private(path: Path):
    """``path`` opened for writing with mode 0600 from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def backup(engine: Engine, path: str | os.PathLike) -> dict:
    """Write the snapshot of ``engine``'s database to ``path`` (mode 0600); returns the
    manifest."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    conn = _snapshot_connection(engine)
    try:
        revision = _revision(conn)
        metadata = sa.MetaData()
        metadata.reflect(bind=conn)
        order = dependency_order(metadata)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "alembic_revision": revision,
            "created_at": datetime.utcnow().isoformat(timespec="seconds") + "Z",
            "source_engine": engine.dialect.name,
            "excluded": SKIPPED,
            "tables": [],
        }
        with _open_private(partial) as fh, ZipFile(fh, "w", ZIP_DEFLATED) as zf:
            for table in order:
                manifest["tables"].append(_write_table(conn, zf, table))
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        conn.rollback()
        conn.close()
    os.replace(partial, path)
    return manifest


def _write_table(conn: Connection, zf: ZipFile, table: sa.Table) -> dict:
    columns = list(table.columns)
    kinds = {c.name: column_kind(c) for c in columns}
    key = list(table.primary_key.columns) or columns
    member = f"tables/{table.name}.jsonl"
    rows = 0
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(*columns).order_by(*key))
    # The rows go to a scratch file first: a ZIP takes one member at a time, and the
    # binary values become members of their own while the rows are read.
    with tempfile.TemporaryFile() as out:
        for row in result.mappings():
            record = {}
            for name, value in row.items():
                kind = kinds[name]
                if kind == "binary" and value is not None:
                    blob = f"blobs/{table.name}/{rows}.{name}"
                    zf_write_blob(zf, blob, bytes(value))
                    record[name] = blob
                else:
                    record[name] = _encode(kind, value)
            out.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
            rows += 1
        out.seek(0)
        with zf.open(member, "w", force_zip64=True) as dest:
            shutil.copyfileobj(out, dest, 1 << 20)
    return {"name": table.name, "file": member, "rows": rows,
            "primary_key": [c.name for c in table.primary_key.columns],
            "columns": [{"name": c.name, "kind": kinds[c.name]} for c in columns]}


def zf_write_blob(zf: ZipFile, name: str, data: bytes) -> None:
    # Attachments are mostly compressed already (images, PDFs, Office files).
    zf.writestr(name, data, compress_type=ZIP_STORED)


# --- loading into the target ----------------------------------------------------------

def read_manifest(zf: ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise BackupError("not a hub backup: the file has no manifest.json") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("not a hub backup (unknown format)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"backup format version {manifest.get('format_version')} is not "
                          f"supported by this version of the hub (it reads {FORMAT_VERSION})")
    return manifest


def rows_in_database(engine: Engine) -> dict[str, int]:
    """Tables of the hub that hold rows (what makes a database not empty)."""
    found = {}
    with engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            if name in SKIPPED:
                continue
            count = conn.execute(sa.select(sa.func.count()).select_from(sa.table(name)))
            n = count.scalar_one()
            if n:
                found[name] = n
    return found


def _bring_schema_to(revision: str) -> None:
    """Upgrade (or, for an empty database a newer hub migrated, downgrade) the schema to
    the snapshot's revision."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    try:
        script.get_revision(revision)
    except Exception:  # noqa: BLE001 - alembic raises several kinds for unknown ids
        raise BackupError(
            f"the backup's schema revision {revision} is unknown to this version of the "
            "hub: restore it with the version that wrote it (or a newer one)") from None
    with db.engine.connect() as conn:
        has_version = sa.inspect(conn).has_table("alembic_version")
        current = (conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
                   if has_version else None)
    if current == revision:
        return
    ancestors = {r.revision for r in script.walk_revisions("base", revision)}
    if current is None or current in ancestors:
        upgrade(revision=revision)
    else:
        downgrade(revision=revision)


def restore(engine: Engine, path: str | os.PathLike, *, echo=lambda _msg: None) -> dict:
    """Load the snapshot at ``path`` into the (empty) database of ``engine``."""
    with ZipFile(path) as zf:
        manifest = read_manifest(zf)
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
        if names and "alembic_version" not in names:
            raise BackupError("the target database has tables but no alembic_version: it is "
                              "not a hub database; restore into an empty database")
        filled = rows_in_database(engine)
        if filled:
            listed = ", ".join(f"{n} ({c})" for n, c in sorted(filled.items())[:5])
            raise BackupError(
                "refusing to restore into a database that holds data: " + listed +
                (" …" if len(filled) > 5 else "") + ". Restore only into an empty database "
                "(a new PostgreSQL database, or a new SQLite file; for the embedded default "
                "remove instance/hub.sqlite3 and run with HUB_DEMO_BOOTSTRAP=false).")
        echo(f"bringing the schema to revision {manifest['alembic_revision']}")
        _bring_schema_to(manifest["alembic_revision"])
        db.session.remove()
        metadata = sa.MetaData()
        with engine.connect() as conn:
            metadata.reflect(bind=conn)
        _check_schema(manifest, metadata)
        order = [metadata.tables[t["name"]] for t in manifest["tables"]]
        deferred = deferred_columns(order)
        with engine.begin() as conn:
            total = 0
            for entry in manifest["tables"]:
                table = metadata.tables[entry["name"]]
                count = _load_table(conn, zf, entry, table, deferred.get(table.name, []))
                if count != entry["rows"]:
                    raise BackupError(f"{entry['name']}: {count} rows in the file, "
                                      f"{entry['rows']} in the manifest: the file is damaged")
                total += count
                echo(f"  {entry['name']}: {count}")
            for entry in manifest["tables"]:
                columns = deferred.get(entry["name"])
                if columns:
                    _fill_deferred(conn, zf, entry, metadata.tables[entry["name"]], columns)
            if engine.dialect.name == "postgresql":
                _reset_sequences(conn, order)
            if "search_outbox" in metadata.tables:
                conn.execute(metadata.tables["search_outbox"].insert().values(
                    kind="*", obj_id=None, created_at=datetime.utcnow()))
    return {"tables": len(manifest["tables"]), "rows": total,
            "revision": manifest["alembic_revision"]}


def _check_schema(manifest: dict, metadata: sa.MetaData) -> None:
    expected = {t["name"]: [c["name"] for c in t["columns"]] for t in manifest["tables"]}
    present = {name: [c.name for c in table.columns]
               for name, table in metadata.tables.items() if name not in SKIPPED}
    problems = [f"table {n} missing" for n in sorted(set(expected) - set(present))]
    problems += [f"table {n} not in the backup" for n in sorted(set(present) - set(expected))]
    for name in sorted(set(expected) & set(present)):
        if set(expected[name]) != set(present[name]):
            problems.append(f"{name}: columns {sorted(set(expected[name]) ^ set(present[name]))}"
                            " differ")
    if problems:
        raise BackupError("the database's schema at the backup's revision differs from the "
                          "backup: " + "; ".join(problems))


def _records(zf: ZipFile, entry: dict) -> Iterator[dict]:
    kinds = {c["name"]: c["kind"] for c in entry["columns"]}
    with zf.open(entry["file"]) as fh:
        for line in fh:
            raw = json.loads(line)
            record = {}
            for name, value in raw.items():
                kind = kinds[name]
                if kind == "binary" and value is not None:
                    record[name] = zf.read(value)
                else:
                    record[name] = _decode(kind, value)
            yield record


def _load_table(conn: Connection, zf: ZipFile, entry: dict, table: sa.Table,
                deferred: list[str]) -> int:
    count = 0
    batch: list[dict] = []
    for record in _records(zf, entry):
        for name in deferred:
            record[name] = None
        batch.append(record)
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def _fill_deferred(conn: Connection, zf: ZipFile, entry: dict, table: sa.Table,
                   columns: list[str]) -> None:
    key = entry["primary_key"]
    stmt = table.update().where(*[table.c[k] == sa.bindparam(f"key_{k}") for k in key]) \
        .values({c: sa.bindparam(f"new_{c}") for c in columns})
    batch = []
    for record in _records(zf, entry):
        if all(record[c] is None for c in columns):
            continue
        params = {f"key_{k}": record[k] for k in key}
        params.update({f"new_{c}": record[c] for c in columns})
        batch.append(params)
        if len(batch) >= BATCH:
            conn.execute(stmt, batch)
            batch = []
    if batch:
        conn.execute(stmt, batch)


def _reset_sequences(conn: Connection, tables: list[sa.Table]) -> None:
    """Serial ids continue after the largest restored one."""
    for table in tables:
        for column in table.primary_key.columns:
            if column_kind(column) != "integer":
                continue
            sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": table.name, "c": column.name}).scalar()
            if sequence:
                conn.execute(sa.text(
                    f'SELECT setval(:s, COALESCE(MAX("{column.name}"), 1), '
                    f'MAX("{column.name}") IS NOT NULL) FROM "{table.name}"'),
                    {"s": sequence})


# --- commands ---------------------------------------------------------------------------

@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file: str) -> None:
    """Write a consistent snapshot of the whole database (attachments included) to FILE,
    mode 0600, while the hub runs."""
    try:
        manifest = backup(db.engine, file)
    except OSError as exc:
        raise BackupError(f"cannot write {file}: {exc.strerror or exc}") from None
    rows = sum(t["rows"] for t in manifest["tables"])
    click.echo(f"backup written to {file}: {len(manifest['tables'])} tables, {rows} rows, "
               f"schema revision {manifest['alembic_revision']}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(file: str) -> None:
    """Load a backup into an EMPTY database (either engine), bringing its schema to the
    backup's revision; queues a rebuild of the search index."""
    try:
        summary = restore(db.engine, file, echo=click.echo)
    except (BadZipFile, json.JSONDecodeError, KeyError) as exc:
        raise BackupError(f"{file} is damaged or not a hub backup ({exc})") from None
    click.echo(f"restored {summary['rows']} rows into {summary['tables']} tables at schema "
               f"revision {summary['revision']}; the search index will be rebuilt by the "
               "index writer (or run `flask --app app search reindex`). Then run "
               "`flask --app app db upgrade` if this hub is newer than the backup.")
