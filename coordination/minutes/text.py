"""Simple formatting for minutes: Markdown in, safe HTML out.

markdown-it-py renders CommonMark with raw HTML switched off (typed tags print as text), and
nh3 then keeps only the handful of tags minutes need. Images are not among them: a picture
from the internet would make the PDF renderer fetch it. Links keep their text and lose
their target, because a printed page cannot be clicked and a link must not phone home.
"""

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "hr",
}


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["image"])
    return md


def render_markdown(text: str | None) -> Markup:
    if not text or not text.strip():
        return Markup("")
    html = _markdown().render(text)
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={}, link_rel=None))
