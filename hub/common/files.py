"""Files at rest: what the hub writes to disk is for the hub's own account only.

The SQLite database and its WAL, the search index, the secret key and uploads waiting to be
imported hold the letters and reports in clear.  The hub sets the process's umask to
``0o077`` before it creates anything, so every file is ``0600`` and every folder ``0700``
whoever started it; ``flask --app app doctor`` (and a warning at start-up) names what was
created before, by hand or by another program, and can be read by other local accounts.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

PRIVATE_UMASK = 0o077
#: Permission bits nobody but the owner may hold.
OTHERS = stat.S_IRWXG | stat.S_IRWXO
#: Files beside a SQLite database that hold (part of) its contents.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def restrict_umask() -> None:
    """Everything the process creates from now on is private to its account."""
    os.umask(PRIVATE_UMASK)


@dataclass(frozen=True)
class Exposure:
    path: Path
    mode: int

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)

    @property
    def wanted(self) -> int:
        return 0o700 if self.is_dir else 0o600

    def __str__(self) -> str:
        what = "folder" if self.is_dir else "file"
        return (f"{self.path}: {what} mode {stat.S_IMODE(self.mode):04o}, open to other "
                f"accounts (should be {self.wanted:04o})")


def sqlite_path(app: Flask) -> Path | None:
    """The database file, when the database is a SQLite file."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return None
    return Path(url.database)


def private_paths(app: Flask) -> list[Path]:
    """The folders and files that hold the hub's data: the instance folder (database,
    secret key, uploads) and the search index, walked whole, and a SQLite database with its
    WAL wherever it lives."""
    roots = [Path(app.instance_path), Path(app.config["SEARCH_INDEX_DIR"])]
    paths: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        if path not in seen:
            seen.add(path)
            paths.append(path)

    for root in roots:
        if not root.exists():
            continue
        add(root)
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in dirs + sorted(files):
                add(Path(folder) / name)
    database = sqlite_path(app)
    if database is not None:
        for candidate in [database] + [Path(f"{database}{s}") for s in SQLITE_COMPANIONS]:
            if candidate.exists():
                add(candidate)
    return paths


def exposures(app: Flask) -> list[Exposure]:
    """Each private path that another account may read, write or enter."""
    found = []
    for path in private_paths(app):
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:  # a WAL checkpointed or a segment merged meanwhile
            continue
        if stat.S_ISLNK(mode):
            continue
        if mode & OTHERS:
            found.append(Exposure(path, mode))
    return found


def warn_at_startup(app: Flask) -> None:
    """One log warning per start when data files are open to other accounts."""
    found = exposures(app)
    if found:
        shown = "; ".join(str(e) for e in found[:5])
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        app.logger.warning("data files readable by other accounts: %s%s; run "
                           "`flask --app app doctor --fix`", shown, more)


@click.command("doctor")
@click.option("--fix", is_flag=True, help="Make every data file 0600 and folder 0700.")
@with_appcontext
def doctor_command(fix: bool) -> None:
    """Check that the database, its WAL, the search index, the secret key and uploads are
    private to the hub's account; exit status 1 when something is not (and --fix was not
    given)."""
    app = current_app._get_current_object()
    found = exposures(app)
    checked = len(private_paths(app))
    if not found:
        click.echo(f"ok: {checked} data files and folders are private to this account")
        return
    for exposure in found:
        if fix:
            exposure.path.chmod(exposure.wanted)
            click.echo(f"fixed: {exposure.path} → {exposure.wanted:04o}")
        else:
            click.echo(f"warning: {exposure}")
    if not fix:
        click.echo(f"{len(found)} of {checked} data files and folders are open to other "
                   "accounts; `flask --app app doctor --fix` makes them private.")
        raise SystemExit(1)
