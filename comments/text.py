"""Reader text: cleaning what is posted, and showing it safely."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Links readers can click: http(s) addresses and bare www. names.
_LINK = re.compile(
    r"(?<![\w@/])(?:https?://|www\.)[^\s<>\"'\u00a0]{1,500}", re.IGNORECASE
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"…»”’"
# Invisible format characters (direction overrides and isolates, zero-width
# spaces, soft hyphens, word joiners…) can make text read differently from
# what it says, or slip a word past the block list. All go, except the two
# joiners that some scripts and emoji need; those are ignored when matching.
_JOINERS = {"\u200c", "\u200d"}
_ALSO_INVISIBLE = {"\u034f"}  # combining grapheme joiner


def clean_body(raw: str) -> str:
    """Plain text as readers should see it.

    Line ends normalised; control characters (NUL included) and invisible
    direction overrides removed; trailing spaces and runs of blank lines
    trimmed. Returns "" when nothing visible remains.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    kept = []
    for char in text:
        if char in "\n\t":  # pragma: no mutate
            kept.append(char)
        elif char in _ALSO_INVISIBLE or (
            unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co")
            and char not in _JOINERS
        ):
            continue
        else:
            kept.append(char)
    lines = [line.rstrip() for line in "".join(kept).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return (
        text
        if text.strip()  # pragma: no mutate
        else ""
    )


def matching_text(text: str) -> str:
    """Text as rules compare it: case, spacing and joiners ignored."""
    return " ".join(
        "".join(char for char in text if char not in _JOINERS).casefold().split()
    )


def clean_line(raw: str) -> str:
    """A one-line field (a name): no line breaks, no invisible characters."""
    return " ".join(clean_body(raw).split())


def _links(line: str) -> Iterator[tuple[re.Match[str], str, str]]:
    """Each link in ``line``: the match, the address, and punctuation after it.

    Punctuation that ends a sentence is not part of the address, and an
    address with no host after its scheme ("https://.") is no link at all.
    """
    for match in _LINK.finditer(line):
        address = match.group(0)
        trailing = ""
        while address and address[-1] in _TRAILING_PUNCTUATION:
            trailing = address[-1] + trailing
            address = address[:-1]
        host = (
            address.split("://", 1)[-1]  # pragma: no mutate
            if "://" in address
            else address[4:]
        )
        if len(address) < 5 or not host.strip("./"):
            continue
        yield match, address, trailing


def count_links(body: str) -> int:
    return sum(1 for line in body.splitlines() for _ in _links(line))


def _linkify_line(line: str) -> str:
    out, last = [], 0
    for match, address, trailing in _links(line):
        href = address if "://" in address else f"https://{address}"
        out.append(escape(line[last : match.start()]))
        out.append(
            format_html(
                '<a href="{}" rel="nofollow ugc noopener" class="comment-link">{}</a>',
                href,
                address,
            )
        )
        out.append(escape(trailing))
        last = match.end()
    out.append(escape(line[last:]))
    return "".join(out)


def render_body(body: str) -> SafeString:
    """Paragraphs and line breaks kept, everything escaped, links clickable."""
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    html = "".join(
        "<p>"
        + "<br>".join(_linkify_line(line) for line in paragraph.split("\n"))
        + "</p>"
        for paragraph in paragraphs
    )
    return mark_safe(html)  # every piece above was escaped
