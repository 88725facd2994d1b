"""内部沟通中心 · Intranet Communication Hub.

``create_app`` builds the application in named steps; every extension is created unbound
in ``hub.extensions`` and bound here.
"""
from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def _asset_dir(name: str) -> str:
    """``templates/``, ``static/`` and ``translations/`` sit at the repository root; an
    installed wheel carries them under ``<prefix>/share/intranet-communication-hub``."""
    beside = ROOT / name
    if beside.is_dir():
        return str(beside)
    return str(Path(sys.prefix) / "share" / "intranet-communication-hub" / name)


def create_app(config: dict | None = None) -> Flask:
    from hub.common.files import restrict_umask

    restrict_umask()  # before anything is created: data files 0600, folders 0700
    app = Flask(
        __name__,
        template_folder=_asset_dir("templates"),
        static_folder=_asset_dir("static"),
        instance_path=str((config or {}).get("INSTANCE_PATH") or ROOT / "instance"),
    )
    if config and config.get("TESTING"):
        app.testing = True
    app.json.ensure_ascii = False  # Chinese stays readable in API answers
    configure(app, config)
    register_extensions(app)
    register_hooks(app)
    register_request_hooks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    register_jinja(app)
    bootstrap_embedded_default(app)
    warn_about_open_files(app)
    return app


def configure(app: Flask, config: dict | None) -> None:
    from hub.config import load_config

    load_config(app, config)
    from hub.common.logging import configure_logging

    configure_logging(app)
    from hub.common.security import trust_proxies

    trust_proxies(app)


def register_extensions(app: Flask) -> None:
    from hub.common.converters import IdConverter
    from hub.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    app.url_map.converters["id"] = IdConverter
    import hub.models  # noqa: F401 - every table known to SQLAlchemy and Alembic

    db.init_app(app)
    from hub.common.db import configure_engine

    configure_engine(app)
    migrate.init_app(app, db, directory=_asset_dir("migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    from hub.common.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=_asset_dir("translations"))
    from hub.auth.loading import configure_login

    configure_login(app, login_manager)
    from hub.common.worker import configure_worker

    configure_worker(app)


def register_hooks(app: Flask) -> None:
    """The features' answers to what the layers below them announce: ``hub.org`` and
    ``hub.common`` import no feature, so the features connect here."""
    from hub.common.templating import set_unread_counter
    from hub.common.worker import register_delivery
    from hub.main.header import unread_notifications
    from hub.notifications.sender import deliver_due
    from hub.common.tasks import task_finished
    from hub.notifications.services import on_task_finished
    from hub.org.signals import user_deactivated

    user_deactivated.connect(_revoke_credentials_of_deactivated, sender=app, weak=False)
    task_finished.connect(on_task_finished, sender=app, weak=False)
    register_delivery(app, deliver_due)
    set_unread_counter(app, unread_notifications)  # read with the header's other counts


def _revoke_credentials_of_deactivated(_app: Flask, *, user) -> None:
    from hub.auth.services import revoke_all_credentials

    revoke_all_credentials(user)


def register_request_hooks(app: Flask) -> None:
    from hub.auth.access import require_login
    from hub.common.input import reject_unusable_input
    from hub.common.security import add_security_headers, reject_nul_bytes

    app.before_request(reject_nul_bytes)
    app.before_request(reject_unusable_input)
    app.before_request(require_login)
    app.after_request(add_security_headers)
    from hub.common.static import version_static_urls

    version_static_urls(app)


def register_blueprints(app: Flask) -> None:
    from hub.accountability import bp as accountability_bp
    from hub.admin import bp as admin_bp
    from hub.announcements import bp as announcements_bp
    from hub.api import register_api
    from hub.auth import bp as auth_bp
    from hub.dashboard import bp as dashboard_bp
    from hub.directory import bp as directory_bp
    from hub.feedback import bp as feedback_bp
    from hub.mailbox import bp as mailbox_bp
    from hub.main import bp as main_bp
    from hub.meetings import bp as meetings_bp
    from hub.notifications import bp as notifications_bp
    from hub.receipts import bp as receipts_bp
    from hub.search import bp as search_bp
    from hub.suggestions import bp as suggestions_bp
    from hub.surveys import bp as surveys_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(directory_bp, url_prefix="/people")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(mailbox_bp, url_prefix="/mailbox")
    app.register_blueprint(receipts_bp, url_prefix="/receipt")
    app.register_blueprint(suggestions_bp, url_prefix="/suggestions")
    app.register_blueprint(announcements_bp, url_prefix="/announcements")
    app.register_blueprint(meetings_bp, url_prefix="/talks")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(accountability_bp, url_prefix="/accountability")
    app.register_blueprint(feedback_bp, url_prefix="/feedback")
    app.register_blueprint(surveys_bp, url_prefix="/surveys")
    register_api(app)


def register_error_handlers(app: Flask) -> None:
    from hub.common.errors import register_error_handlers as register

    register(app)


def register_cli(app: Flask) -> None:
    from hub.admin.cli import create_admin_command
    from hub.common.backup import backup_command, restore_command
    from hub.common.files import doctor_command
    from hub.common.worker import tick_command, worker_command
    from hub.demo import demo_data_command

    app.cli.add_command(create_admin_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(tick_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(doctor_command)


def register_jinja(app: Flask) -> None:
    from hub.common.templating import configure_jinja

    configure_jinja(app)


def warn_about_open_files(app: Flask) -> None:
    from hub.common.files import warn_at_startup

    warn_at_startup(app)


def bootstrap_embedded_default(app: Flask) -> None:
    """First start of the embedded default: apply migrations and create the demo company,
    explicitly and once."""
    if app.config["DEMO_BOOTSTRAP"]:
        from hub.demo import bootstrap

        bootstrap(app)
