"""Every save at the desk is kept; editors compare two versions and restore one."""

from __future__ import annotations

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleTable, PendingEdit, Section
from tests.articles.desk.workflow_support import (
    change_url,
    client_for,
    desk_editor,
    desk_editor_client,
    form_data,
    writer,
    writer_client,
)
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_faq_item,
    make_section,
    make_staff_user,
    make_table,
)

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client", "writer", "writer_client"]


@pytest.fixture
def draft() -> Article:
    """A draft with two sections, a table placed in the first and an FAQ item."""
    article = make_article(
        title="Harbour reopens",
        status="draft",
        published_at=None,
        authors=[make_author(name="Amelia Hart")],
        sections=0,
    )
    first = make_section(
        article, heading="Boats return", body="The first ferry docked.", position=1
    )
    make_section(article, heading="Repairs", body="The quay was rebuilt.", position=2)
    make_table(article, section=first, caption="Sailings", position=1)
    make_faq_item(article, question="When?", answer="From Monday.")
    article.refresh_derived_text()
    return article


def as_a_browser_sends(data: dict) -> dict:
    """Browsers send a text area's line breaks as CR LF, whatever the page held."""
    return {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in data.items()
    }


def section_key(data: dict, heading: str) -> str:
    for key, value in data.items():
        if (
            key.startswith("sections-")
            and key.endswith("-heading")
            and value == heading
        ):
            return key.removesuffix("-heading")
    raise AssertionError(f"no section “{heading}” on the form")


def save(client, article, **changes) -> None:
    data = as_a_browser_sends(form_data(client, change_url(article)))
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def versions(article: Article) -> list[Version]:
    """The article's versions, newest first."""
    return list(
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-pk")
    )


def compare_url(article, older: Version, newer: Version) -> str:
    address = reverse("admin:articles_article_compare", args=[article.pk])
    return f"{address}?version_id1={older.pk}&version_id2={newer.pk}"


def test_every_save_is_kept_with_who_and_when(draft, desk_editor, desk_editor_client):
    save(desk_editor_client, draft, title="Harbour reopens at last")
    data = form_data(desk_editor_client, change_url(draft))
    key = section_key(data, "Repairs")
    save(desk_editor_client, draft, **{f"{key}-body": "The quay was rebuilt in May."})

    newest, older = versions(draft)
    assert newest.revision.user == desk_editor
    assert newest.revision.get_comment() == "Changed section “Repairs”"
    assert older.revision.get_comment() == "Changed title"
    history = desk_editor_client.get(
        reverse("admin:articles_article_history", args=[draft.pk])
    )
    rows = lxml.html.fromstring(history.content.decode()).xpath(
        '//*[@id="change-history"]//tr'
    )
    cells = [" ".join(row.text_content().split()) for row in rows[1:]]
    assert len(cells) == 2
    assert "Eda Editor Changed section “Repairs”" in cells[0]
    assert "Eda Editor Changed title" in cells[1]
    # Each row can be picked for a comparison by name, not by position alone.
    assert (
        history.content.decode().count('aria-label="Compare from the version of') == 2
    )


def test_history_entries_leave_out_parts_that_did_not_change(draft, desk_editor_client):
    # Re-sent as a browser sends them, the table's rows and the FAQ answer
    # come back with other line breaks; they did not change.
    ArticleTable.objects.filter(article=draft).update(
        rows=[["Day", "Sailings"], ["Monday", "4"], ["Tuesday", "6"]]
    )
    save(desk_editor_client, draft, title="Harbour reopens at last")

    (entry,) = LogEntry.objects.filter(object_id=str(draft.pk))
    assert entry.get_change_message() == "Changed title"
    assert versions(draft)[0].revision.get_comment() == "Changed title"


