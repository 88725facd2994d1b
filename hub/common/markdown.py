"""Markdown for letters, reports and announcements: markdown-it-py with raw HTML off, then
nh3 (ammonia) as a second line of defence, so no input can smuggle script into a page."""
from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s",
    "blockquote", "ul", "ol", "li", "code", "pre", "a", "table", "thead", "tbody", "tr",
    "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> Markup:
    rendered = _md.render(text or "")
    clean = nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow")
    return Markup(clean)


def plain_text(text: str | None, limit: int | None = None) -> str:
    """The text without markup (for e-mails, snippets and the search index)."""
    rendered = nh3.clean(_md.render(text or ""), tags=set())
    words = " ".join(html.unescape(rendered).split())
    if limit and len(words) > limit:
        return words[: limit - 1] + "…"
    return words
