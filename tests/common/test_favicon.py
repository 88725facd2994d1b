"""Every page links the hub's icon, and /favicon.ico answers (no 404 per page, signed in or
not)."""
from __future__ import annotations

import io
import re

from PIL import Image


def test_pages_link_the_icon_and_both_urls_answer(app, client, demo, login):
    for signed_in in (False, True):
        if signed_in:
            login(client, demo["sales1"])
        page = client.get("/" if signed_in else "/login").get_data(as_text=True)
        links = re.findall(r'<link rel="icon" href="([^"]+)"', page)
        assert [link.split("?")[0] for link in links] == ["/static/favicon.ico",
                                                          "/static/favicon.svg"]
        for link in links:
            with client.get(link) as response:
                assert response.status_code == 200 and response.data
                assert response.cache_control.max_age == 365 * 24 * 3600  # versioned
        with client.get("/favicon.ico") as response:
            assert response.status_code == 200, signed_in  # no sign-in redirect, no 404
            assert response.mimetype == "image/vnd.microsoft.icon"
            assert response.cache_control.public and response.cache_control.max_age
            with Image.open(io.BytesIO(response.data)) as icon:
                assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