def test_paragraphs_sent_back_with_a_browsers_line_breaks_are_not_a_change(
    draft, desk_editor_client
):
    # Text typed outside the desk (an import, the demo) keeps LF line breaks;
    # a browser sends every text area back with CR LF.
    Section.objects.filter(article=draft, heading="Repairs").update(
        body="The quay was rebuilt.\n\nThe crane stays."
    )
    save(desk_editor_client, draft, title="Harbour reopens at last")

    (entry,) = LogEntry.objects.filter(object_id=str(draft.pk))
    assert entry.get_change_message() == "Changed title"
    repairs = Section.objects.get(article=draft, heading="Repairs")
    assert repairs.body == "The quay was rebuilt.\n\nThe crane stays."


def test_saving_a_live_article_unchanged_leaves_nothing_waiting(desk_editor_client):
    article = make_article(title="Harbour reopens", authors=[make_author()], sections=0)
    make_section(article, heading="Repairs", body="The quay.\n\nThe crane.")
    article.refresh_derived_text()

    save(desk_editor_client, article)

    assert not PendingEdit.objects.filter(article=article).exists()


def test_a_revision_keeps_the_parts_of_the_article(draft, desk_editor_client):
    save(desk_editor_client, draft, standfirst="Ferries are back.")

    (version,) = versions(draft)
    kept = {v.content_type.model for v in version.revision.version_set.all()}
    assert kept >= {"article", "byline", "section", "articletable", "faqitem"}


def test_comparing_two_versions_shows_what_changed_in_a_section(
    draft, desk_editor_client
):
    save(desk_editor_client, draft, title="Harbour reopens at last")
    data = form_data(desk_editor_client, change_url(draft))
    key = section_key(data, "Repairs")
    save(desk_editor_client, draft, **{f"{key}-body": "The quay was rebuilt in May."})
    newest, older = versions(draft)

    response = desk_editor_client.get(compare_url(draft, older, newest))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Section “Repairs”: changed" in html
    assert "The quay was rebuilt<ins> in May</ins>." in html
    assert "Section “Boats return”" not in html
    # The title did not change between these two: the article's own fields
    # are not listed.
    assert "The article</h2>" not in html


def test_comparing_versions_needs_the_articles_permissions(draft, desk_editor_client):
    save(desk_editor_client, draft, title="Harbour reopens at last")
    save(desk_editor_client, draft, title="Harbour reopens, finally")
    newest, older = versions(draft)
    moderator = make_staff_user()
    moderator.user_permissions.set(
        Permission.objects.filter(content_type__app_label="comments")
    )

    response = client_for(moderator).get(compare_url(draft, older, newest))

    assert response.status_code == 403


