import pytest
from django.urls import reverse

from articles.models import Article, ArticleTable, Section
from comments.models import Comment
from tests.factories import make_article, make_author, make_category, make_comment

pytestmark = pytest.mark.django_db


def _inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def _article_form(for_category, **overrides) -> dict:
    data = {
        "title": "Budget vote tonight",
        "slug": "budget-vote-tonight",
        "standfirst": "The council decides on spending.",
        "category": str(for_category.pk),
        "dateline": "Leeds",
        "tags": "Budget, Council",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "is_commenting_open": "on",
        "comment_prompt": "Share your thoughts: is the budget fair?",
        # Pictures in the text: none (tests/articles/desk/test_figures.py).
        **_inline("figures", []),
    }
    data.update(overrides)
    return data


def test_editor_writes_a_structured_article_in_the_admin(editor_client):
    category = make_category()
    author = make_author()
    data = _article_form(category)
    data.update(_inline("bylines", [{"author": author.pk, "position": 0}]))
    data.update(
        _inline(
            "sections",
            [
                {"position": 1, "kind": "text", "heading": "", "body": "Lead *text*."},
                {"position": 2, "kind": "text", "heading": "Numbers", "body": "Sums."},
                {
                    "position": 3,
                    "kind": "callout",
                    "heading": "Did you know?",
                    "body": "Fact.",
                },
            ],
        )
    )
    data.update(
        _inline(
            "tables",
            [
                {
                    "caption": "Spending by service",
                    "section": "",
                    "position": 0,
                    "is_first_row_header": "on",
                    "source_note": "Council accounts",
                    # As pasted from a spreadsheet: tab-separated cells.
                    "data": "Service\tPounds\r\nLibraries\t1,200\r\nParks\t800",
                }
            ],
        )
    )
    data.update(
        _inline(
            "faq_items",
            [{"position": 1, "question": "When is the vote?", "answer": "At 7 pm."}],
        )
    )

    response = editor_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="budget-vote-tonight")
    assert [s.heading for s in article.sections.all()] == [
        "",
        "Numbers",
        "Did you know?",
    ]
    assert article.sections.get(heading="Numbers").anchor == "numbers"
    table = ArticleTable.objects.get(article=article)
    assert table.rows == [
        ["Service", "Pounds"],
        ["Libraries", "1,200"],
        ["Parks", "800"],
    ]
    assert article.faq_items.get().question == "When is the vote?"
    assert sorted(t.name for t in article.tags.all()) == ["Budget", "Council"]
    assert article.excerpt == "Lead text."
    assert article.bylines.get().author == author


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Nul\x00byte", "Null characters are not allowed"),
        ("slug", "not a slug!", "Enter a valid “slug”"),
        ("category", "999999", "Select a valid choice"),
    ],
)
def test_bad_article_input_is_explained_not_saved(editor_client, field, value, message):
    data = _article_form(make_category(), **{field: value})
    for prefix in ("bylines", "sections", "tables", "faq_items"):
        data.update(_inline(prefix, []))
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_malformed_pasted_table_is_explained(editor_client):
    data = _article_form(make_category())
    for prefix in ("bylines", "sections", "faq_items"):
        data.update(_inline(prefix, []))
    wide_row = "\t".join(f"c{n}" for n in range(30))
    data.update(
        _inline(
            "tables",
            [{"caption": "Too wide", "section": "", "position": 0, "data": wide_row}],
        )
    )
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "at most 20 columns" in response.content.decode()
    assert not Article.objects.exists()


def test_editor_can_swap_two_sections(editor_client):
    article = make_article(sections=2, status="draft", published_at=None)
    first, second = article.sections.all()
    data = _article_form(
        article.category, title=article.title, slug=article.slug, tags="", dateline=""
    )
    data.update(_inline("bylines", []))
    data.update(_inline("tables", []))
    data.update(_inline("faq_items", []))
    data.update(_inline("corrections", []))
    data.update(
        _inline(
            "sections",
            [
                {
                    "id": first.pk,
                    "article": article.pk,
                    "position": second.position,
                    "kind": "text",
                    "heading": first.heading,
                    "body": first.body,
                },
                {
                    "id": second.pk,
                    "article": article.pk,
                    "position": first.position,
                    "kind": "text",
                    "heading": second.heading,
                    "body": second.body,
                },
            ],
            initial=2,
        )
    )
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [s.pk for s in Section.objects.filter(article=article)] == [
        second.pk,
        first.pk,
    ]


