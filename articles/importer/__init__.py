"""Import plain-text and Markdown articles as structured, editable articles."""

from .errors import ArticleParseError
from .parsed import ParsedArticle, ParsedFaqItem, ParsedSection, ParsedTable
from .parser import MAX_LINES, parse_article
from .store import (
    MAX_FILE_BYTES,
    AlreadyImported,
    author_for,
    category_for,
    find_existing,
    parse_article_file,
    read_article_file,
    save_parsed_article,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "AlreadyImported",
    "ArticleParseError",
    "ParsedArticle",
    "ParsedFaqItem",
    "ParsedSection",
    "ParsedTable",
    "author_for",
    "category_for",
    "find_existing",
    "parse_article",
    "parse_article_file",
    "read_article_file",
    "save_parsed_article",
]
