"""The articles app's models, one module per concern."""

from .article import (
    EARLIEST_PUBLICATION,
    LATEST_PUBLICATION,
    Article,
    Byline,
    TaggedArticle,
)
from .authors import Author
from .categories import (
    RESERVED_CATEGORY_SLUGS,
    Category,
    CommentPolicy,
    validate_category_slug,
)
from .parts import RESERVED_ANCHORS, ArticleTable, FaqItem, Section, reserve_anchors
from .redirects import ArticleRedirect, CategoryRedirect

__all__ = [
    "EARLIEST_PUBLICATION",
    "LATEST_PUBLICATION",
    "RESERVED_ANCHORS",
    "RESERVED_CATEGORY_SLUGS",
    "Article",
    "ArticleRedirect",
    "ArticleTable",
    "Author",
    "Byline",
    "Category",
    "CategoryRedirect",
    "CommentPolicy",
    "FaqItem",
    "Section",
    "TaggedArticle",
    "reserve_anchors",
    "validate_category_slug",
]
