"""The writer under sustained writes: commits without merging, merges beside the writer,
and a warm searcher brought up to date by opening only the segments that changed."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh.query import Every, Term

from hub.extensions import db
from hub.mailbox.services import file_letter
from hub.search import index as search_index
from hub.search import indexer
from hub.search.index import SearcherCache, open_index, read_toc


# --- the warm searcher over a small plain index ------------------------------------------

def _index(root):
    """An index folder as the hub lays it out (CURRENT + one generation, the hub's schema:
    one of another schema is taken for an older hub's and rebuilt)."""
    gen = search_index.new_generation(root)
    ix = whoosh_index.create_in(str(gen), search_index.make_schema())
    search_index.publish_generation(root, gen)
    return ix


def _add(ix, *keys, merge=False, delete=()):
    writer = ix.writer()
    for key in delete:
        writer.delete_by_term("key", key)
    for key in keys:
        writer.add_document(key=key, content=f"word {key}")
    writer.commit(merge=merge)


def _keys(searcher, q=None):
    return sorted(hit["key"] for hit in searcher.search(q or Every(), limit=None))


def _fresh_keys(ix):
    with ix.searcher() as fresh:
        return _keys(fresh), fresh.doc_count()


@pytest.fixture
def plain(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "RETIRE_SECONDS", 3600.0)  # closed when a test says
    root = tmp_path / "index"
    ix = _index(root)
    _add(ix, *[f"a{n}" for n in range(30)])
    _add(ix, *[f"b{n}" for n in range(30)])
    cache = SearcherCache(root, background=False, refresh_seconds=1)
    cache.searcher()
    yield SimpleNamespace(ix=ix, cache=cache, root=root)
    cache.forget()
    _close_retired(cache)


def _close_retired(cache):
    for _when, version in cache._retired:
        version.close()
    cache._retired.clear()


def test_a_refresh_opens_only_the_new_segment_and_equals_a_fresh_searcher(plain):
    pool = plain.cache._pool
    assert pool.opened == 2
    _add(plain.ix, "c0")
    searcher = plain.cache.searcher()  # not up to date: refreshed
    assert pool.opened == 3  # the two big segments were reused
    assert (_keys(searcher), searcher.doc_count()) == _fresh_keys(plain.ix)
    assert "c0" in _keys(searcher, Term("key", "c0"))
    assert searcher.up_to_date()


def test_a_deletion_in_a_reused_segment_is_never_returned(plain):
    before = plain.cache.searcher()
    _add(plain.ix, "c0", delete=["a3", "b7"])
    after = plain.cache.searcher()
    assert after is not before
    assert plain.cache._pool.opened == 3  # the files of a and b stay open, shared
    keys = _keys(after)
    assert "a3" not in keys and "b7" not in keys
    assert (keys, after.doc_count()) == _fresh_keys(plain.ix)
    assert after.search(Term("key", "a3")).scored_length() == 0
    assert list(after.docs_for_query(Term("content", "a3"))) == []
    # the searcher a request may still hold keeps reading its own version
    assert "a3" in _keys(before) and "c0" not in _keys(before)
    # a second deletion in the same segment: again a version of its own
    _add(plain.ix, delete=["a4"])
    latest = plain.cache.searcher()
    assert "a4" not in _keys(latest) and "a3" not in _keys(latest)
    assert "a4" in _keys(after)
    assert (_keys(latest), latest.doc_count()) == _fresh_keys(plain.ix)


def test_closing_retired_searchers_leaves_the_current_one_working(plain):
    old = plain.cache.searcher()
    for n in range(4):
        _add(plain.ix, f"c{n}", delete=[f"a{n}"])
        plain.cache.searcher()
    _add(plain.ix, "d0")
    writer = plain.ix.writer()
    writer.commit(optimize=True)  # every segment merged into one: all old files go
    current = plain.cache.searcher()
    _close_retired(plain.cache)
    assert old.is_closed
    assert (_keys(current), current.doc_count()) == _fresh_keys(plain.ix)
    assert "d0" in _keys(current) and "a0" not in _keys(current)
    # only the current version's segment is still open
    now = {seg.segment_id() for seg in read_toc(plain.ix).segments}
    assert set(plain.cache._pool.open_segments()) == now


def test_a_refreshed_searcher_equals_a_fresh_one_after_delete_and_merge(plain):
    _add(plain.ix, "c0", "c1", delete=["a1"])
    plain.cache.searcher()
    _add(plain.ix, "c2", delete=["c0", "b2"], merge=True)
    _add(plain.ix, *[f"e{n}" for n in range(3)])
    writer = plain.ix.writer()
    writer.commit(optimize=True)
    searcher = plain.cache.searcher()
    assert (_keys(searcher), searcher.doc_count()) == _fresh_keys(plain.ix)
    assert {"a1", "b2", "c0"}.isdisjoint(_keys(searcher))


def _segments(*lives):
    return [SimpleNamespace(segment_id=lambda n=n: f"s{n}", doc_count_all=lambda v=v: v,
                            deleted_count=lambda: 0) for n, v in enumerate(lives)]


def test_merge_choice_joins_a_size_class_when_it_is_full_and_leaves_big_segments():
    def ids(segs):
        return sorted(seg.segment_id() for seg in segs)

    assert indexer.merge_choice(_segments(50_000, 3, 2, 1), factor=4) == []
    chosen = indexer.merge_choice(_segments(50_000, 3, 2, 1, 1), factor=4)
    assert ids(chosen) == ["s1", "s2", "s3", "s4"]
    # the 4-doc class is full: it is joined with the smaller ones, not the big one
    chosen = indexer.merge_choice(_segments(50_000, 40_000, 5, 6, 7, 9, 1), factor=4,
                                  max_docs=20_000)
    assert ids(chosen) == ["s2", "s3", "s4", "s5", "s6"]


# --- the hub's writer ------------------------------------------------------------------

def _segment_count(app) -> int:
    return len(read_toc(open_index(search_index.index_root(app))).segments)


def test_many_commits_stay_found_and_the_segment_count_stays_bounded(app, create_user,
                                                                     find, index_now,
                                                                     monkeypatch):
    monkeypatch.setattr(indexer, "MERGE_FACTOR", 3)
    user = create_user()
    letters = []
    for n in range(20):
        letters.append(file_letter(user, subject=f"持续写入{n}", body="写入器压力测试",
                                   category="other").letter)
        index_now()  # one commit, one small segment each
        assert _segment_count(app) <= 2 * 3  # fewer than 3 in each size class
    assert sorted(h.id for h in find(user, "写入器压力测试", per_page=50).hits) \
        == sorted(letter.id for letter in letters)
    letters[0].body = "改过的正文"
    db.session.commit()
    index_now()
    assert find(user, "写入器压力测试", per_page=50).total == 19
    assert [h.id for h in find(user, "改过的正文").hits] == [letters[0].id]
    assert search_index.searcher_cache(app).searcher().doc_count() == 20


def test_changes_committed_while_a_merge_is_built_are_kept(app, create_user, find,
                                                          index_now, monkeypatch):
    """The merge writes its segment beside the writer; a change to a document it is
    joining, and a new document, both committed meanwhile, survive its swap."""
    user = create_user()
    monkeypatch.setattr(indexer, "MERGE_FACTOR", 100)  # no merge while setting up
    letters = []
    for n in range(4):
        letters.append(file_letter(user, subject=f"合并中{n}", body="合并期间的来信",
                                   category="other").letter)
        index_now()
    segments = _segment_count(app)
    monkeypatch.setattr(indexer, "MERGE_FACTOR", 2)
    job = indexer.MergeJob.start(app)
    assert job is not None and len(job.chosen) >= 4
    job.build()
    monkeypatch.setattr(indexer, "merge_once", lambda app: False)  # one merge at a time
    letters[1].body = "合并时改过"
    late = file_letter(user, subject="合并时新来", body="合并期间的来信",
                       category="other").letter
    index_now()  # searchable before the merge is swapped in
    assert find(user, "合并时改过").total == 1
    assert job.commit()
    assert _segment_count(app) < segments + 2
    found = find(user, "合并期间的来信", per_page=50)
    assert sorted(h.id for h in found.hits) == sorted(
        [letter.id for n, letter in enumerate(letters) if n != 1] + [late.id])
    assert [h.id for h in find(user, "合并时改过").hits] == [letters[1].id]
    assert search_index.searcher_cache(app).searcher().doc_count() == 5
    assert indexer.check(app, repair=False).total == 0


def test_a_merge_is_given_up_when_a_rebuild_replaced_the_index(app, create_user, find,
                                                              index_now, monkeypatch):
    user = create_user()
    monkeypatch.setattr(indexer, "MERGE_FACTOR", 100)
    for n in range(3):
        file_letter(user, subject=f"重建{n}", body="重建时的合并", category="other")
        index_now()
    monkeypatch.setattr(indexer, "MERGE_FACTOR", 2)
    job = indexer.MergeJob.start(app)
    job.build()
    indexer.rebuild(app)
    assert job.commit() is False
    assert find(user, "重建时的合并").total == 3
    assert db.session.scalar(select(db.func.count()).select_from(
        indexer.SearchOutbox)) == 0


def test_a_version_whose_segments_were_cleaned_away_is_read_again(plain, monkeypatch):
    stale = read_toc(plain.ix)
    writer = plain.ix.writer()
    writer.commit(optimize=True)  # the two segments are joined, their files deleted
    plain.cache.forget()
    _close_retired(plain.cache)
    calls = []

    def read_once_stale(ix, tries=10):
        calls.append(1)
        return stale if len(calls) == 1 else ix._read_toc()

    monkeypatch.setattr(search_index, "read_toc", read_once_stale)
    searcher = plain.cache.searcher()
    assert len(calls) == 2
    assert (_keys(searcher), searcher.doc_count()) == _fresh_keys(plain.ix)
