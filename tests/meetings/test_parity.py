"""Page–API parity of talk logs: for every demo person and every demo talk log, the fields
the talk page shows (its ``data-field`` marks) are the keys the API returns, and a talk one
side hides (404) the other hides too.  Both render ``hub.meetings.access.talk_view``."""
from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.meetings.models import TalkLog
from tests.api.conftest import API
from tests.support.parity import api_fields, page_fields

#: ``id`` is the page's address, not a field it shows.
IGNORE = frozenset({"id"})


def test_talk_page_and_api_show_the_same_fields(app, client, demo, bearer, login):
    from hub.meetings.demo import create_demo_talks

    create_demo_talks(demo)
    db.session.commit()
    talks = list(db.session.scalars(select(TalkLog.id).order_by(TalkLog.id)))
    kinds = set(db.session.scalars(select(TalkLog.kind)))
    assert len(talks) >= 20 and "skip_level" in kinds

    seen = hidden = private = 0
    for person in demo.values():
        if not person.active:
            continue
        headers = bearer(person)
        login(client, person)
        for talk_id in talks:
            api = client.get(f"{API}/talks/{talk_id}", headers=headers)
            page = client.get(f"/talks/logs/{talk_id}")
            where = (person.username, talk_id)
            assert api.status_code == page.status_code, where
            if api.status_code == 404:
                hidden += 1
                continue
            assert api.status_code == 200, where
            shown = api_fields(api.get_json(), IGNORE)
            assert shown == page_fields(page.get_data(as_text=True)), where
            seen += 1
            private += "private_note" in shown
    # Every kind of answer happened: seen, hidden, and the author's private note.
    assert seen and hidden and private
