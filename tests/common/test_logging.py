import logging

import pytest
from sqlalchemy.exc import DBAPIError

from hub.common.logging import QuietRoutesFilter
from hub.extensions import db


def record(message, *args):
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, args, None)


def test_anonymous_routes_are_not_logged():
    quiet = QuietRoutesFilter()
    assert not quiet.filter(record('%s - - [x] "%s" %s -', "10.0.0.8",
                                   "POST /mailbox/write HTTP/1.1", "302"))
    assert not quiet.filter(record('"%s" %s', "POST /receipt HTTP/1.1", "200"))
    assert not quiet.filter(record('"%s" %s', "POST /api/v1/receipts/lookup HTTP/1.1", 404))
    # gunicorn formats its access line itself
    assert not quiet.filter(record('10.0.0.8 - - "POST /api/v1/letters HTTP/1.1" 201'))
    assert quiet.filter(record('"%s" %s', "GET /people/ HTTP/1.1", "200"))


def gunicorn_record(path: str, referer: str = "-") -> logging.LogRecord:
    """What gunicorn's access log hands its handlers: the format and a dict of atoms."""
    atoms = {"h": "10.0.0.8", "r": f"GET {path} HTTP/1.1", "U": path.split("?")[0],
             "f": referer, "s": "200"}
    return logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                             '%(h)s "%(r)s" %(s)s "%(f)s"', (atoms,), None)


def test_a_request_from_an_anonymous_page_is_not_logged():
    quiet = QuietRoutesFilter()
    assert not quiet.filter(gunicorn_record("/static/css/hub.css",
                                            "https://hub.example/suggestions/new"))
    assert not quiet.filter(gunicorn_record("/", "https://hub.example/receipt/"))
    assert not quiet.filter(gunicorn_record("/static/js/hub.js", "/mailbox/write?x=1"))
    assert not quiet.filter(gunicorn_record("/suggestions/new"))
    assert quiet.filter(gunicorn_record("/static/css/hub.css", "https://hub.example/"))
    assert quiet.filter(gunicorn_record("/people/", "https://hub.example/mailbox/"))


def test_the_development_server_leaves_out_requests_from_anonymous_pages(app):
    """werkzeug's line holds the request line only: the referer is known from the mark
    the hub leaves for the request the thread served."""
    (quiet,) = [f for f in logging.getLogger("werkzeug").filters
                if isinstance(f, QuietRoutesFilter)]
    line = ('"%s" %s', "GET /healthz HTTP/1.1", "200")
    client = app.test_client()
    client.get("/healthz", headers={"Referer": "http://hub/suggestions/new"})
    assert not quiet.filter(record(*line))
    client.get("/healthz", headers={"Referer": "http://hub/people/"})
    assert quiet.filter(record(*line))
    client.get("/healthz")
    assert quiet.filter(record(*line))


def test_the_hubs_own_records_of_an_anonymous_route_name_nothing(app, caplog):
    written = "INSERT INTO letters (subject) VALUES ('食堂的秘密')"
    try:
        raise ValueError(written)  # what a database error says of the values it was given
    except ValueError:
        with app.test_request_context("/mailbox/write", method="POST"):
            app.logger.exception("Unhandled error on %s %s", "POST", "/mailbox/write")
        with app.test_request_context("/people/"):
            app.logger.exception("Unhandled error on %s %s", "GET", "/people/")
    anonymous, named = caplog.records[-2:]
    text = anonymous.getMessage()
    assert "anonymous route" in text and "ValueError" in text
    assert "test_the_hubs_own_records" in text  # the traceback's code lines stay
    for secret in ("/mailbox/write", "食堂的秘密", "INSERT"):
        assert secret not in text
    assert anonymous.exc_info is None
    assert named.getMessage() == "Unhandled error on GET /people/"
    assert named.exc_info is not None


def test_database_errors_never_quote_the_values_they_were_given(app):
    written = "匿名举报的正文"
    with pytest.raises(DBAPIError) as failure:
        db.session.execute(db.text("SELECT * FROM no_such_table WHERE subject = :subject"),
                           {"subject": written})
    db.session.rollback()
    assert "no_such_table" in str(failure.value)  # the statement, for whoever debugs it
    assert written not in str(failure.value)
