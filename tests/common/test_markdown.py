from hub.common.markdown import plain_text, render_markdown


def test_markdown_renders_and_drops_raw_html():
    html = str(render_markdown("**重要** <script>alert(1)</script>\n\n- 一\n- 二"))
    assert "<strong>重要</strong>" in html
    assert "<script>" not in html
    assert "<li>一</li>" in html


def test_dangerous_links_are_not_links():
    html = str(render_markdown("[点我](javascript:alert(1)) [好](https://intranet.example/)"))
    assert "javascript:" not in html.split("[点我]")[0]
    assert 'href="javascript' not in html
    assert 'href="https://intranet.example/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_plain_text_for_mail_and_snippets():
    assert plain_text("# 标题\n\n**粗体** & <b>x</b>") == "标题 粗体 & <b>x</b>"
    assert plain_text("一二三四五六", limit=4) == "一二三…"
