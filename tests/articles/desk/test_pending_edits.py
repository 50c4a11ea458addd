"""Changes to a live article wait, unseen by readers, until an editor publishes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PendingEdit, Section
from tests.articles.desk.workflow_support import (
    change_url,
    client_for,
    desk_editor,
    desk_editor_client,
    form_data,
    in_group,
    writer,
    writer_client,
)
from tests.factories import (
    make_article,
    make_author,
    make_faq_item,
    make_section,
    make_staff_user,
)

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client", "writer", "writer_client"]


@pytest.fixture
def live(desk_editor) -> Article:
    """A live article with a byline, a headed section and an FAQ item."""
    article = make_article(
        title="Talks resume in Geneva",
        standfirst="Negotiators return after a week apart.",
        authors=[make_author(name="Amelia Hart")],
        sections=0,
    )
    make_section(
        article,
        heading="Talks stall",
        body="Delegates walked out on Monday.",
        position=1,
    )
    make_section(article, heading="What next", body="Another round is due.", position=2)
    make_faq_item(article, question="Who attends?", answer="Twelve delegations.")
    article.refresh_derived_text()
    return article


def section_field(data: dict, heading: str, field: str) -> str:
    """The form field of the section with ``heading`` ("sections-1-body")."""
    for key, value in data.items():
        if (
            key.startswith("sections-")
            and key.endswith("-heading")
            and value == heading
        ):
            return key.removesuffix("heading") + field
    raise AssertionError(f"no section “{heading}” on the form")


def edit_live(client, article, captured, **fields):
    """Change the title and the "Talks stall" section at the desk, after the commit."""
    data = form_data(client, change_url(article))
    data["title"] = fields.get("title", "Talks collapse in Geneva")
    data[section_field(data, "Talks stall", "body")] = fields.get(
        "body", "Delegates left for good on Tuesday."
    )
    data["_continue"] = "Save and continue editing"
    with captured(execute=True):
        response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def search(anon, words: str) -> str:
    return anon.get(reverse("articles:search"), {"q": words}).content.decode()


def test_saving_a_live_article_keeps_the_changes_from_readers(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    page = live.get_absolute_url()
    assert "Delegates walked out" in anon.get(page).content.decode()  # now cached

    response = edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)

    shown = desk_editor_client.get(response.url).content.decode()
    assert "Changes saved, not yet live — publish them when ready." in shown
    live.refresh_from_db()
    assert live.title == "Talks resume in Geneva"
    assert live.sections.get(heading="Talks stall").body == (
        "Delegates walked out on Monday."
    )
    html = anon.get(page).content.decode()
    assert "Talks resume in Geneva" in html and "Delegates walked out" in html
    assert "Talks collapse" not in html and "left for good" not in html
    assert "Talks resume in Geneva" in search(anon, "walked out")
    assert "Talks" not in search(anon, "collapse")
    edit = PendingEdit.objects.get(article=live)
    assert edit.state["article"]["title"] == "Talks collapse in Geneva"
    assert edit.summary == "Changed title; changed section “Talks stall”"


def test_publishing_the_changes_shows_them_to_readers(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    page = live.get_absolute_url()
    anon.get(page)
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)

    publish = reverse("admin:articles_article_pending_publish", args=[live.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_editor_client.post(publish)

    assert response.status_code == 302
    assert "Changes published" in desk_editor_client.get(response.url).content.decode()
    html = anon.get(page).content.decode()
    assert "Talks collapse in Geneva" in html and "left for good" in html
    assert "Delegates walked out" not in html
    assert "Talks collapse in Geneva" in search(anon, "left good")
    assert "Talks" not in search(anon, "walked")
    assert not PendingEdit.objects.filter(article=live).exists()
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED and live.is_public


def test_the_change_form_opens_with_the_pending_version(
    live, desk_editor_client, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)

    response = desk_editor_client.get(change_url(live))

    html = response.content.decode()
    assert 'value="Talks collapse in Geneva"' in html
    assert "Delegates left for good on Tuesday." in html
    assert "Delegates walked out" not in html
    start = html.index('id="revision-pending"')
    notice = html[start : html.index("</div>", start)]
    assert "Changes not yet live" in notice
    assert "Eda Editor saved changes on" in notice
    assert reverse("articles:pending-preview", args=[live.pk]) in notice
    assert reverse("admin:articles_article_pending", args=[live.pk]) in notice


def test_a_second_save_keeps_the_first_ones_changes(
    live, desk_editor_client, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)
    data = form_data(desk_editor_client, change_url(live))
    data["standfirst"] = "Negotiators leave without a date."
    desk_editor_client.post(change_url(live), data)

    edit = PendingEdit.objects.get(article=live)
    assert edit.state["article"]["title"] == "Talks collapse in Geneva"
    assert edit.state["article"]["standfirst"] == "Negotiators leave without a date."
    bodies = [row["fields"]["body"] for row in edit.state["parts"]["sections"]]
    assert "Delegates left for good on Tuesday." in bodies
    assert edit.summary == (
        "Changed title and standfirst; changed section “Talks stall”"
    )
    live.refresh_from_db()
    assert live.standfirst == "Negotiators return after a week apart."


def test_sections_added_and_removed_in_pending_changes_stay_so(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    data = form_data(desk_editor_client, change_url(live))
    data[section_field(data, "What next", "DELETE")] = "on"
    total = int(data["sections-TOTAL_FORMS"])
    data.update(
        {
            f"sections-{total}-heading": "Who walked out",
            f"sections-{total}-body": "Three delegations.",
            f"sections-{total}-kind": "text",
            f"sections-{total}-position": "3",
            "sections-TOTAL_FORMS": str(total + 1),
        }
    )
    desk_editor_client.post(change_url(live), data)
    # Saved again from the pending version: the new section is not doubled.
    desk_editor_client.post(
        change_url(live), form_data(desk_editor_client, change_url(live))
    )

    assert list(live.sections.values_list("heading", flat=True)) == [
        "Talks stall",
        "What next",
    ]
    edit = PendingEdit.objects.get(article=live)
    headings = [row["fields"]["heading"] for row in edit.state["parts"]["sections"]]
    assert headings == ["Talks stall", "Who walked out"]

    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(
            reverse("admin:articles_article_pending_publish", args=[live.pk])
        )
    assert list(live.sections.values_list("heading", flat=True)) == [
        "Talks stall",
        "Who walked out",
    ]
    html = anon.get(live.get_absolute_url()).content.decode()
    assert "Three delegations." in html and "Another round is due." not in html


def test_staff_preview_the_pending_version_as_readers_will_see_it(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)
    preview = reverse("articles:pending-preview", args=[live.pk])

    response = desk_editor_client.get(preview)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview of changes not yet live" in html
    assert "Talks collapse in Geneva" in html and "left for good" in html
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Nothing of the preview stayed: not the rows, not the cached page.
    live.refresh_from_db()
    assert live.title == "Talks resume in Geneva"
    assert "Delegates walked out" in anon.get(live.get_absolute_url()).content.decode()


def test_the_pending_preview_is_for_staff_who_work_on_articles(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)
    preview = reverse("articles:pending-preview", args=[live.pk])
    moderator = make_staff_user()
    moderator.user_permissions.set(
        Permission.objects.filter(content_type__app_label="comments")
    )

    assert anon.get(preview).status_code == 302
    assert "left for good" not in anon.get(preview, follow=True).content.decode()
    assert client_for(moderator).get(preview).status_code == 404
    other = make_article()
    assert (
        desk_editor_client.get(
            reverse("articles:pending-preview", args=[other.pk])
        ).status_code
        == 404
    )


def test_what_changed_names_the_changed_section(
    live, desk_editor_client, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)

    response = desk_editor_client.get(
        reverse("admin:articles_article_pending", args=[live.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Section “Talks stall”: changed" in html
    assert "Delegates <del>walked out</del> on <del>Monday</del>." in html
    assert "Delegates <ins>left for good</ins> on <ins>Tuesday</ins>." in html
    assert "Section “What next”" not in html
    assert "Publish these changes" in html and "Discard these changes" in html


def test_discarding_leaves_the_live_article_as_it_was(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)

    response = desk_editor_client.post(
        reverse("admin:articles_article_pending_discard", args=[live.pk])
    )

    assert response.status_code == 302
    assert not PendingEdit.objects.filter(article=live).exists()
    html = desk_editor_client.get(change_url(live)).content.decode()
    assert 'value="Talks resume in Geneva"' in html
    assert "Talks collapse" not in html


def test_publishing_by_forged_post_needs_the_publish_permission(
    live, desk_editor, writer, django_capture_on_commit_callbacks
):
    edit_live(client_for(desk_editor), live, django_capture_on_commit_callbacks)
    publish = reverse("admin:articles_article_pending_publish", args=[live.pk])

    assert client_for(writer).post(publish).status_code == 403
    # A writer who may change the article (their own, returned to draft),
    # still may not publish the changes waiting on it.
    Article.objects.filter(pk=live.pk).update(status="draft", created_by=writer)
    assert client_for(writer).get(change_url(live)).status_code == 200
    assert client_for(writer).post(publish).status_code == 403

    assert PendingEdit.objects.filter(article=live).exists()
    live.refresh_from_db()
    assert live.title == "Talks resume in Geneva"


def test_only_an_editor_or_its_author_discards_pending_changes(
    live, desk_editor, writer, django_capture_on_commit_callbacks
):
    edit_live(client_for(desk_editor), live, django_capture_on_commit_callbacks)
    discard = reverse("admin:articles_article_pending_discard", args=[live.pk])
    Article.objects.filter(pk=live.pk).update(status="draft", created_by=writer)

    assert client_for(writer).post(discard).status_code == 403
    assert PendingEdit.objects.filter(article=live).exists()
    other_editor = in_group("Editors")
    assert client_for(other_editor).post(discard).status_code == 302
    assert not PendingEdit.objects.filter(article=live).exists()


def test_an_editor_unpublishing_at_the_form_takes_effect_at_once(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)
    data = form_data(desk_editor_client, change_url(live))
    data["status"] = "draft"

    with django_capture_on_commit_callbacks(execute=True):
        response = desk_editor_client.post(change_url(live), data)

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == "draft"
    # What the form showed, the pending version, is what was kept.
    assert live.title == "Talks collapse in Geneva"
    assert not PendingEdit.objects.filter(article=live).exists()
    assert anon.get(live.get_absolute_url()).status_code == 404


def test_a_scheduled_article_is_changed_at_once(desk_editor_client):
    scheduled = make_article(
        published_at=timezone.now() + timedelta(days=1),
        authors=[make_author()],
    )
    data = form_data(desk_editor_client, change_url(scheduled))
    data["title"] = "A new headline"

    assert desk_editor_client.post(change_url(scheduled), data).status_code == 302

    scheduled.refresh_from_db()
    assert scheduled.title == "A new headline"
    assert not PendingEdit.objects.exists()


def test_nothing_of_a_refused_pending_save_is_kept(
    live, desk_editor_client, django_capture_on_commit_callbacks
):
    data = form_data(desk_editor_client, change_url(live))
    data["title"] = ""
    response = desk_editor_client.post(change_url(live), data)

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not PendingEdit.objects.exists()
    assert Section.objects.filter(article=live).count() == 2


def test_saving_a_live_article_unchanged_leaves_nothing_waiting(
    live, desk_editor_client, django_capture_on_commit_callbacks
):
    edit_live(desk_editor_client, live, django_capture_on_commit_callbacks)
    data = form_data(desk_editor_client, change_url(live))
    data["title"] = "Talks resume in Geneva"
    data[section_field(data, "Talks stall", "body")] = "Delegates walked out on Monday."

    response = desk_editor_client.post(change_url(live), data, follow=True)

    assert "No changes: readers see the article as it is." in response.content.decode()
    assert not PendingEdit.objects.filter(article=live).exists()


def test_every_inline_of_the_article_form_is_kept_by_revisions():
    """A part edited on the form but not kept would be lost from a live article."""
    errors = admin.site.get_model_admin(Article).check()
    assert [error.id for error in errors] == []


def test_a_table_placed_in_a_new_section_keeps_its_place_until_published(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    data = form_data(desk_editor_client, change_url(live))
    sections, tables = (int(data[f"{p}-TOTAL_FORMS"]) for p in ("sections", "tables"))
    data.update(
        {
            f"sections-{sections}-heading": "Who walked out",
            f"sections-{sections}-body": "Three delegations.",
            f"sections-{sections}-kind": "text",
            f"sections-{sections}-position": "3",
            "sections-TOTAL_FORMS": str(sections + 1),
            f"tables-{tables}-caption": "Delegations",
            f"tables-{tables}-data": "Country\tDelegates\nFrance\t12",
            f"tables-{tables}-is_first_row_header": "on",
            f"tables-{tables}-section": f"sections-{sections}",
            f"tables-{tables}-position": "1",
            "tables-TOTAL_FORMS": str(tables + 1),
        }
    )
    assert desk_editor_client.post(change_url(live), data).status_code == 302
    assert not live.tables.exists()
    # Saved again from the pending version, where the section is not stored.
    again = form_data(desk_editor_client, change_url(live))
    assert again[f"tables-{tables}-section"] == "Who walked out"
    desk_editor_client.post(change_url(live), again)

    changes = desk_editor_client.get(
        reverse("admin:articles_article_pending", args=[live.pk])
    ).content.decode()
    assert "Table “Delegations”: added" in changes
    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(
            reverse("admin:articles_article_pending_publish", args=[live.pk])
        )
    table = live.tables.get()
    assert table.section.heading == "Who walked out"
    assert table.rows == [["Country", "Delegates"], ["France", "12"]]
    assert "France" in anon.get(live.get_absolute_url()).content.decode()


def test_changes_that_no_longer_fit_are_explained_not_a_crash(
    live, desk_editor_client, django_capture_on_commit_callbacks
):
    data = form_data(desk_editor_client, change_url(live))
    data["slug"] = "talks-collapse"
    assert desk_editor_client.post(change_url(live), data).status_code == 302
    # Meanwhile another story of the category takes that address.
    make_article(category=live.category, slug="talks-collapse")

    response = desk_editor_client.get(change_url(live))

    assert response.status_code == 200
    html = response.content.decode()
    assert "The changes not yet live no longer fit this article" in html
    assert 'value="talks-resume-in-geneva"' in html or f'value="{live.slug}"' in html
    publish = reverse("admin:articles_article_pending_publish", args=[live.pk])
    shown = desk_editor_client.post(publish, follow=True).content.decode()
    assert "The changes could not be published" in shown
    live.refresh_from_db()
    assert live.slug != "talks-collapse"
    assert PendingEdit.objects.filter(article=live).exists()


def test_a_correction_added_to_a_live_article_waits_with_the_changes(
    live, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    data = form_data(desk_editor_client, change_url(live))
    total = int(data["corrections-TOTAL_FORMS"])
    now = timezone.localtime()
    data.update(
        {
            f"corrections-{total}-kind": "correction",
            f"corrections-{total}-noted_at_0": now.strftime("%Y-%m-%d"),
            f"corrections-{total}-noted_at_1": now.strftime("%H:%M:%S"),
            f"corrections-{total}-text": "An earlier version gave the wrong city.",
            "corrections-TOTAL_FORMS": str(total + 1),
        }
    )
    assert desk_editor_client.post(change_url(live), data).status_code == 302
    page = live.get_absolute_url()
    assert "the wrong city" not in anon.get(page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(
            reverse("admin:articles_article_pending_publish", args=[live.pk])
        )

    assert "the wrong city" in anon.get(page).content.decode()
