"""Search the way people type: exclusions alone, single characters, registration numbers in
any form, pinyin and initials — each for several people, finding exactly what they may
open, with the word they meant highlighted; the people directory by pinyin."""
from __future__ import annotations

import pytest

from hub.extensions import db
from hub.mailbox.services import file_letter
from hub.org.models import User
from tests.support import factories


@pytest.fixture
def office(create_user):
    return create_user(roles=["gm_office"])


@pytest.fixture
def people(create_user):
    return {"helei": create_user(name="何磊"), "other": create_user(name="王芳"),
            "third": create_user(name="李娜")}


@pytest.fixture
def letters(people, index_now):
    texts = {
        "canteen": (people["helei"], "食堂饭菜太咸", "希望少放盐。"),
        "food": (people["helei"], "关于食品安全检查", "建议每月检查一次。"),
        "door": (people["other"], "安全提醒", "下班请关好门，离开前断电。"),
        "card": (people["other"], "门禁卡失灵", "三楼的门禁经常刷不开。"),
        "snack": (people["other"], "夜宵供应时间", "食堂夜宵能否延长到十点？"),
    }
    made = {key: file_letter(author, subject=subject, body=body, category="other").letter
            for key, (author, subject, body) in texts.items()}
    index_now()
    return made


def ids(results) -> set[int]:
    return {hit.id for hit in results.hits}


def test_exclusions_alone_list_everything_else(office, people, letters, find):
    """``-食堂`` is not ``食堂``: it lists what the person may open without the word."""
    everything = {letter.id for letter in letters.values()}
    with_canteen = {letters["canteen"].id, letters["snack"].id}
    assert ids(find(office, "食堂")) == with_canteen
    assert ids(find(office, "-食堂")) == everything - with_canteen
    assert ids(find(office, "NOT 食堂")) == everything - with_canteen
    assert ids(find(office, "-食堂 -门禁卡")) == everything - with_canteen - {letters["card"].id}
    assert ids(find(office, "食堂 -夜宵")) == {letters["canteen"].id}
    # a writer sees only their own letters, exclusion or not
    assert ids(find(people["other"], "-食堂")) == {letters["door"].id, letters["card"].id}
    assert ids(find(people["helei"], "-食堂")) == {letters["food"].id}
    assert find(people["helei"], "-").total == 0  # nothing to search for


def test_a_single_character_finds_titles_after_whole_words(office, people, letters, find):
    found = find(office, "门")
    # 门 is a word of its own in one body; inside 门禁卡 only in the other's title
    assert [hit.id for hit in found.hits] == [letters["door"].id, letters["card"].id]
    assert "<mark>门</mark>" in str(found.hits[1].title)
    assert ids(find(office, "食")) == {letters["canteen"].id, letters["food"].id}
    # the writer finds only theirs
    assert ids(find(people["helei"], "门")) == set()
    assert ids(find(people["other"], "食")) == set()


def test_registration_numbers_in_any_form(office, people, letters, find):
    letter = letters["card"]
    prefix, year, serial = letter.number.split("-")
    forms = [letter.number, letter.number.lower(), f"{prefix.lower()}-{year}-{int(serial)}",
             f"{prefix}{year}{serial}", f"{prefix.lower()}{year}{int(serial)}"]
    for form in forms:
        assert ids(find(office, form)) == {letter.id}, form
        assert ids(find(people["other"], form)) == {letter.id}, form
        assert find(people["helei"], form).total == 0, form  # not theirs


def test_pinyin_and_initials_find_chinese_titles(office, people, letters, find):
    found = find(office, "shitang")
    assert ids(found) == {letters["canteen"].id}  # the title; 食堂 in a body is not enough
    assert "<mark>食堂</mark>" in str(found.hits[0].title)
    assert ids(find(office, "menjinka")) == {letters["card"].id}
    assert ids(find(office, "mjk")) == {letters["card"].id}  # initials
    assert ids(find(office, "shipin anquan")) == {letters["food"].id}
    assert ids(find(office, "shitang OR yexiao")) == {letters["canteen"].id,
                                                     letters["snack"].id}
    assert ids(find(people["other"], "shitang")) == set()  # not theirs
    assert ids(find(people["other"], "yexiao")) == {letters["snack"].id}


def test_the_search_page_and_api_take_the_same_forms(office, letters, client, login, bearer):
    login(client, office)
    html = client.get("/search/?q=shitang").get_data(as_text=True)
    assert html.count('data-testid="search-hit"') == 1 and "<mark>食堂</mark>" in html
    number = letters["card"].number.lower().replace("-", "")
    body = client.get(f"/api/v1/search?q={number}", headers=bearer(office)).get_json()
    assert [item["id"] for item in body["items"]] == [letters["card"].id]
    assert "沟通记录" in client.get("/search/").get_data(as_text=True)


def test_the_directory_finds_people_by_pinyin_and_initials(people, client, login, bearer):
    viewer = people["other"]
    for q in ("helei", "hl", "HeLei", "hel"):
        body = client.get(f"/api/v1/users?q={q}", headers=bearer(viewer)).get_json()
        assert [item["username"] for item in body["items"]] == [people["helei"].username], q
    login(client, viewer)
    html = client.get("/people/?q=hl").get_data(as_text=True)
    assert "何磊" in html and "李娜" not in html
    # the keys follow a renamed person
    person = db.session.get(User, people["helei"].id)
    person.name = "曾伟"
    db.session.commit()
    body = client.get("/api/v1/users?q=zengwei", headers=bearer(viewer)).get_json()
    assert [item["username"] for item in body["items"]] == [person.username]
    assert client.get("/api/v1/users?q=helei", headers=bearer(viewer)).get_json()["items"] == []


def test_a_writer_is_found_by_name_only_where_the_viewer_may_see_the_writer(
        office, people, letters, create_user, find, index_now):
    """何磊's named letters: the GM office sees who wrote them, so 何磊 / helei / hl find
    them; his anonymous letter and his named report (whose filer is hidden from the
    handlers) are found by name by nobody but, for the report, himself."""
    from hub.suggestions.services import file_report

    helei = people["helei"]
    hidden = file_letter(helei, subject="匿名的意见", body="不署名", category="other",
                         anonymous=True).letter
    hr = create_user(roles=["hr"])
    factories.create_unit("hr", "人力资源部", members=[hr])
    report = file_report(helei, kind="suggestion", subject="改进排班", body="建议错峰。",
                         anonymous=False).report
    index_now()
    his_letters = {letters["canteen"].id, letters["food"].id}
    assert [(h.kind, h.id) for h in find(hr, "排班").hits] == [("report", report.id)]
    for q in ("何磊", "helei", "hl", "HeLei"):
        found = find(office, q)
        assert {(h.kind, h.id) for h in found.hits} == {("letter", i) for i in his_letters}, q
        assert hidden.id not in ids(found)
        assert find(hr, q).total == 0, q  # the report's filer is hidden from HR
        mine = {(h.kind, h.id) for h in find(helei, q).hits}
        assert ("report", report.id) in mine and ("letter", hidden.id) not in mine, q
    assert find(people["other"], "helei").total == 0
    # a new name: found by it, no longer by the old one
    person = db.session.get(User, helei.id)
    person.name = "曾伟"
    db.session.commit()
    index_now()
    assert ids(find(office, "zengwei")) == his_letters
    assert find(office, "helei").total == 0
