"""Keep cached pages and derived text honest, and tag addresses usable.

Pages: a change renews the cache tags of the pages that show it, after the
commit (articles/page_tags.py lists each page's tags). An article, and
anything of it (sections, tables, FAQ items, bylines, tags), touches its own
page and every list it is on, before and after the change: its old and new
category, tags and authors, the front page, feeds, sitemaps and search. Each
commit does this once per article. Drafts show nowhere, so saving one touches
no page; an article that goes live at its scheduled time needs no save (see
``_publication_timetable``). What every page shows is renewed site-wide
(``SITE``): any change to a category (the menu, the search form, the cards),
renaming an author or a tag (cards and bylines everywhere).
"""

import hashlib
import itertools
import threading
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag

from newsroom.after_commit import once_after_commit
from newsroom.caching import (
    SITE,
    Timetable,
    invalidate,
    invalidate_now,
    register_schedule,
    schedule_changed,
)

from .images import make_missing_renditions
from .models import (
    Article,
    ArticleTable,
    Author,
    Byline,
    Category,
    Correction,
    FaqItem,
    Section,
    TaggedArticle,
)
from .page_tags import (
    SITEMAPS,
    article_tags,
    author_tag,
    category_tag,
    is_public,
    tag_tag,
)

# Fields whose change moves an article between lists or in or out of view.
_PLACE = ("status", "published_at", "category_id")
# Fields shown wherever an author or tag is named: a change is renewed site-wide.
_SHOWN_EVERYWHERE = {Author: ("name", "slug"), Tag: ("name", "slug")}
# More went live at once than this: every page is renewed instead.
_WENT_LIVE_AT_ONCE = 200

_moments = itertools.count()
# Per thread: the articles whose pages were renewed, and when.
_renewed = threading.local()


def _pages_after_commit(
    article_id: int, also: set[str], *, was_public: bool, using: str | None
) -> None:
    """After the commit, renew the tags of the pages showing this article.

    ``also`` are tags of lists it left (its old category, a removed tag or
    author); ``was_public``: it showed before this change, wherever it is now.
    """
    asked_at = next(_moments)

    def renew() -> None:
        done = _renewed.__dict__.setdefault("done", {})
        key = (article_id, was_public)
        moment, shown = done.get(key, (-1, False))
        if moment < asked_at:
            if len(done) > 10_000:
                done.clear()
            tags = article_tags([article_id], hidden_too=was_public)
            done[key] = (next(_moments), bool(tags))
            if tags:
                invalidate_now(tags | also)
        elif shown and also:
            # Renewed since this was asked: only the lists it left are new.
            invalidate_now(also)

    transaction.on_commit(renew, using=using, robust=True)


def _before(instance, fields) -> dict | None:
    """The stored values of ``fields`` of a row about to be saved (None: a new row)."""
    if instance.pk is None:
        return None
    return (
        type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
    )


