import logging

from hub.common.logging import QuietRoutesFilter


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
