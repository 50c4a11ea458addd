"""Corrections and updates: a dated log readers see, newest first, reflected in
the article's modification time for search engines."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import lxml.html
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import StateApps
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Correction, PendingEdit
from tests.articles.desk.workflow_support import (
    add_rows,
    change_url,
    desk_editor,
    desk_editor_client,
    form_data,
)
from tests.factories import make_article, make_author
from tests.pages import json_ld_blocks

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client"]

PUBLISHED = datetime(2026, 5, 3, 8, 0, tzinfo=UTC)
MIGRATION = importlib.import_module(
    "articles.migrations.0012_share_links_and_corrections"
)


def live_article(**overrides) -> Article:
    with time_machine.travel(PUBLISHED, tick=False):
        return make_article(published_at=PUBLISHED, **overrides)


def note(article: Article, text: str, at: datetime, kind=Correction.Kind.CORRECTION):
    return Correction.objects.create(article=article, kind=kind, text=text, noted_at=at)


def log_entries(html: str) -> list[str]:
    page = lxml.html.fromstring(html)
    (log,) = page.xpath('//aside[@id="corrections"]')
    return [" ".join(item.text_content().split()) for item in log.xpath(".//li")]


def test_readers_see_the_log_newest_first_with_dates(anon):
    article = live_article()
    note(
        article,
        "The vote is now on Friday.",
        PUBLISHED + timedelta(hours=2),
        kind=Correction.Kind.UPDATE,
    )
    note(article, "The mayor's name was misspelt.", PUBLISHED + timedelta(days=1))

    response = anon.get(article.get_absolute_url())

    assert log_entries(response.text) == [
        "Correction, 4 May 2026, 09:00 BST: The mayor's name was misspelt.",
        "Update, 3 May 2026, 11:00 BST: The vote is now on Friday.",
    ]
    assert '<time datetime="2026-05-04T09:00+01:00">' in response.text


def test_one_note_is_shown_without_a_list(anon):
    article = live_article()
    note(article, "Corrected the number of ships.", PUBLISHED + timedelta(hours=1))

    html = anon.get(article.get_absolute_url()).text
    page = lxml.html.fromstring(html)

    (log,) = page.xpath('//aside[@id="corrections"]')
    assert log.get("aria-label") == "Corrections and updates"
    assert "Correction, 3 May 2026, 10:00 BST: Corrected the number of ships." in (
        " ".join(log.text_content().split())
    )


def test_an_article_without_notes_shows_no_log(anon):
    article = live_article()

    html = anon.get(article.get_absolute_url()).text

    assert 'id="corrections"' not in html


def test_date_modified_is_the_latest_correction(anon):
    article = live_article()
    latest = PUBLISHED + timedelta(days=2, hours=3)
    note(article, "Earlier.", PUBLISHED + timedelta(days=1))
    note(article, "Latest.", latest)

    html = anon.get(article.get_absolute_url()).text

    data = json_ld_blocks(html)["NewsArticle"]
    assert data["dateModified"] == latest.isoformat()
    assert data["datePublished"] == PUBLISHED.isoformat()
    assert f'content="{latest.isoformat()}"' in html  # article:modified_time


def test_a_later_edit_still_counts_as_the_modification(anon):
    article = live_article()
    note(article, "Fixed a figure.", PUBLISHED + timedelta(hours=1))
    edited = PUBLISHED + timedelta(days=3)
    Article.objects.filter(pk=article.pk).update(updated_at=edited)

    data = json_ld_blocks(anon.get(article.get_absolute_url()).text)["NewsArticle"]

    assert data["dateModified"] == edited.isoformat()


def test_the_log_costs_one_query_however_long(anon):
    def queries_with(count: int) -> int:
        article = live_article()
        for n in range(count):
            note(article, f"Note {n}.", PUBLISHED + timedelta(hours=n + 1))
        with CaptureQueriesContext(connection) as captured:
            response = anon.get(article.get_absolute_url())
        assert response.text.count("</strong> Note") == count
        return len(captured)

    assert queries_with(1) == queries_with(6)


def test_an_editor_adds_a_correction_at_the_desk(desk_editor_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    data = form_data(desk_editor_client, change_url(article))
    assert "update_note" not in data
    add_rows(
        data,
        "corrections",
        [
            {
                "kind": "update",
                "noted_at_0": "2026-05-03",
                "noted_at_1": "10:30:00",
                "text": "Adds the council's reply.",
            }
        ],
    )

    response = desk_editor_client.post(change_url(article), data)

    assert response.status_code == 302
    (saved,) = Correction.objects.filter(article=article)
    assert saved.kind == Correction.Kind.UPDATE
    assert saved.text == "Adds the council's reply."
    assert saved.noted_at == datetime(2026, 5, 3, 9, 30, tzinfo=UTC)  # BST


def test_the_desk_lists_the_log_newest_first(desk_editor_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    note(article, "Older.", PUBLISHED)
    note(article, "Newer.", PUBLISHED + timedelta(days=1))

    data = form_data(desk_editor_client, change_url(article))

    # A browser drops the newline that follows <textarea>.
    assert data["corrections-0-text"].strip() == "Newer."
    assert data["corrections-1-text"].strip() == "Older."


def test_a_correction_cannot_be_dated_in_the_future(desk_editor_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    data = form_data(desk_editor_client, change_url(article))
    add_rows(
        data,
        "corrections",
        [
            {
                "kind": "correction",
                "noted_at_0": "2999-01-01",
                "noted_at_1": "10:00:00",
                "text": "From the future.",
            }
        ],
    )

    response = desk_editor_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "cannot be dated in the future" in response.text
    assert not Correction.objects.exists()


def test_the_old_note_field_is_gone_from_the_form(desk_editor_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    data = form_data(desk_editor_client, change_url(article))
    data["update_note"] = "Forged into the form."

    response = desk_editor_client.post(change_url(article), data)

    assert response.status_code == 302
    preview = desk_editor_client.get(article.get_preview_url()).text
    assert "Forged into the form." not in preview
    assert not Correction.objects.exists()


def test_a_correction_to_a_live_article_goes_live_with_its_pending_edit(
    desk_editor_client, anon, django_capture_on_commit_callbacks
):
    article = make_article(authors=[make_author()])  # nothing for the checks to refuse
    data = form_data(desk_editor_client, change_url(article))
    add_rows(
        data,
        "corrections",
        [
            {
                "kind": "correction",
                "noted_at_0": "2026-05-03",
                "noted_at_1": "10:30:00",
                "text": "The bridge is 40 metres long, not 400.",
            }
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(change_url(article), data)
    # Waiting with the rest of the edit, unseen by readers.
    assert "40 metres" not in anon.get(article.get_absolute_url()).text
    assert PendingEdit.objects.filter(article=article).exists()

    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(
            reverse("admin:articles_article_pending_publish", args=[article.pk])
        )

    assert "40 metres" in anon.get(article.get_absolute_url()).text


# -- the migration from the old single note ---------------------------------------

BEFORE_THE_LOG = ("articles", "0011_media_library")
WITH_THE_LOG = ("articles", "0012_share_links_and_corrections")


def migrate_to(*target: str) -> StateApps:
    """The database migrated to ``target``; its models as they were then."""
    call_command("migrate", *target, verbosity=0)
    return MigrationLoader(connection).project_state(target).apps


@pytest.fixture
def before_the_log():
    """The models before the log, when an article had one note; the latest after."""
    yield migrate_to(*BEFORE_THE_LOG)
    call_command("migrate", verbosity=0)


def old_article(apps: StateApps, note: str):
    Article = apps.get_model("articles", "Article")
    Category = apps.get_model("articles", "Category")
    category, _ = Category.objects.get_or_create(
        slug="news", defaults={"name": "News", "position": 1}
    )
    return Article.objects.create(
        title=f"Article {Article.objects.count() + 1}",
        slug=f"article-{Article.objects.count() + 1}",
        category=category,
        status="published",
        published_at=PUBLISHED,
        update_note=note,
    )


def migrate_notes(apps: StateApps) -> None:
    MIGRATION.update_notes_to_corrections(apps, SimpleNamespace(connection=connection))


@pytest.mark.django_db(transaction=True)
def test_old_update_notes_become_the_first_entries_of_the_log(before_the_log):
    corrected = old_article(before_the_log, "  This article was corrected on 2 May.  ")
    updated = old_article(before_the_log, "Police have since named the driver.")
    plain = old_article(before_the_log, "")
    stamp = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    before_the_log.get_model("articles", "Article").objects.filter(
        pk=corrected.pk
    ).update(updated_at=stamp)

    apps = migrate_to(*WITH_THE_LOG)

    log = apps.get_model("articles", "Correction").objects
    (first,) = log.filter(article_id=corrected.pk)
    assert first.kind == Correction.Kind.CORRECTION
    assert first.text == "This article was corrected on 2 May."
    assert first.noted_at == stamp
    (second,) = log.filter(article_id=updated.pk)
    assert second.kind == Correction.Kind.UPDATE
    assert not log.filter(article_id=plain.pk).exists()
    # The old field is left as it was, so that undoing the migration loses nothing.
    kept = apps.get_model("articles", "Article").objects.get(pk=corrected.pk)
    assert kept.update_note == "  This article was corrected on 2 May.  "

    # Then the old field goes; the log stays.
    call_command("migrate", "articles", verbosity=0)
    assert "update_note" not in {f.name for f in Article._meta.get_fields()}
    assert Correction.objects.get(article_id=corrected.pk).noted_at == stamp


@pytest.mark.django_db(transaction=True)
def test_migrating_the_notes_twice_adds_nothing(before_the_log):
    old_article(before_the_log, "Corrected a date.")

    apps = migrate_to(*WITH_THE_LOG)
    migrate_notes(apps)

    assert apps.get_model("articles", "Correction").objects.count() == 1