def _article_saving(sender, instance: Article, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not {"status", "published_at", "category"} & set(
        update_fields
    ):
        # Derived text only: where the article is does not change.
        instance._pages_before = {name: vars(instance).get(name) for name in _PLACE}
    else:
        instance._pages_before = _before(instance, _PLACE)


def _article_saved(sender, instance: Article, raw=False, **kwargs) -> None:
    if raw:
        return
    before = instance.__dict__.pop("_pages_before", None) or {}
    was_public = is_public(before.get("status"), before.get("published_at"))
    also = {category_tag(before["category_id"])} if was_public else set()
    if Article.Status.PUBLISHED in (before.get("status"), instance.status):
        schedule_changed()  # published or scheduled, before or after
    _pages_after_commit(
        instance.pk, also, was_public=was_public, using=kwargs.get("using")
    )


def _article_deleting(sender, instance: Article, **kwargs) -> None:
    # Before the delete: its tags and bylines go with it.
    tags = article_tags([instance.pk])
    if tags:
        invalidate(*tags)
    if vars(instance).get("status") == Article.Status.PUBLISHED:
        schedule_changed()


def _part_changed_pages(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    _pages_after_commit(
        instance.article_id, set(), was_public=False, using=kwargs.get("using")
    )


def _byline_saving(sender, instance: Byline, raw=False, **kwargs) -> None:
    if not raw:
        instance._pages_before = _before(instance, ["author_id"])


def _byline_changed(sender, instance: Byline, raw=False, **kwargs) -> None:
    if raw:
        return
    authors = {instance.author_id}
    before = instance.__dict__.pop("_pages_before", None)
    if before:
        authors.add(before["author_id"])
    also = {author_tag(pk) for pk in authors}
    _pages_after_commit(
        instance.article_id, also, was_public=False, using=kwargs.get("using")
    )


def _tagging_changed(sender, instance: TaggedArticle, raw=False, **kwargs) -> None:
    if raw:
        return
    also = {tag_tag(instance.tag_id)}
    _pages_after_commit(
        instance.content_object_id, also, was_public=False, using=kwargs.get("using")
    )


def _named_saving(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        instance._pages_before = _before(instance, _SHOWN_EVERYWHERE[sender])


def _named_saved(sender, instance, raw=False, **kwargs) -> None:
    """An author or a tag: renamed is site-wide, anything else its own pages."""
    if raw:
        return
    before = instance.__dict__.pop("_pages_before", None)
    if before and any(before[f] != getattr(instance, f) for f in before):
        invalidate(SITE)
    elif sender is Author:
        invalidate(author_tag(instance.pk), SITEMAPS)


def _named_deleted(sender, instance, **kwargs) -> None:
    if sender is Author:
        invalidate(author_tag(instance.pk), SITEMAPS)
    else:
        invalidate(tag_tag(instance.pk), SITEMAPS)


def _category_changed(sender, instance: Category, raw=False, **kwargs) -> None:
    """Categories are in the menu, the search form and on every card: site-wide."""
    if not raw:
        invalidate(SITE)


def _publication_timetable(since: datetime, now: datetime) -> Timetable:
    """Articles that went live in (since, now] with no save since; the next to go live.

    One query. An article saved after its publication time had its pages
    renewed by that save; one whose time came after its last save did not.
    """
    rows = list(
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=since)
        .filter(Q(published_at__gt=now) | Q(published_at__gt=F("updated_at")))
        .order_by("published_at", "id")
        .values_list("pk", "published_at")[: _WENT_LIVE_AT_ONCE + 1]
    )
    keys = [f"{pk}@{moment.timestamp()}" for pk, moment in rows if moment <= now]
    upcoming = next((moment for _, moment in rows if moment > now), None)
    if len(keys) <= _WENT_LIVE_AT_ONCE:
        return Timetable(keys, upcoming)
    # More than the limit went live (a mass import): every page is renewed,
    # once for this set (named by its last), and asked again in a minute.
    return Timetable(keys[-1:], now + timedelta(minutes=1), complete=False)


def _tags_of_went_live(keys: list[str]) -> set[str]:
    return article_tags(int(key.partition("@")[0]) for key in keys)


# Derived text (body_text, excerpt, the search index) follows the article's
# parts however they are saved: the admin and the importer refresh it at once,
# and any other path (the shell, a data fix, a future API) is caught here
# once the transaction commits. Each commit refreshes an article once,
# however many of its parts changed.
def _part_changed(sender: type, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    article_id = instance.article_id

    def refresh() -> None:
        article = Article.objects.filter(pk=article_id).first()
        if article is not None:
            article.refresh_derived_text()

    once_after_commit(("derived-text", article_id), refresh, using=kwargs.get("using"))


def _make_renditions_after_commit(
    sender: type[Article], instance: Article, raw: bool, update_fields=None, **kwargs
) -> None:
    """A lead image gets its smaller WebP copies once the article that holds it is kept.

    Saving the row only stores the upload; the renditions are made after the
    commit, so a rolled-back save leaves none behind. An image that already
    has them (any save that did not replace it) costs one look at the storage.
    """
    if raw or not instance.lead_image:
        return
    if update_fields is not None and "lead_image" not in update_fields:
        return
    image = instance.lead_image
    once_after_commit(
        ("renditions", image.name),
        lambda: make_missing_renditions(image),
        using=kwargs.get("using"),
    )


def _give_tag_a_usable_slug(sender: type, instance: Tag, **kwargs) -> None:
    """A tag named only with emoji or punctuation slugifies to nothing; give it an address."""
    if not any(character.isalnum() for character in instance.slug):
        digest = hashlib.sha256(instance.name.encode()).hexdigest()[:10]
        instance.slug = f"topic-{digest}"


def connect() -> None:
    """Wire the receivers; called once from ArticlesConfig.ready()."""
    pre_save.connect(_article_saving, sender=Article, dispatch_uid="pages-article-pre")
    post_save.connect(_article_saved, sender=Article, dispatch_uid="pages-article")
    pre_delete.connect(
        _article_deleting, sender=Article, dispatch_uid="pages-article-del"
    )
    # A correction shows on the article's page but adds no text to search.
    for part in (Section, ArticleTable, FaqItem, Correction):
        label = part._meta.label
        post_save.connect(
            _part_changed_pages, sender=part, dispatch_uid=f"pages-{label}"
        )
        post_delete.connect(
            _part_changed_pages, sender=part, dispatch_uid=f"pages-del-{label}"
        )
    pre_save.connect(_byline_saving, sender=Byline, dispatch_uid="pages-byline-pre")
    post_save.connect(_byline_changed, sender=Byline, dispatch_uid="pages-byline")
    post_delete.connect(_byline_changed, sender=Byline, dispatch_uid="pages-byline-del")
    post_save.connect(
        _tagging_changed, sender=TaggedArticle, dispatch_uid="pages-tagged"
    )
    post_delete.connect(
        _tagging_changed, sender=TaggedArticle, dispatch_uid="pages-tagged-del"
    )
    for named in _SHOWN_EVERYWHERE:
        label = named._meta.label
        pre_save.connect(_named_saving, sender=named, dispatch_uid=f"pages-{label}-pre")
        post_save.connect(_named_saved, sender=named, dispatch_uid=f"pages-{label}")
        post_delete.connect(
            _named_deleted, sender=named, dispatch_uid=f"pages-del-{label}"
        )
    post_save.connect(_category_changed, sender=Category, dispatch_uid="pages-category")
    post_delete.connect(
        _category_changed, sender=Category, dispatch_uid="pages-del-category"
    )
    register_schedule(_publication_timetable, _tags_of_went_live)
    post_save.connect(
        _make_renditions_after_commit, sender=Article, dispatch_uid="renditions"
    )
    pre_save.connect(_give_tag_a_usable_slug, sender=Tag, dispatch_uid="tag-slugs")
    for part in (Section, ArticleTable, FaqItem):
        label = part._meta.label
        post_save.connect(_part_changed, sender=part, dispatch_uid=f"text-{label}")
        post_delete.connect(
            _part_changed, sender=part, dispatch_uid=f"text-del-{label}"
        )
