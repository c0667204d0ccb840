"""Simple formatting for minutes: Markdown in, safe HTML out.

markdown-it-py renders CommonMark with raw HTML switched off (typed tags print as text), and
nh3 then keeps only the handful of tags minutes need. Images are not among them: a picture
from the internet would make the PDF renderer fetch it. A link is printed as its text with
its address after it in brackets, as plain text: a printed page cannot be clicked, a reader
must be able to type the address, and a link must not phone home. A table column aligned in
Markdown (`---:`, `:---:`) keeps its alignment: nh3 lets through only those exact styles.
"""

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
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


ALIGNMENTS = {f"text-align:{side}" for side in ("left", "center", "right")}
ALIGNED = {"th": {"style": ALIGNMENTS}, "td": {"style": ALIGNMENTS}}


def _print_addresses(tokens: list[Token]) -> None:
    """Every link becomes its text followed by " (address)"; an address shown as its own
    text (<https://…>) is printed once."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children, shown, opened = [], [], None
        for child in token.children:
            if child.type == "link_open":
                opened, shown = child, []
                continue
            if child.type == "link_close" and opened is not None:
                address = str(opened.attrGet("href") or "")
                address = address.removeprefix("mailto:")
                text = "".join(part.content for part in shown).strip()
                if address and address != text:
                    children.append(Token("text", "", 0, content=f" ({address})"))
                opened = None
                continue
            if opened is not None:
                shown.append(child)
            children.append(child)
        token.children = children


def render_markdown(text: str | None) -> Markup:
    if not text or not text.strip():
        return Markup("")
    md = _markdown()
    tokens = md.parse(text)
    _print_addresses(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return Markup(
        nh3.clean(
            html, tags=ALLOWED_TAGS, attributes={}, tag_attribute_values=ALIGNED, link_rel=None
        )
    )
