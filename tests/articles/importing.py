"""Shared helpers for the importer's parser tests."""

from articles.importer import ParsedArticle
from articles.markup import markdown_to_text


def section(article: ParsedArticle, heading: str):
    return next(s for s in article.sections if s.heading == heading)


def flat(text: str) -> str:
    return " ".join(text.split())


def visible_text(article: ParsedArticle) -> str:
    """Everything a reader of the imported article can see, as plain text."""
    parts = [article.title, article.dateline, article.comment_prompt]
    for part in article.sections:
        parts += [part.heading, markdown_to_text(part.body)]
        parts += [cell for table in part.tables for row in table.rows for cell in row]
        parts += [table.caption for table in part.tables]
    for item in article.faq_items:
        parts += [item.question, markdown_to_text(item.answer)]
    return flat("\n".join(parts))
