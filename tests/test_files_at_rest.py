"""Files at rest: the embedded default's database, its WAL, the search index, the secret key
and uploads are private to the hub's account (0600 files in 0700 folders), whatever umask
started the process; ``flask --app app doctor`` and the start-up check name what is not."""
from __future__ import annotations

import io
import logging
import os
import stat
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.datastructures import FileStorage

from hub import create_app
from hub.common.files import doctor_command
from hub.extensions import db
from hub.mailbox.services import file_letter
from hub.search.indexer import apply_pending
from tests.support import factories


@pytest.fixture
def loose_umask():
    """The process starts the way a shell usually starts it: files 0644, folders 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def embedded(tmp_path, loose_umask, monkeypatch):
    """The embedded default (no database URL: SQLite in the instance folder, the index and
    the secret key beside it), with its schema, one letter with an attachment, indexed."""
    for name in list(os.environ):
        if name.startswith("HUB_"):
            monkeypatch.delenv(name)
    instance = tmp_path / "instance"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance),
                      "DEMO_BOOTSTRAP": False, "BACKGROUND_WORKER": False,
                      "PASSWORD_HASH_PROFILE": "CHEAPEST", "ANONYMOUS_RELEASE_MINUTES": 0})
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        upgrade()
        author = factories.create_user("zhang")
        upload = FileStorage(io.BytesIO("食堂的菜单".encode()), filename="菜单.txt")
        file_letter(author, subject="食堂", body="食堂的饭菜太咸了", category="suggestion",
                    uploads=[upload])
        db.session.commit()
        assert apply_pending(app) > 0
        yield app, instance
        db.session.remove()
        db.engine.dispose()


def modes(root: Path) -> dict[str, tuple[bool, int]]:
    """Every path under ``root``: whether it is a folder, and its permission bits."""
    found = {".": (True, stat.S_IMODE(root.stat().st_mode))}
    for folder, _dirs, _files in os.walk(root):
        for entry in os.scandir(folder):
            mode = entry.stat(follow_symlinks=False).st_mode
            found[str(Path(entry.path).relative_to(root))] = (stat.S_ISDIR(mode),
                                                             stat.S_IMODE(mode))
    return found


def test_embedded_default_creates_private_files_and_folders(embedded):
    app, instance = embedded
    found = modes(instance)
    assert {"hub.sqlite3", "hub.sqlite3-wal", "secret_key", "search-index"} <= set(found)
    assert any(name.startswith("search-index/") for name in found)  # the index's files
    open_to_others = {name: f"{mode:04o}" for name, (_d, mode) in found.items() if mode & 0o077}
    assert open_to_others == {}
    assert {name for name, (is_dir, mode) in found.items() if is_dir and mode != 0o700} == set()
    # Whoosh opens its (empty) lock files with the default mode: 0777 less the umask
    data = {name: mode for name, (is_dir, mode) in found.items()
            if not is_dir and not name.endswith("LOCK")}
    assert {name for name, mode in data.items() if mode != 0o600} == set()
    assert any(name.endswith((".seg", ".toc")) for name in data)
    result = app.test_cli_runner().invoke(doctor_command)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")


def test_doctor_and_start_up_name_a_file_readable_by_others(embedded, caplog):
    app, instance = embedded
    wal = instance / "hub.sqlite3-wal"
    wal.chmod(0o644)
    (instance / "search-index").chmod(0o755)
    runner = app.test_cli_runner()

    result = runner.invoke(doctor_command)
    assert result.exit_code == 1
    assert f"{wal}: file mode 0644, open to other accounts (should be 0600)" in result.output
    assert f"{instance / 'search-index'}: folder mode 0755" in result.output
    assert "hub.sqlite3:" not in result.output  # the database file itself is still 0600

    with caplog.at_level(logging.WARNING):
        create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "DEMO_BOOTSTRAP": False,
                    "BACKGROUND_WORKER": False})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("readable by other accounts" in w and str(wal) in w for w in warnings)

    fixed = runner.invoke(doctor_command, ["--fix"])
    assert fixed.exit_code == 0
    assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE((instance / "search-index").stat().st_mode) == 0o700
    assert runner.invoke(doctor_command).exit_code == 0
