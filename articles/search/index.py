"""Keeps the full-text index in step with the articles' text.

``connect()``, called by ``ArticlesConfig.ready()``, hooks two receivers to
Article: after a save the article is re-indexed, unless the save named its
fields (``save(update_fields=...)``) and none of them is indexed; after a
delete its entry goes. ``Article.refresh_derived_text()`` saves the body
text that way, so section, table and FAQ edits reach the index too.

Both are steps run after the transaction commits (newsroom/after_commit.py),
once per article however many times it was saved in it: a rolled-back save
never reaches the index, and the index is written outside the editor's
transaction.

The index only follows the text: whether an article may be found is decided
at query time (see backends/base.py). Writes that send no signal
(``bulk_create``, ``QuerySet.update`` of the title or standfirst, fixtures
loaded with ``loaddata``) are followed by ``manage.py rebuild_search_index``.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from articles.models import Article
from newsroom.after_commit import once_after_commit

from .backends import INDEXED_FIELDS, forget_articles, index_articles


def _index_saved_article(
    sender: type[Article],
    instance: Article,
    raw: bool,
    using: str,
    update_fields: frozenset[str] | None,
    **kwargs,
) -> None:
    if raw:
        return  # loaddata: the rebuild that follows it indexes
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return
    article_id = instance.pk
    once_after_commit(
        ("search-index", using, article_id),
        lambda: index_articles([article_id], using=using),
        using=using,
    )


def _forget_deleted_article(
    sender: type[Article], instance: Article, using: str, **kwargs
) -> None:
    article_id = instance.pk
    once_after_commit(
        ("search-forget", using, article_id),
        lambda: forget_articles([article_id], using=using),
        using=using,
    )


def connect() -> None:
    post_save.connect(
        _index_saved_article, sender=Article, dispatch_uid="articles-search-index-save"
    )
    post_delete.connect(
        _forget_deleted_article,
        sender=Article,
        dispatch_uid="articles-search-index-delete",
    )
