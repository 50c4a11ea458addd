import io

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import checks
from articles.checks import check_article, is_file_name
from articles.models import Article, Section
from tests.articles.desk.workflow_support import (
    add_rows,
    add_url,
    change_url,
    desk_editor,
    desk_editor_client,
    form_data,
    new_article_data,
    text_section,
)
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_faq_item,
    make_section,
    make_table,
)

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client"]


def _photo(name: str = "harbour.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), "#3a6ea5").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _ready_draft(**overrides) -> Article:
    """A draft that passes every check: byline, standfirst, a text section."""
    fields = {
        "title": "Harbour reopens",
        "status": "draft",
        "published_at": None,
        "authors": [make_author()],
    }
    fields.update(overrides)
    return make_article(**fields)


def _publish(client, article: Article, **changes):
    data = form_data(client, change_url(article))
    data.update(status="published", **changes)
    return client.post(change_url(article), data)


def test_a_draft_that_passes_the_checks_is_published(desk_editor_client):
    draft = _ready_draft()
    assert _publish(desk_editor_client, draft).status_code == 302
    draft.refresh_from_db()
    assert draft.is_public


def _without_byline() -> Article:
    return _ready_draft(authors=[])


def _without_standfirst() -> Article:
    return _ready_draft(standfirst="")


def _without_text() -> Article:
    article = _ready_draft(sections=0)
    make_section(article, kind=Section.Kind.CALLOUT, heading="Did you know?")
    make_section(article, heading="Empty so far", body="")
    return article


def _table_without_header_row() -> Article:
    article = _ready_draft()
    make_table(article, caption="Fares", is_first_row_header=False)
    return article


def _table_with_blank_headings() -> Article:
    article = _ready_draft()
    make_table(article, caption="Fares", rows=[["", ""], ["Bus", "2.10"]])
    return article


def _table_without_caption() -> Article:
    # The form requires a caption; imported tables may come without one.
    article = _ready_draft()
    make_table(article, caption="")
    return article


def _image_alt(alt: str):
    def build() -> Article:
        return _ready_draft(lead_image=_photo(), lead_image_alt=alt)

    return build


BLOCKERS = [
    (_without_byline, "No byline: add the author."),
    (_without_standfirst, "No standfirst: write one or two sentences"),
    (_without_text, "No text: add a text section."),
    (_table_without_header_row, "The table “Fares” has no header row"),
    (_table_with_blank_headings, "The table “Fares” has no header row"),
    (_table_without_caption, "Table 1 has no caption: say what it shows."),
    (_image_alt("IMG_1234.jpg"), "alt text “IMG_1234.jpg” is a file name"),
    (_image_alt("photo.png"), "alt text “photo.png” is a file name"),
    (_image_alt("DSC01234"), "alt text “DSC01234” is a file name"),
]


# The form itself requires a table's caption: only imported tables lack one.
@pytest.mark.parametrize(
    ("build", "message"), [b for b in BLOCKERS if b[0] is not _table_without_caption]
)
def test_publishing_is_blocked_and_nothing_is_saved(
    media, desk_editor_client, build, message
):
    article = build()
    data = form_data(desk_editor_client, change_url(article))
    data.update(status="published", title="Changed in the refused save")
    added = {
        "kind": "callout",
        "heading": "Added in the refused save",
        "body": "A.",
        "position": 9,
    }
    add_rows(data, "sections", [added])
    response = desk_editor_client.post(change_url(article), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "must be fixed before this article can be published" in html
    # What was typed is still in the form.
    assert 'value="Changed in the refused save"' in html
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert article.title == "Harbour reopens"
    assert not article.sections.filter(heading="Added in the refused save").exists()


@pytest.mark.parametrize(("build", "message"), BLOCKERS)
def test_publishing_from_the_list_skips_articles_with_errors(
    media, desk_editor_client, build, message
):
    blocked, ready = build(), _ready_draft(title="Ready to go")
    response = desk_editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [blocked.pk, ready.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 article(s) published." in html
    assert f"{blocked.title}</a> was not published: " in html
    assert message in html
    blocked.refresh_from_db()
    ready.refresh_from_db()
    assert blocked.status == Article.Status.DRAFT
    assert ready.is_public


def test_a_new_article_published_without_a_byline_is_not_created(desk_editor_client):
    data = new_article_data(desk_editor_client, make_category(), status="published")
    response = desk_editor_client.post(add_url(), data)
    assert response.status_code == 200
    assert "No byline: add the author." in response.content.decode()
    assert not Article.objects.exists()


def test_checks_see_the_byline_the_same_save_adds(desk_editor_client):
    draft = _ready_draft(authors=[])
    data = form_data(desk_editor_client, change_url(draft))
    data["status"] = "published"
    add_rows(data, "bylines", [{"author": make_author().pk, "position": 0}])
    assert desk_editor_client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.is_public


def test_checks_see_the_text_the_same_save_deletes(desk_editor_client):
    draft = _ready_draft()
    data = form_data(desk_editor_client, change_url(draft))
    data.update({"status": "published", "sections-0-DELETE": "on"})
    response = desk_editor_client.post(change_url(draft), data)
    assert "No text: add a text section." in response.content.decode()
    assert draft.sections.count() == 1


def test_a_live_article_cannot_be_saved_into_an_error(desk_editor_client):
    live = make_article(authors=[make_author()])
    response = _publish(desk_editor_client, live, standfirst="")
    assert response.status_code == 200
    assert "No standfirst" in response.content.decode()
    live.refresh_from_db()
    assert live.standfirst


def test_a_draft_with_errors_is_saved_as_a_draft(desk_editor_client):
    draft = _ready_draft(authors=[], standfirst="")
    data = form_data(desk_editor_client, change_url(draft))
    data["title"] = "Work in progress"
    assert desk_editor_client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Work in progress"


def test_a_published_article_with_errors_may_be_unpublished(desk_editor_client):
    live = make_article()  # no byline
    data = form_data(desk_editor_client, change_url(live))
    data["status"] = "draft"
    response = desk_editor_client.post(change_url(live), data)
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT


# -- warnings -------------------------------------------------------------------


def _long_title() -> Article:
    return _ready_draft(title="A" + " very" * 25 + " long headline")


def _repeated_heading() -> Article:
    article = _ready_draft(sections=0)
    make_section(article, heading="Reaction", body="Some.")
    make_section(article, heading="Reaction:", body="More.")
    return article


def _empty_answer() -> Article:
    article = _ready_draft()
    make_faq_item(article, question="When is the vote?", answer=" ")
    return article


def _capital_slip() -> Article:
    article = _ready_draft(sections=0)
    make_section(
        article,
        heading="Talks in Geneva",
        body="Ministers met in Geneva today. Later the Geneva talks went on.\n\n"
        "By evening geneva was calm.",
    )
    return article


def _lower_case_heading() -> Article:
    article = _ready_draft(sections=0)
    make_section(article, heading="parliament votes", body="The vote was close.")
    return article


WARNINGS = [
    (_long_title, "The title has 140 characters: over 110"),
    (_repeated_heading, "The heading “Reaction:” is used more than once"),
    (_empty_answer, "The question “When is the vote?” has an empty answer."),
    (
        _capital_slip,
        "Capital letters? In section “Talks in Geneva”: “geneva” — lower-case, "
        "but written “Geneva” elsewhere in the article",
    ),
    (
        _lower_case_heading,
        "Capital letters? In section “parliament votes”: “parliament votes” — "
        "lower-case word at the start of a heading",
    ),
]


@pytest.mark.parametrize(("build", "message"), WARNINGS)
def test_warnings_are_shown_and_do_not_block(desk_editor_client, build, message):
    article = build()
    html = desk_editor_client.get(change_url(article)).content.decode()
    assert "Worth a second look (1)" in html
    assert message in html
    assert "Must be fixed first" not in html
    desk_editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.is_public


def test_a_long_list_of_warnings_starts_folded(desk_editor_client):
    few = _capital_slip()
    many = _ready_draft(sections=0)
    for n in range(4):
        make_section(many, heading=f"part {n} of the story", body="Words.")

    def warnings(article: Article):
        html = desk_editor_client.get(change_url(article)).content
        (group,) = lxml.html.fromstring(html).xpath(
            '//details[@class="desk-checklist-warnings-group"]'
        )
        return group

    assert warnings(few).get("open") is not None
    folded = warnings(many)
    assert folded.get("open") is None
    assert folded.findtext("summary") == "Worth a second look (4)"
    assert len(folded.findall(".//li")) == 4


def test_warnings_do_not_block_the_form(desk_editor_client):
    article = _capital_slip()
    assert _publish(desk_editor_client, article).status_code == 302
    article.refresh_from_db()
    assert article.is_public


# -- the checklist on the change form ------------------------------------------------


def test_checklist_links_each_problem_to_where_it_is_fixed(desk_editor_client):
    article = _ready_draft(standfirst="", sections=0)
    make_section(article, heading="Reaction", body="Some.")
    make_section(article, heading="Reaction", body="More.")
    make_table(article, caption="")
    html = desk_editor_client.get(change_url(article)).content.decode()
    assert "Must be fixed first (2)" in html
    assert '<a href="#id_standfirst">No standfirst:' in html
    assert '<a href="#tables-0">Table 1 has no caption' in html
    # The second of the two sections, in the form's order.
    assert '<a href="#sections-1">The heading “Reaction” is used' in html


def test_checklist_on_a_refused_save_points_at_the_rows_typed(desk_editor_client):
    draft = _ready_draft()
    data = form_data(desk_editor_client, change_url(draft))
    data["status"] = "published"
    add_rows(data, "sections", [text_section("Reaction"), text_section("Reaction")])
    add_rows(
        data,
        "tables",
        [{"caption": "Fares", "position": 0, "data": "Bus\t2.10\nTram\t2.40"}],
    )
    html = desk_editor_client.post(change_url(draft), data).content.decode()
    assert '<a href="#tables-0">The table “Fares” has no header row' in html
    assert '<a href="#sections-2">The heading “Reaction” is used' in html


def test_checklist_says_when_all_is_well(desk_editor_client):
    html = desk_editor_client.get(change_url(_ready_draft())).content.decode()
    assert "Nothing to fix: the article is ready to publish." in html


@pytest.mark.parametrize(
    ("alt", "is_name"),
    [
        ("IMG_1234.jpg", True),
        ("photo.png", True),
        ("harbour-at-dawn.webp", True),
        ("PXL_20260101_123456", True),
        ("Cranes on the quay at dawn", False),
        ("The photo shows 3 ships", False),
    ],
)
def test_file_names_are_told_from_descriptions(alt, is_name):
    assert is_file_name(alt) is is_name


def test_checks_run_on_prefetched_parts_without_queries(
    django_assert_num_queries, monkeypatch
):
    # Only this module's checks: others' parts load what they need themselves.
    monkeypatch.setattr(checks, "EXTRA_CHECKS", [])
    make_table(_ready_draft(), caption="")
    article = Article.objects.prefetch_related(
        "bylines", "sections", "tables", "faq_items"
    ).get()
    with django_assert_num_queries(0):
        assert len(check_article(article).errors) == 1
