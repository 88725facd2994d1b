"""Page–API parity of announcements: for every demo person and every demo announcement,
the fields the announcement page shows (its ``data-field`` marks) are the fields the API
returns, and an announcement one side hides is a 404 on the other too."""
from __future__ import annotations

from sqlalchemy import select

from hub.announcements.demo import create_demo_announcements
from hub.announcements.models import Announcement
from hub.extensions import db
from tests.support.factories import bearer, sign_in
from tests.support.parity import api_fields, page_fields

#: What the page shows in another form than a field of its own: the id is the page's
#: address, the label is how the page writes the kind, the HTML is the body.
SAME_THING = frozenset({"id", "kind_label", "body_html"})


def test_every_person_sees_the_same_fields_of_every_announcement_on_page_and_api(
        app, client, demo):
    create_demo_announcements(demo)
    db.session.commit()
    announcements = list(db.session.scalars(select(Announcement.id).order_by(Announcement.id)))
    assert len(announcements) >= 5
    seen = hidden = 0
    for person in demo.values():
        if not person.active:
            continue
        headers = bearer(person)
        sign_in(client, person)
        for announcement_id in announcements:
            api = client.get(f"/api/v1/announcements/{announcement_id}", headers=headers)
            page = client.get(f"/announcements/{announcement_id}")
            assert api.status_code == page.status_code, (person.username, announcement_id)
            assert api.status_code in (200, 404)
            if api.status_code == 404:
                hidden += 1
                continue
            seen += 1
            shown = page_fields(page.get_data(as_text=True))
            returned = api_fields(api.get_json(), ignore=SAME_THING)
            assert shown == returned, (person.username, announcement_id, shown ^ returned)
    assert seen and hidden  # department announcements are hidden from the other departments