def test_article_changelist_lists_and_searches(
    editor_client, django_assert_max_num_queries
):
    for n in range(5):
        make_article(title=f"Harbour story {n}")
    make_article(title="Unrelated", status="draft", published_at=None)
    url = reverse("admin:articles_article_changelist")
    with django_assert_max_num_queries(12):
        response = editor_client.get(url)
    assert response.status_code == 200
    html = editor_client.get(url, {"q": "Harbour"}).content.decode()
    assert "Harbour story 4" in html and "Unrelated" not in html


def test_publish_action_makes_drafts_public(editor_client, anon):
    # Publishing checks want a byline (tests/articles/desk/test_checks.py).
    drafts = [
        make_article(status="draft", published_at=None, authors=[make_author()])
        for _ in range(2)
    ]
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [a.pk for a in drafts]},
    )
    assert response.status_code == 302
    for article in drafts:
        article.refresh_from_db()
        assert article.is_public
        assert anon.get(article.get_absolute_url()).status_code == 200


def test_view_on_site_previews_drafts(editor_client):
    draft = make_article(status="draft", published_at=None)
    html = editor_client.get(
        reverse("admin:articles_article_change", args=[draft.pk])
    ).content.decode()
    assert reverse("articles:preview", args=[draft.pk]) in html


def test_moderation_actions_record_who_decided(admin_client, admin_user):
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    response = admin_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.decided_by == admin_user
    assert comment.decided_at is not None


def _add_article(editor_client, **inlines) -> object:
    data = _article_form(make_category(), status="published")
    data["published_at_0"], data["published_at_1"] = "2026-01-01", "09:00:00"
    # Publishing checks want a byline (tests/articles/desk/test_checks.py).
    inlines.setdefault("bylines", [{"author": make_author().pk, "position": 0}])
    for prefix in ("bylines", "sections", "tables", "faq_items"):
        data.update(_inline(prefix, inlines.get(prefix, [])))
    return editor_client.post(reverse("admin:articles_article_add"), data)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_impossible_publication_years_are_explained(editor_client, day):
    data = _article_form(make_category(), status="published")
    data["published_at_0"], data["published_at_1"] = day, "00:00:00"
    for prefix in ("bylines", "sections", "tables", "faq_items"):
        data.update(_inline(prefix, []))
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "Choose a publication time between the years 1800 and 2200" in (
        response.content.decode()
    )
    assert not Article.objects.exists()


def test_overlong_tags_are_explained(editor_client):
    data = _article_form(make_category(), tags="short, " + "x" * 101)
    for prefix in ("bylines", "sections", "tables", "faq_items"):
        data.update(_inline(prefix, []))
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "A tag may be at most 100 characters long" in response.content.decode()


def test_sections_given_the_same_link_name_are_told_apart(editor_client, anon):
    section = {"kind": "text", "body": "Text.", "anchor": "details"}
    response = _add_article(
        editor_client,
        sections=[
            {**section, "position": 1, "heading": "Details"},
            {**section, "position": 2, "heading": "More details"},
            {**section, "position": 3, "heading": "Skip", "anchor": "main"},
        ],
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert [s.anchor for s in article.sections.all()] == [
        "details",
        "details-2",
        "main-section",
    ]


def test_a_long_article_can_be_saved_in_the_admin(editor_client):
    sections = [
        {"position": n, "kind": "text", "heading": f"Part {n}", "body": "Text."}
        for n in range(200)
    ]
    response = _add_article(editor_client, sections=sections)
    assert response.status_code == 302
    assert Article.objects.get().sections.count() == 200


def test_a_refused_table_is_explained_once(editor_client):
    tables = [{"caption": "Empty", "section": "", "position": 0, "data": "| |\n| |"}]
    response = _add_article(editor_client, tables=tables)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("A table needs at least one row.") == 1
