"""What ships: a wheel that carries the templates, static files, translations and
migrations and serves pages when installed away from the checkout; and a README whose test
command is the one CI runs."""
from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ASSET_FOLDERS = ("templates", "static", "translations", "migrations")
SHARE = "share/intranet-communication-hub/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    [built] = out.glob("intranet_communication_hub-*.whl")
    return built


def asset_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for folder in ASSET_FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_carries_every_template_static_file_translation_and_migration(wheel):
    with zipfile.ZipFile(wheel) as archive:
        shared = {name.split(SHARE, 1)[1] for name in archive.namelist() if SHARE in name}
    missing = sorted(asset_files() - shared)
    assert not missing, (f"not in the wheel: {missing}; add their folder to "
                         "[tool.setuptools.data-files] in pyproject.toml")


def test_the_installed_wheel_serves_pages_away_from_the_checkout(wheel, tmp_path):
    prefix = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "--prefix", str(prefix), str(wheel)],
                   check=True, capture_output=True)
    # The dependencies come from the test environment; its editable hub does not (a path in
    # a .pth file is not a site directory, so the editable finder's own .pth is not read).
    [site_packages] = prefix.glob("lib/python3*/site-packages")
    (site_packages / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    script = textwrap.dedent(f"""
        import sys
        import hub
        assert hub.__file__.startswith(sys.prefix), hub.__file__
        from hub import create_app
        app = create_app({{"TESTING": True, "SECRET_KEY": "x" * 32,
                          "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path}/hub.sqlite3",
                          "INSTANCE_PATH": "{tmp_path}/instance", "DEMO_BOOTSTRAP": False}})
        assert app.template_folder.startswith(sys.prefix), app.template_folder
        client = app.test_client()
        with client.get("/static/css/hub.css") as css:
            assert css.status_code == 200, css.status_code
        page = client.get("/no-such-page")
        assert page.status_code == 404 and "页面不存在" in page.get_data(as_text=True)
        print("ok")
    """)
    result = subprocess.run([str(prefix / "bin" / "python"), "-c", script], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```[a-z]*\n(.*?)```", section, re.S)
    # One command per block: pasting the first never runs the second after a Ctrl+C.
    return [line for block in blocks for line in block.strip().splitlines()]


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    install_and_start, run_tests = quick_start_commands()
    assert "127.0.0.1" not in install_and_start  # flask's default host and port: no flags
    assert install_and_start.endswith("flask --app app run")
    ci_commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                   if line and not line.startswith(("#", "set ", "cd "))]
    assert ci_commands == [run_tests]
