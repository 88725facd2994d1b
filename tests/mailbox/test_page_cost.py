"""What the mailbox pages, the home page and the notifications cost the database: the same
number of SQL statements at 5 and at 50 rows (at most ``MAX_STATEMENTS``), and only the
page's rows loaded whatever the number of letters in the database."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.models import Letter
from hub.org.models import User
from tests.support.factories import company_today, create_department, create_user, sign_in
from tests.support.sqlcount import loaded_objects, statements

MAX_STATEMENTS = 12


def company():
    office = create_department("总经办")
    gmo = create_user("gmo", department=office, roles=["gm_office"])
    handling = create_department("客服部")
    head = create_user("cs_head", department=handling, heads=True)
    handler = create_user("cs1", department=handling, manager=head)
    writer_dept = create_department("市场部")
    writer = create_user("sales1", department=writer_dept)
    return {"gmo": gmo, "head": head, "handler": handler, "writer": writer,
            "handling": handling}


def file_letters(people, n: int) -> None:
    """``n`` letters by the writer in every state the lists show, half of them assigned
    (to the handler by name or to the department's head), some anonymous."""
    for i in range(n):
        # Every other one by somebody else, so that a lazy load per row would show.
        writer = people["writer"] if i % 2 == 0 else create_user(
            department=people["writer"].department)
        filed = mb.file_letter(writer, subject=f"来信 {i}", body="正文",
                               category="issue", anonymous=i % 5 == 4)
        letter = filed.letter
        if i % 2:
            mb.accept(letter, people["gmo"])
            mb.assign(letter, people["gmo"], department=people["handling"],
                      handler=people["handler"] if i % 4 == 1 else None,
                      due_date=company_today() + timedelta(days=10))
    db.session.commit()


PAGES = [
    ("writer", "/"),
    ("writer", "/mailbox/"),
    ("gmo", "/mailbox/office"),
    ("head", "/mailbox/assigned"),
    ("handler", "/mailbox/assigned"),
    ("gmo", "/mailbox/stats"),
    ("head", "/notifications/"),
]


def cost(client, path: str) -> int:
    client.get(path)  # warm: first-request work (templates, the searcher) is not the page's
    with statements() as found:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(found)


def test_statement_counts_do_not_grow_with_rows(app, client):
    people = company()
    counts = {}
    for n in (5, 50):
        file_letters(people, n - (5 if n == 50 else 0))
        for who, path in PAGES:
            sign_in(client, people[who])
            counts.setdefault((who, path), []).append(cost(client, path))
    for (who, path), (small, large) in counts.items():
        assert small == large, (who, path, small, large)
        assert large <= MAX_STATEMENTS, (who, path, large)



def bulk_letters(people, n: int, start: int, days_ago: int = 0) -> None:
    """``n`` letters straight into the table (the services would take minutes for 5 000):
    every fourth by the writer, the others by two colleagues or anonymous, every third
    assigned to the handling department with the handler named, the rest waiting for
    acceptance; filed ``days_ago``."""
    from hub.common.time import utcnow

    now = utcnow() - timedelta(days=days_ago)
    authors = [people["writer"].id, people["head"].id, people["handler"].id, None]
    rows = []
    for i in range(start, start + n):
        assigned = i % 3 == 0
        author = authors[i % 4]
        rows.append({
            "number": f"GM-2000-{i:06d}", "year": 2000, "seq": i, "subject": f"来信 {i}",
            "body": "正文", "category": "issue", "anonymous": author is None,
            "author_id": author, "status": "assigned" if assigned else "submitted",
            "filed_on": now.date(), "filed_at": now, "accept_due_at": now,
            "department_id": people["handling"].id if assigned else None,
            "handler_id": people["handler"].id if assigned else None,
            "due_at": now if assigned else None, "escalation_level": 0})
    db.session.execute(insert(Letter), rows)
    db.session.commit()


LIST_PAGES = [
    ("writer", "/mailbox/"),
    ("gmo", "/mailbox/office"),
    ("head", "/mailbox/assigned"),
    ("gmo", "/mailbox/stats"),
    ("writer", "/"),
]


def test_list_pages_load_only_their_page(app, client):
    people = company()
    ids = {name: person.id for name, person in people.items() if isinstance(person, User)}
    loaded = {}
    for total in (100, 5000):
        # The 4 900 more are older: the first page of each list stays the same letters.
        if total == 100:
            bulk_letters(people, 100, start=1)
        else:
            people = {name: db.session.merge(row) for name, row in people.items()}
            bulk_letters(people, 4900, start=101, days_ago=40)
        for who, path in LIST_PAGES:
            sign_in(client, db.session.get(User, ids[who]))
            client.get(path)
            # Only the request's own session loads anything while counting.
            db.session.commit()
            db.session.expunge_all()
            with loaded_objects() as objects:
                assert client.get(path).status_code == 200
            loaded.setdefault((who, path), []).append(
                (objects.count("Letter"), len(objects)))
    for (who, path), ((letters_small, small), (letters_large, large)) in loaded.items():
        # The same letters in both, at most a page (50) of them; the few other objects are
        # the person, their session and the departments of the filter (the identity map
        # holds rows weakly, so a department may be loaded twice in one request).
        assert letters_small == letters_large <= 50, (who, path, letters_small, letters_large)
        assert small <= 60 and large <= 60, (who, path, small, large)
