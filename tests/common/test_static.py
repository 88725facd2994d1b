"""Static files under versioned URLs, cached for a year; the anonymous pages and the static
files send only the hub's origin as referer."""
from __future__ import annotations

import re

from flask import url_for

from hub.common.static import file_digest


def test_static_urls_carry_the_files_digest(app):
    url = url_for("static", filename="css/hub.css")
    digest = file_digest(app.static_folder + "/css/hub.css")
    assert re.fullmatch(r"[0-9a-f]{12}", digest)
    assert url == f"/static/css/hub.css?v={digest}"


def test_a_changed_file_gets_a_new_url(tmp_path):
    path = tmp_path / "a.css"
    path.write_text("a {}")
    first = file_digest(str(path))
    path.write_text("b { color: red }")
    assert file_digest(str(path)) != first
    assert file_digest(str(tmp_path / "missing.css")) is None


def test_a_versioned_file_is_kept_for_a_year(app, client):
    with client.get(url_for("static", filename="css/hub.css")) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public
    fonts = "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"
    with client.get(f"/static/{fonts}?e34853135f9e39acf64315236852cd5a") as response:
        assert response.cache_control.max_age == 365 * 24 * 3600  # the style sheet's own URL
    for stale in ("/static/css/hub.css?v=000000000000", "/static/css/hub.css"):
        with client.get(stale) as response:
            assert response.status_code == 200
            assert not response.cache_control.max_age, stale  # asked again next time


def test_the_pages_load_versioned_assets(client):
    html = client.get("/login").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert assets and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in assets)


def test_anonymous_pages_and_assets_send_only_the_origin_as_referer(client, create_user,
                                                                     login):
    login(client, create_user())
    for path in ("/suggestions/new", "/mailbox/write", "/receipt/"):
        assert client.get(path).headers["Referrer-Policy"] == "strict-origin", path
    with client.get("/static/css/hub.css") as response:
        assert response.headers["Referrer-Policy"] == "strict-origin"
    for path in ("/", "/suggestions/", "/mailbox/"):
        assert client.get(path).headers["Referrer-Policy"] == "same-origin", path
