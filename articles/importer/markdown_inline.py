"""Inline Markdown tokens as text: what a label shows, and Markdown again.

The parser's inline tokens (text, emphasis, links, code) give the text a
heading, question or caption shows (``shown``), the text the newsroom's
conventions are recognised in (``plain``), and the Markdown a section body
stores (``to_markdown``): written out again from the tokens, so links and
emphasis render as the writer meant and literal characters stay literal.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from .text import link_as_text, one_line

RAW = "raw"  # a token for text kept as written, never tokenised


def raw_token(text: str) -> Token:
    return Token(RAW, "", 0, content=text)


_STAR = re.compile(r"(?<!\s)\*|\*(?!\s)")
_UNDERSCORE = re.compile(r"_")


def _escape_underscore(match: re.Match[str]) -> str:
    text, at = match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1 : at + 2]
    if (before.isalnum() and after.isalnum()) or (before.isspace() and after.isspace()):
        return "_"  # inside a word, or on its own: never emphasis
    return "\\_"


def _escape_text(text: str) -> str:
    """Literal text as Markdown: only what could start or end markup is escaped."""
    if text.endswith("\\"):
        text += "\\"  # it would escape whatever follows
    if "`" in text:
        text = text.replace("`", "\\`")
    if "*" in text:
        text = _STAR.sub(r"\\*", text)  # a "*" between spaces is just a star
    if "_" in text:
        text = _UNDERSCORE.sub(_escape_underscore, text)
    return text


# At the start of a line these would make a list, a quotation or a heading.
_LINE_START = re.compile(r"([-+*]|\d{1,9}[.)]|#{1,6}|>)(?=\s|$)|>")


def _escape_line_start(text: str) -> str:
    match = _LINE_START.match(text)
    if not match:
        return text
    marker = match.group(0)
    escaped = marker[:-1] + "\\" + marker[-1] if marker[-1] in ".)" else "\\" + marker
    return escaped + text[match.end() :]


def _code(token: Token) -> str:
    content, fence = token.content, token.markup
    # The parser took one space off each side, or the fence would touch a "`".
    if (
        content[:1] == "`"
        or content[-1:] == "`"
        or (content[:1] == " " == content[-1:] and content.strip())
    ):
        content = f" {content} "
    return f"{fence}{content}{fence}"


def _destination(href: str) -> str:
    if not href or " " in href or "<" in href or ">" in href:
        return "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"
    return href.replace("(", "\\(").replace(")", "\\)")


def _link_end(token: Token) -> str:
    href = str(token.attrGet("href") or "")
    title = token.attrGet("title")
    if title:
        quoted = str(title).replace("\\", "\\\\").replace('"', '\\"')
        return f']({_destination(href)} "{quoted}")'
    return f"]({_destination(href)})"


_AS_WRITTEN = {"text_special", "em_open", "em_close", "strong_open", "strong_close"}


def to_markdown(tokens: list[Token]) -> str:
    """Markdown that renders as ``tokens`` do, on as many lines as they break."""
    out: list[str] = []
    links: list[Token] = []
    autolink: list[str] | None = None  # the text of an autolink being read
    for token in tokens:
        kind = token.type
        if autolink is not None and kind != "link_close":
            autolink.append(token.content)
        elif kind == "text":
            out.append(_escape_text(token.content))
        elif kind in _AS_WRITTEN:
            out.append(token.markup)  # "\*", "&amp;", "**"
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("\\\n")
        elif kind == "code_inline":
            out.append(_code(token))
        elif kind == "link_open":
            links.append(token)
            autolink = [] if token.markup == "autolink" else None
            out.append("" if autolink is not None else "[")
        elif kind == "link_close" and autolink is not None:
            href, text = str(links.pop().attrGet("href")), "".join(autolink)
            out.append(f"<{text if href == 'mailto:' + text else href}>")
            autolink = None
        elif kind == "link_close":
            out.append(_link_end(links.pop()) if links else "")
        else:  # raw text, and anything the parser was not asked to make
            out.append(token.content)
    return "".join(out)


def line_markdown(tokens: list[Token]) -> str:
    """One line of a paragraph as Markdown, safe at the start of a line."""
    text = to_markdown(tokens)
    if tokens and tokens[0].type == "text":
        text = _escape_line_start(text)
    return text


def plain(tokens: list[Token]) -> str:
    """The characters a reader sees, link labels without their addresses, spacing kept.

    Offsets into this text are what ``cut`` takes.
    """
    return "".join(plain_piece(token) for token in tokens)


def plain_piece(token: Token) -> str:
    if token.type in ("text", "text_special", "code_inline", RAW):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    return ""


def shown(tokens: list[Token]) -> str:
    """The tokens as a one-line label: links keep their address, as in plain text."""
    parts: list[str] = []
    links: list[tuple[int, str]] = []  # where each open link's label starts, its href
    for token in tokens:
        if token.type == "link_open":
            links.append((len(parts), str(token.attrGet("href") or "")))
        elif token.type == "link_close" and links:
            at, href = links.pop()
            label = "".join(parts[at:])
            same = href.removeprefix("mailto:") == label  # an autolink
            parts[at:] = [label if same else link_as_text(label, href)]
        else:
            parts.append(plain_piece(token))
    return one_line("".join(parts))
