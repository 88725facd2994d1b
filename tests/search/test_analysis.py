"""Chinese analysis for the search index: jieba cut, positions that keep phrase search
working, lower-cased English, department names kept whole (hub.search.analysis)."""
import pickle
import subprocess
import sys

import pytest
from whoosh import fields, index
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from hub.search import analysis
from hub.search.analysis import index_analyzer, query_analyzer, segment, segment_for_index

DOCS = {
    "canteen": "最近食堂的红烧肉太咸了，希望改进。",
    "reverse": "红烧肉在食堂二楼窗口供应。",
    "vpn": "出差时请连接VPN再访问内网。",
    "wide": "在家办公请先连上ＶＰＮ。",
    "sales": "华东销售组和人力资源部的同事一起讨论了招聘计划。",
    "finance": "财务部说报销单五个工作日内到账。",
}


@pytest.fixture(scope="module")
def searcher():
    schema = fields.Schema(key=fields.ID(stored=True, unique=True),
                           body=fields.TEXT(analyzer=index_analyzer(), phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for key, body in DOCS.items():
            writer.add_document(key=key, body=body)
    with ix.searcher() as s:
        yield s, QueryParser("body", ix.schema)


def found(searcher, q):
    s, parser = searcher
    return {hit["key"] for hit in s.search(parser.parse(q), limit=None)}


def test_a_word_inside_a_sentence_is_found(searcher):
    assert found(searcher, "食堂") == {"canteen", "reverse"}
    assert found(searcher, "红烧肉") == {"canteen", "reverse"}
    # search mode indexes the words inside a longer word
    assert found(searcher, "红烧") == {"canteen", "reverse"}


def test_phrase_queries_use_word_positions(searcher):
    # 的 and 在 are stop-words, dropped on both sides, so the phrase spans them
    assert found(searcher, '"食堂的红烧肉"') == {"canteen"}
    assert found(searcher, '"食堂 红烧肉"') == {"canteen"}
    assert found(searcher, '"红烧肉在食堂"') == {"reverse"}
    assert found(searcher, '"红烧肉太咸"') == {"canteen"}
    assert found(searcher, '"太咸红烧肉"') == set()


def test_positions_are_token_indexes_and_inner_words_share_them():
    tokens = [(t.text, t.pos) for t in
              index_analyzer()("食堂的红烧肉太咸", positions=True, mode="index")]
    assert tokens == [("食堂", 0), ("红烧", 1), ("烧肉", 1), ("红烧肉", 1), ("太", 2), ("咸", 3)]
    query = [(t.text, t.pos) for t in
             index_analyzer()("食堂的红烧肉太咸", positions=True, mode="query")]
    assert query == [("食堂", 0), ("红烧肉", 1), ("太", 2), ("咸", 3)]
    assert [t.text for t in query_analyzer()("食堂的红烧肉", mode="index")] == ["食堂", "红烧肉"]


def test_character_offsets_point_into_the_original_text():
    text = "请连接ＶＰＮ，谢谢"
    tokens = [(t.text, text[t.startchar:t.endchar])
              for t in index_analyzer()(text, chars=True, mode="index")]
    assert tokens == [("请", "请"), ("连接", "连接"), ("vpn", "ＶＰＮ"), ("谢谢", "谢谢")]


def test_english_in_chinese_text_is_lower_cased(searcher):
    assert found(searcher, "vpn") == {"vpn", "wide"}
    assert found(searcher, "VPN") == {"vpn", "wide"}
    assert found(searcher, "ＶＰＮ") == {"vpn", "wide"}
    assert segment("请连接VPN") == ["请", "连接", "vpn"]


def test_department_and_product_names_are_kept_whole(searcher):
    assert segment("华东销售组和人力资源部的同事") == ["华东销售组", "人力资源部", "同事"]
    assert segment("财务部的报销单") == ["财务部", "报销单"]
    assert found(searcher, "华东销售组") == {"sales"}
    assert found(searcher, "人力资源部") == {"sales"}
    # and their parts still find them
    assert found(searcher, "销售") == {"sales"}
    assert found(searcher, "资源") == {"sales"}


def test_user_words_added_at_run_time_are_kept_whole():
    assert segment("蓝鲸中台部发布通知")[:4] == ["蓝鲸", "中", "台", "部"]
    analysis.add_user_words(["蓝鲸中台部", " ", "X"])
    assert segment("蓝鲸中台部发布通知") == ["蓝鲸中台部", "发布", "通知"]
    assert {"蓝鲸", "蓝鲸中台部"} <= set(segment_for_index("蓝鲸中台部发布通知"))


def test_punctuation_spaces_and_stop_words_are_dropped():
    assert segment("好的！  这是——我们的，“方案”。") == ["好", "这", "我们", "方案"]
    assert segment("") == [] and segment(None) == []
    assert segment("GM-2026-000123") == ["gm", "2026", "000123"]


def test_the_analyzer_survives_pickling_in_a_file_index(tmp_path):
    analyzer = index_analyzer()
    assert pickle.loads(pickle.dumps(analyzer)) == analyzer
    schema = fields.Schema(body=fields.TEXT(analyzer=analyzer, stored=True))
    ix = index.create_in(tmp_path, schema)
    with ix.writer() as writer:
        writer.add_document(body="最近食堂的红烧肉太咸了")
    reopened = index.open_dir(tmp_path)
    with reopened.searcher() as s:
        hits = s.search(QueryParser("body", reopened.schema).parse("食堂"))
        assert [hit["body"] for hit in hits] == ["最近食堂的红烧肉太咸了"]
    reopened.close()
    ix.close()


def test_jieba_loads_quietly():
    code = "from hub.search.analysis import segment; print(segment('请连接VPN'))"
    done = subprocess.run([sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['请', '连接', 'vpn']"
    assert done.stderr == ""


def test_tokenizer_refuses_an_unknown_mode():
    with pytest.raises(ValueError):
        analysis.ChineseTokenizer("fast")
