"""Highlighted snippets by substring search in the stored text (hub.search.highlight)."""
from markupsafe import Markup

from hub.search.highlight import query_terms, snippet


def test_marks_every_occurrence_and_escapes_html():
    out = snippet("食堂<b>红烧肉</b>太咸 & 食堂", ["食堂", "红烧肉"])
    assert isinstance(out, Markup)
    assert str(out) == ("<mark>食堂</mark>&lt;b&gt;<mark>红烧肉</mark>&lt;/b&gt;太咸 &amp; "
                        "<mark>食堂</mark>")


def test_a_term_is_not_treated_as_markup_or_a_pattern():
    assert str(snippet("a<b>c (x)", ["<b>", "(x)"])) == "a<mark>&lt;b&gt;</mark>c <mark>(x)</mark>"
    assert str(snippet("1+1=2", [".*", "+"])) == "1<mark>+</mark>1=2"


def test_longest_word_wins_at_the_same_place():
    assert str(snippet("红烧肉和红烧鱼", ["红烧", "红烧肉"])) == "<mark>红烧肉</mark>和<mark>红烧</mark>鱼"


def test_case_and_full_width_letters_are_folded_like_the_index():
    assert str(snippet("请连接VPN或ＶＰＮ", ["vpn"])) == "请连接<mark>VPN</mark>或<mark>ＶＰＮ</mark>"


def test_picks_the_window_with_most_distinct_words():
    text = "食堂" + "。" * 300 + "食堂和宿舍都要检查" + "。" * 300 + "宿舍"
    out = str(snippet(text, ["食堂", "宿舍"], length=60))
    assert "<mark>食堂</mark>和<mark>宿舍</mark>" in out
    assert out.startswith("…") and out.endswith("…")
    assert out.count("<mark>") == 2
    assert 50 <= len(out.replace("<mark>", "").replace("</mark>", "")) <= 64


def test_window_near_the_end_keeps_its_length():
    text = "开头" * 200 + "结尾有食堂"
    out = str(snippet(text, ["食堂"], length=40))
    assert out.endswith("<mark>食堂</mark>")
    assert len(out.replace("<mark>", "").replace("</mark>", "")) == 41  # "…" + 40


def test_without_a_match_the_beginning_is_shown_and_spaces_collapse():
    assert str(snippet("第一行\n\n第二行   末尾", ["无关"])) == "第一行 第二行 末尾"
    assert str(snippet("一" * 300, [], length=100)) == "一" * 100 + "…"
    assert str(snippet(None, ["x"])) == ""


def test_query_terms_strip_syntax_and_negations():
    assert query_terms("食堂") == ["食堂"]
    assert query_terms('"食堂的红烧肉" VPN -加班 NOT 调休 title:年会') == [
        "食堂的红烧肉", "食堂", "红烧肉", "vpn", "年会"]
    assert query_terms("(食堂 OR 宿舍) AND 检查*^2") == ["食堂", "宿舍", "检查"]
    assert query_terms("GM-2026-000123") == ["gm-2026-000123", "gm", "2026", "000123"]
    assert query_terms("") == [] and query_terms(None) == [] and query_terms("的 了 ！") == []


def test_an_unknown_name_is_highlighted_whole_not_char_by_char():
    terms = query_terms("张伟")
    assert terms == ["张伟"]
    assert str(snippet("张三说张伟来了", terms)) == "张三说<mark>张伟</mark>来了"
