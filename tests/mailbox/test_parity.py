"""Page–API parity of letters: for every demo person and every demo letter, the fields the
letter page shows (its ``data-field`` marks) are the fields the API returns, and a letter
one side hides is a 404 on the other too."""
from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.mailbox.demo import create_demo_letters
from hub.mailbox.models import Letter
from tests.support.factories import bearer, sign_in
from tests.support.parity import api_fields, page_fields

#: What the page shows in another form than a field of its own: the id is the page's
#: address, labels are how the page writes category and status, the HTML is the body, and
#: the due date is the due time's day.
SAME_THING = frozenset({"id", "category_label", "status_label", "body_html", "due_date"})


def test_every_person_sees_the_same_fields_of_every_letter_on_page_and_api(
        app, client, demo):
    create_demo_letters(demo)
    db.session.commit()
    letters = list(db.session.scalars(select(Letter.id).order_by(Letter.id)))
    assert len(letters) >= 10
    seen = 0
    for person in demo.values():
        if not person.active:
            continue
        headers = bearer(person)
        sign_in(client, person)
        for letter_id in letters:
            api = client.get(f"/api/v1/letters/{letter_id}", headers=headers)
            page = client.get(f"/mailbox/letters/{letter_id}")
            assert api.status_code == page.status_code, (person.username, letter_id)
            assert api.status_code in (200, 404)
            if api.status_code == 404:
                continue
            seen += 1
            shown = page_fields(page.get_data(as_text=True))
            returned = api_fields(api.get_json(), ignore=SAME_THING)
            assert shown == returned, (person.username, letter_id, shown ^ returned)
    assert seen > len(letters)  # the GM office sees them all, writers and handlers some