def test_restoring_brings_back_a_deleted_section_and_removes_an_added_one(
    draft, desk_editor_client, anon, django_capture_on_commit_callbacks
):
    save(desk_editor_client, draft, standfirst="Ferries are back.")
    data = as_a_browser_sends(form_data(desk_editor_client, change_url(draft)))
    data[f"{section_key(data, 'Repairs')}-DELETE"] = "on"
    total = int(data["sections-TOTAL_FORMS"])
    data.update(
        {
            f"sections-{total}-heading": "Timetable",
            f"sections-{total}-body": "Hourly in summer.",
            f"sections-{total}-kind": "text",
            f"sections-{total}-position": "3",
            "sections-TOTAL_FORMS": str(total + 1),
        }
    )
    assert desk_editor_client.post(change_url(draft), data).status_code == 302
    assert list(draft.sections.values_list("heading", flat=True)) == [
        "Boats return",
        "Timetable",
    ]
    newest, before = versions(draft)
    assert newest.revision.get_comment() == (
        "Added section “Timetable”; removed section “Repairs”"
    )

    page = desk_editor_client.get(
        reverse("admin:articles_article_revision", args=[draft.pk, before.pk])
    ).content.decode()
    assert "What restoring this version would change" in page
    assert "Section “Repairs”: added" in page
    assert "Section “Timetable”: removed" in page
    restore = reverse("admin:articles_article_restore", args=[draft.pk, before.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_editor_client.post(restore)

    assert response.status_code == 302
    sections = list(draft.sections.values_list("heading", "body"))
    assert sections == [
        ("Boats return", "The first ferry docked."),
        ("Repairs", "The quay was rebuilt."),
    ]
    draft.refresh_from_db()
    assert draft.standfirst == "Ferries are back."
    assert "Timetable" not in draft.body_text and "quay was rebuilt" in draft.body_text
    assert (
        versions(draft)[0].revision.get_comment().startswith("Restored the version of")
    )
    # Still a draft: a restore does not publish.
    assert draft.status == "draft"
    assert anon.get(draft.get_absolute_url()).status_code == 404


def test_restoring_a_live_article_waits_to_be_published(
    desk_editor_client, anon, django_capture_on_commit_callbacks
):
    article = make_article(
        title="Harbour reopens",
        authors=[make_author()],
        category=make_category(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "return_to_draft", "_selected_action": [article.pk]},
        )
    save(desk_editor_client, article, title="Harbour reopening delayed")
    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_now", "_selected_action": [article.pk]},
        )
    article.refresh_from_db()
    assert article.is_public and article.title == "Harbour reopening delayed"
    first = versions(article)[-1]
    assert first.revision.get_comment() == "Changed with an action on the article list"

    restore = reverse("admin:articles_article_restore", args=[article.pk, first.pk])
    response = desk_editor_client.post(restore)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Harbour reopening delayed"
    assert (
        "Harbour reopening delayed"
        in anon.get(article.get_absolute_url()).content.decode()
    )
    assert PendingEdit.objects.get(article=article).state["article"]["title"] == (
        "Harbour reopens"
    )
    with django_capture_on_commit_callbacks(execute=True):
        desk_editor_client.post(
            reverse("admin:articles_article_pending_publish", args=[article.pk])
        )
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "Harbour reopens" in html and "delayed" not in html


def test_restoring_by_forged_post_needs_the_change_permission(
    draft, desk_editor_client, writer
):
    save(desk_editor_client, draft, title="Harbour reopens at last")
    save(desk_editor_client, draft, title="Harbour reopens, finally")
    older = versions(draft)[-1]
    restore = reverse("admin:articles_article_restore", args=[draft.pk, older.pk])

    # The writer is not the article's: they may not change it.
    assert client_for(writer).post(restore).status_code == 403
    assert desk_editor_client.get(restore).status_code == 405

    draft.refresh_from_db()
    assert draft.title == "Harbour reopens, finally"


def test_the_import_page_keeps_the_new_drafts_first_version(desk_editor_client):
    response = desk_editor_client.post(
        reverse("admin:articles_article_import"),
        {
            "text": "Harbour reopens\n\nBoats are back in the harbour.\n",
            "format": "plain",
            "category": "news",
            "authors": "",
            "tags": "",
            "_create": "Create draft",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="Harbour reopens")
    (version,) = versions(article)
    assert version.revision.get_comment() == "Imported from text"
    assert version.revision.version_set.filter(content_type__model="section").exists()


def test_a_restore_brings_back_parts_and_the_discussion_question(
    draft, desk_editor_client
):
    data = as_a_browser_sends(form_data(desk_editor_client, change_url(draft)))
    key = section_key(data, "Repairs")
    data.update(
        {
            "discussion_question": "Should the ferry run at night?",
            f"{key}-part_heading": "Follow-up: the quay",
            f"{key}-is_follow_up": "on",
        }
    )
    assert desk_editor_client.post(change_url(draft), data).status_code == 302
    data = as_a_browser_sends(form_data(desk_editor_client, change_url(draft)))
    data.update({"discussion_question": "", f"{key}-part_heading": ""})
    data.pop(f"{key}-is_follow_up")  # an unticked box is not sent
    assert desk_editor_client.post(change_url(draft), data).status_code == 302
    newest, kept = versions(draft)
    assert newest.revision.get_comment() == (
        "Changed discussion question; changed section “Repairs”"
    )

    desk_editor_client.post(
        reverse("admin:articles_article_restore", args=[draft.pk, kept.pk])
    )

    draft.refresh_from_db()
    assert draft.discussion_question == "Should the ferry run at night?"
    repairs = draft.sections.get(heading="Repairs")
    assert (repairs.part_heading, repairs.is_follow_up) == ("Follow-up: the quay", True)
