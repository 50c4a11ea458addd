"""Turn a plain-text or Markdown article into structured parts, without touching the database.

Plain text is read the way the newsroom's wire copy is written (see
``plain_input``); Markdown through the Markdown parser's tokens (see
``markdown_input``). Both may carry pipe tables, a "Did you know?" box, an
FAQ, a "Share your thoughts:" prompt, lists and quotations. Whatever is not
recognised stays as text where it was: the importer never drops prose.
"""

from __future__ import annotations

from .capitals import capitalisation_warnings
from .errors import ArticleParseError
from .markdown_input import parse_markdown
from .parsed import ParsedArticle
from .plain_input import parse_plain
from .text import markdown_heading, split_lines

# Every line costs the readers some tens of microseconds of Python: a 2 MB file
# of one-word lines took half a minute. A long read has a few hundred lines.
MAX_LINES = 10_000


def parse_article(text: str, *, markdown: bool | None = None) -> ParsedArticle:
    """Structure of the article in ``text``; ``markdown=None`` guesses the format.

    Raises ArticleParseError when there is no usable title, no text after it,
    or more lines of text than any article has.
    """
    lines = split_lines(text)
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise ArticleParseError("the file is empty")
    filled = sum(1 for line in lines if line.strip())
    if filled > MAX_LINES:
        raise ArticleParseError(
            f"the text has {filled:,} lines; an article has at most {MAX_LINES:,}"
        )
    if markdown is None:
        # Any line written as a "#" heading makes the file Markdown.
        markdown = any(markdown_heading(line) for line in lines)
    read = parse_markdown if markdown else parse_plain
    article = read(lines, start)
    if not article.sections and not article.faq_items:
        raise ArticleParseError("there is no article text after the title")
    article.warnings += capitalisation_warnings(lines, article)
    article.warnings.sort(key=_line_of)
    return article


def _line_of(warning: str) -> int:
    """The line number a warning starts with ("line 12: …"), 0 when it has none."""
    number = warning.removeprefix("line ").partition(":")[0]
    return int(number) if warning.startswith("line ") and number.isdigit() else 0
