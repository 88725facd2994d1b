"""hub.search.matching reads Whoosh's posting lists itself: it must find exactly what
Whoosh finds, and rank words exactly as Whoosh ranks them — on an index of several
segments with deleted documents."""
import random

import pytest
from whoosh import query as wq
from whoosh.writing import CLEAR, NO_MERGE

from hub.search import matching
from hub.search.codec import HubCodec
from hub.search.index import make_schema
from hub.search.query import parse

VOCABULARY = ("食堂 红烧肉 窗口 报销 流程 系统 登录 密码 安全 隐患 培训 计划 加班 调休 工资 "
              "会议 纪要 客户 投诉 质量 检验 设备 维修 部门 沟通 效率 建议 改进 VPN Excel").split()
FILLER = "我们 希望 尽快 关于 目前 已经 需要 以及 如果 可以".split()


def _text(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY if rng.random() < 0.6 else FILLER)
             for _ in range(rng.randint(8, 60))]
    return "，".join("".join(words[i:i + 4]) for i in range(0, len(words), 4)) + "。"


@pytest.fixture(scope="module", params=["hub codec", "Whoosh's codec"])
def searcher(tmp_path_factory, request):
    """The same index written with the hub's blocks (hub.search.codec) and with Whoosh's
    own pickled blocks: the hub reads both."""
    from whoosh import index

    rng = random.Random(11)
    folder = tmp_path_factory.mktemp("matching")
    ix = index.create_in(str(folder), make_schema())
    # (small blocks: a posting list spans many, as at 100 000 documents)
    options = {"codec": HubCodec(blocklimit=16)} if request.param == "hub codec" else {}
    texts = {}
    for segment in range(3):
        writer = ix.writer(**options)
        for i in range(segment * 200, segment * 200 + 200):
            texts[i] = _text(rng)
            writer.add_document(key=f"t:{i}", kind="t", obj_id=i, number=f"TT-2026-{i:06d}",
                                content=texts[i], title="", body=texts[i], department="1",
                                status="s", access="all")
        writer.commit(mergetype=CLEAR if segment == 0 else NO_MERGE)
    writer = ix.writer(**options)
    for i in range(0, 600, 7):  # deletions in every segment
        writer.delete_by_term("key", f"t:{i}")
    writer.commit(mergetype=NO_MERGE)
    with ix.searcher() as s:
        assert len(s.leaf_searchers()) >= 3
        yield s, texts


def _lengths(searcher, fieldname):
    return [length for leaf, _offset in searcher.leaf_searchers()
            for length in matching.field_lengths(leaf.reader(), fieldname)]


def _match(s, q):
    found = matching.match(s, q, _lengths)
    return None if found is None else found.scores(found.docs)


def _whoosh(s, q):
    return {docnum: score for score, docnum in s.search(q, limit=None).top_n}


QUERIES = [
    "食堂", "vpn", "报销 流程", "系统 登录 密码", "安全 -隐患", "安全 NOT 隐患",
    "食堂 OR 红烧肉", "(食堂 OR 红烧肉) 窗口", "+食堂 红烧肉", "安全 ANDMAYBE (培训 OR 计划)",
    "TT-2026-000012", "TT-2026-000014",
    "不存在的词", "食堂 不存在的词",
]


@pytest.mark.parametrize("text", QUERIES)
def test_words_match_and_rank_as_whoosh(searcher, text):
    s, _texts = searcher
    q = parse(text)
    ours = _match(s, q)
    theirs = _whoosh(s, q)
    assert ours is not None
    assert set(ours) == set(theirs)
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-5)
    top = sorted(theirs, key=lambda d: (-theirs[d], d))[:20]
    assert sorted(ours, key=lambda d: (-ours[d], d))[:20] == top


def test_some_queries_find_many_and_none_finds_deleted_documents(searcher):
    s, _texts = searcher
    found = _match(s, parse("食堂"))
    assert len(found) > 50
    deleted = {docnum for docnum in range(s.doc_count_all()) if s.ixreader.is_deleted(docnum)}
    assert deleted and not deleted & set(found)


def test_phrases_match_as_whoosh(searcher):
    s, texts = searcher
    rng = random.Random(5)
    checked = 0
    for i in rng.sample(sorted(texts), 60):
        words = [w for w in texts[i].replace("，", "").replace("。", "")]  # characters
        start = rng.randrange(0, max(1, len(words) - 6))
        phrase = "".join(words[start:start + rng.choice((4, 6))])
        q = parse(f'"{phrase}"')
        ours = _match(s, q)
        assert ours is not None
        assert set(ours) == set(_whoosh(s, q)), phrase
        checked += isinstance(q, wq.Phrase)
    assert checked > 20
    # words that are all there, but not next to each other in this order
    q = wq.Phrase("content", ["红烧肉", "食堂", "红烧肉", "食堂"])
    assert set(_match(s, q)) == set(_whoosh(s, q))
    # a word inside a long word stands at the long word's position: 红烧 as in 红烧肉
    q = wq.Phrase("content", ["食堂", "红烧"])
    assert set(_match(s, q)) == set(_whoosh(s, q)) != set()


def test_other_shapes_are_left_to_whoosh(searcher):
    s, _texts = searcher
    assert matching.match(s, wq.Not(wq.Term("content", "食堂")), _lengths) is None
    # everything (a query of exclusions only): every live document, as Whoosh says
    everything = matching.match(s, wq.AndNot(wq.Every(), wq.Term("content", "食堂")), _lengths)
    assert set(everything.docs) == set(_whoosh(s, wq.AndNot(wq.Every(),
                                                             wq.Term("content", "食堂"))))


def test_within_gives_the_matches_inside_a_set(searcher):
    s, _texts = searcher
    inside = set(range(0, s.doc_count_all(), 3))
    for text in ("食堂", '"系统登录"', "报销 流程", "食堂 OR 红烧肉"):
        q = parse(text)
        whole = matching.match(s, q, _lengths).docs
        part = matching.match(s, q, _lengths, within=inside).docs
        assert whole and part == whole & inside


def test_scores_of_a_few_documents_among_long_lists(searcher):
    """Scoring a few documents of long posting lists looks each one up by bisection (not
    a table of the whole list): the same scores as Whoosh's."""
    s, _texts = searcher
    for text in ("食堂", "报销 流程", "食堂 OR 红烧肉"):
        q = parse(text)
        theirs = _whoosh(s, q)
        found = matching.match(s, q, _lengths)
        few = set(sorted(theirs)[::max(1, len(theirs) // 4)][:4])
        shortest = min(len(found._term_docs("content", word))
                       for word in text.replace(" OR ", " ").split())
        assert len(few) * 16 < shortest  # the bisection, for every word
        ours = found.scores(few)
        for docnum in few:
            assert ours[docnum] == pytest.approx(theirs[docnum], rel=1e-5)
