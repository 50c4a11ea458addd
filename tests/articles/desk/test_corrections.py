"""Corrections and updates: a dated log readers see, newest first, reflected in
the article's modification time for search engines."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import lxml.html
import pytest
import time_machine
from django.apps import apps
from django.db import connection
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
    article = live_article(update_note="An old note, no longer shown.")

    html = anon.get(article.get_absolute_url()).text

    assert 'id="corrections"' not in html
    assert "An old note" not in html


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
    article = make_article(
        status=Article.Status.DRAFT, published_at=None, update_note="Kept as it was."
    )
    data = form_data(desk_editor_client, change_url(article))
    data["update_note"] = "Forged into the form."

    desk_editor_client.post(change_url(article), data)

    article.refresh_from_db()
    assert article.update_note == "Kept as it was."


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


def migrate_notes() -> None:
    MIGRATION.update_notes_to_corrections(apps, SimpleNamespace(connection=connection))


def test_old_update_notes_become_the_first_entries_of_the_log():
    corrected = make_article(update_note="  This article was corrected on 2 May.  ")
    updated = make_article(update_note="Police have since named the driver.")
    plain = make_article(update_note="")
    stamp = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    Article.objects.filter(pk=corrected.pk).update(updated_at=stamp)

    migrate_notes()

    (first,) = Correction.objects.filter(article=corrected)
    assert first.kind == Correction.Kind.CORRECTION
    assert first.text == "This article was corrected on 2 May."
    assert first.noted_at == stamp
    (second,) = Correction.objects.filter(article=updated)
    assert second.kind == Correction.Kind.UPDATE
    assert not Correction.objects.filter(article=plain).exists()
    # The old field is left as it was, so that undoing the migration loses nothing.
    corrected.refresh_from_db()
    assert corrected.update_note == "  This article was corrected on 2 May.  "


def test_migrating_the_notes_twice_adds_nothing():
    make_article(update_note="Corrected a date.")

    migrate_notes()
    migrate_notes()

    assert Correction.objects.count() == 1
