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
from .corrections import Correction
from .media import Figure, Image
from .parts import RESERVED_ANCHORS, ArticleTable, FaqItem, Section, reserve_anchors
from .redirects import (
    ArticleRedirect,
    AuthorRedirect,
    CategoryRedirect,
    TagRedirect,
)
from .revisions import PendingEdit
from .sharing import ShareLink

__all__ = [
    "EARLIEST_PUBLICATION",
    "LATEST_PUBLICATION",
    "RESERVED_ANCHORS",
    "RESERVED_CATEGORY_SLUGS",
    "Article",
    "ArticleRedirect",
    "ArticleTable",
    "Author",
    "AuthorRedirect",
    "Byline",
    "Category",
    "CategoryRedirect",
    "CommentPolicy",
    "Correction",
    "FaqItem",
    "Figure",
    "Image",
    "PendingEdit",
    "Section",
    "ShareLink",
    "TagRedirect",
    "TaggedArticle",
    "reserve_anchors",
    "validate_category_slug",
]
