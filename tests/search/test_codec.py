"""hub.search.codec: segments written without per-block length statistics hold the same
postings and give the same top hits, also through Whoosh's block-skipping search."""
import random

from whoosh import index
from whoosh.qparser import QueryParser

from hub.search.codec import HubCodec, writer_options
from hub.search.index import make_schema

WORDS = "食堂 红烧肉 报销 流程 系统 登录 密码 安全 隐患 培训 加班 调休 会议 客户 质量 VPN".split()


def _build(folder, **options):
    rng = random.Random(3)
    ix = index.create_in(str(folder), make_schema())
    with ix.writer(**options) as writer:
        for i in range(400):
            text = "，".join(rng.choice(WORDS) for _ in range(rng.randint(3, 80)))
            writer.add_document(key=f"t:{i}", kind="t", obj_id=i, content=text, body=text,
                                access="all")
    return ix


def test_same_postings_and_same_top_hits(tmp_path):
    (tmp_path / "stock").mkdir()
    (tmp_path / "hub").mkdir()
    stock = _build(tmp_path / "stock")
    ours = _build(tmp_path / "hub", **writer_options())
    with stock.reader() as a, ours.reader() as b:
        assert isinstance(b.leaf_readers()[0][0].segment().codec(), HubCodec)
        terms = list(a.all_terms())
        assert terms == list(b.all_terms())
        for fieldname, text in terms:
            assert list(a.postings(fieldname, text).all_items()) == \
                list(b.postings(fieldname, text).all_items())
        assert [a.doc_field_length(d, "content") for d in range(400)] == \
            [b.doc_field_length(d, "content") for d in range(400)]
    parser = QueryParser("content", stock.schema)
    with stock.searcher() as a, ours.searcher() as b:
        for text in ("食堂", "报销 流程", "安全 OR 隐患", "vpn"):
            q = parser.parse(text)
            top_a = [(round(h.score, 6), h.docnum) for h in a.search(q, limit=5)]
            top_b = [(round(h.score, 6), h.docnum) for h in b.search(q, limit=5)]
            assert top_a == top_b and len(top_a) == 5
