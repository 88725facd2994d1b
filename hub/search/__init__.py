"""档案检索 the searchable archive (SPEC §5): one Whoosh index, results exactly as permitted.

Features register what they index in ``hub.search.registry`` (each in its own
``search.py``); this package never imports a feature.  Changes reach the index through the
outbox (``outbox``, ``indexer``); queries go through ``query.search``.
"""
from flask import Blueprint

bp = Blueprint("search", __name__)


@bp.record_once
def _configure(state) -> None:
    app = state.app
    if app.config.get("SEARCH_INDEXER") is None:
        app.config["SEARCH_INDEXER"] = bool(app.config.get("BACKGROUND_WORKER"))
    if app.config.get("SEARCH_BACKGROUND_REFRESH") is None:
        app.config["SEARCH_BACKGROUND_REFRESH"] = not app.testing
    from hub.search.indexer import configure_indexer
    from hub.search.outbox import install

    install()
    configure_indexer(app)


from hub.search import cli, views  # noqa: E402,F401
