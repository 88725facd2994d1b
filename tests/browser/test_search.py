"""档案检索 in a real Chromium: a letter written a moment ago is found from the header's
box with the word highlighted, opened from the result; another employee's search finds
nothing of it."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LetterPage, LoginPage, MailboxPages, SearchPage

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
SLOW_MS = 30_000


def signed_in(new_context, username: str):
    page = new_context().new_page()
    page.set_default_timeout(SLOW_MS)
    LoginPage(page).open().sign_in(username, PASSWORD)
    return page


def test_a_new_letter_is_found_from_the_header_by_its_writer_only(new_context):
    word = "q" + uuid.uuid4().hex[:8]
    subject = f"食堂夜宵建议 {word}"
    writer = signed_in(new_context, "prod1")
    mailbox = MailboxPages(writer).open_write()
    mailbox.write(subject, f"最近食堂的红烧肉太咸了，夜班也想吃上热饭。{word}", "建议")
    expect(LetterPage(writer).subject).to_have_text(subject, timeout=SLOW_MS)

    search = SearchPage(writer)
    # the writer thread indexes after the commit; a search a moment later finds it
    for _attempt in range(20):
        search.search_from_header(f"红烧肉 {word}")
        if search.hits.count():
            break
        writer.wait_for_timeout(250)
    expect(search.hits).to_have_count(1)
    expect(search.snippet_marks(word).first).to_be_visible()
    expect(search.hit(word).locator("mark").filter(has_text="红烧肉").first).to_be_visible()
    search.filter_by("kind", "letter")
    expect(search.hits).to_have_count(1)
    search.hit(word).get_by_test_id("search-hit-title").click()
    expect(writer).to_have_url(re.compile(r"/mailbox/letters/\d+"))
    expect(LetterPage(writer).subject).to_have_text(subject)

    other = signed_in(new_context, "sales1")
    other_search = SearchPage(other).search_from_header(word)
    expect(other_search.no_results).to_be_visible()
    expect(other_search.hits).to_have_count(0)
