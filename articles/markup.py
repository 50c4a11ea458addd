"""The small, safe Markdown dialect used in article sections and FAQ answers.

Editors may write paragraphs, *emphasis*, **strong**, [links](https://…),
bulleted and numbered lists and > block quotes. Everything else (raw HTML,
images, headings inside a section, code blocks) is either disabled in the
parser or removed by the sanitiser, so a section can never inject markup.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_parser = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .disable(["image", "heading", "lheading", "html_block", "html_inline", "hr"])
    .disable(["code", "fence"])
)


def render_markdown(text: str) -> str:
    """Return sanitised HTML for a section body or an FAQ answer."""
    if not text.strip():
        return ""
    raw = _parser.render(text)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
    ).strip()


_BLOCK_END = re.compile(r"</(p|li|blockquote)>|<br\s*/?>")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(fragment: str) -> str:
    """Plain text of a sanitised fragment: paragraphs kept, markup gone."""
    spaced = _BLOCK_END.sub(lambda m: m.group(0) + "\n\n", fragment)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def markdown_to_text(text: str) -> str:
    return html_to_text(render_markdown(text))


# Characters that would change meaning if a plain-text line were read as
# Markdown. Escaping them lets imported prose render exactly as written.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=|]|\d+[.)])")


def escape_markdown(line: str) -> str:
    """Escape one line of plain text so Markdown renders it literally."""
    escaped = _INLINE_SPECIALS.sub(r"\\\1", line)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), escaped)


def _escape_marker(marker: str) -> str:
    if marker[-1] in ".)":  # pragma: no mutate
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker
