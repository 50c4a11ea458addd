import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from lxml import html as lxml_html

from articles.models import Article
from tests.factories import make_article, make_category

NOW = datetime(2031, 2, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def page(client, path: str) -> lxml_html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def json_ld(document: lxml_html.HtmlElement, kind: str) -> dict:
    blocks = [
        json.loads(script.text)
        for script in document.xpath('//script[@type="application/ld+json"]')
    ]
    (found,) = [block for block in blocks if block.get("@type") == kind]
    return found


def related_titles(article: Article) -> list[str]:
    article = Article.objects.for_detail().get(pk=article.pk)
    return [item.title for item in Article.objects.related_to(article)]


@pytest.fixture
def desk(db, frozen) -> dict:
    world = make_category(slug="world")
    politics = make_category(slug="politics")
    subject = make_article(
        title="Subject",
        category=world,
        tags=["Alpha", "Beta", "Gamma"],
        published_at=hours_ago(50),
    )
    return {"world": world, "politics": politics, "subject": subject}


def test_related_orders_by_shared_tags_then_category_then_recency(desk):
    world, politics = desk["world"], desk["politics"]
    make_article(
        title="Three tags, old",
        category=politics,
        tags=["Alpha", "Beta", "Gamma"],
        published_at=hours_ago(300),
    )
    make_article(
        title="Two tags, same category",
        category=world,
        tags=["Alpha", "Beta"],
        published_at=hours_ago(200),
    )
    make_article(
        title="Two tags, newer elsewhere",
        category=politics,
        tags=["Beta", "Gamma", "Other"],
        published_at=hours_ago(1),
    )
    make_article(
        title="One tag", category=politics, tags=["Gamma"], published_at=hours_ago(2)
    )
    make_article(
        title="Same category, no tags, newest",
        category=world,
        published_at=hours_ago(0.5),
    )
    make_article(
        title="Unrelated",
        category=politics,
        tags=["Other"],
        published_at=hours_ago(0.1),
    )

    assert related_titles(desk["subject"]) == [
        "Three tags, old",
        "Two tags, same category",
        "Two tags, newer elsewhere",
        "One tag",
    ]


def test_related_fills_up_with_the_category_newest(desk):
    world, politics = desk["world"], desk["politics"]
    make_article(
        title="Shares a tag",
        category=politics,
        tags=["Alpha"],
        published_at=hours_ago(400),
    )
    for n, age in enumerate((30, 10, 20, 40, 60)):
        make_article(title=f"World {n}", category=world, published_at=hours_ago(age))
    make_article(title="Politics, newest", category=politics, published_at=hours_ago(1))

    assert related_titles(desk["subject"]) == [
        "Shares a tag",
        "World 1",
        "World 2",
        "World 0",
    ]


def test_related_skips_the_article_itself_and_hidden_ones_without_duplicates(desk):
    world = desk["world"]
    make_article(
        title="Draft twin",
        status=Article.Status.DRAFT,
        category=world,
        tags=["Alpha", "Beta", "Gamma"],
    )
    make_article(
        title="Review twin",
        status=Article.Status.REVIEW,
        category=world,
        tags=["Alpha"],
    )
    make_article(
        title="Scheduled twin",
        category=world,
        tags=["Alpha", "Beta"],
        published_at=NOW + timedelta(hours=1),
    )
    make_article(
        title="Visible twin",
        category=world,
        tags=["Alpha", "Beta", "Gamma"],
        published_at=hours_ago(3),
    )

    assert related_titles(desk["subject"]) == ["Visible twin"]


def test_related_for_an_untagged_article_in_an_empty_category(db, frozen):
    lonely = make_article(title="Lonely", published_at=hours_ago(1))
    make_article(title="Elsewhere", tags=["Alpha"])

    assert related_titles(lonely) == []


def test_related_costs_one_query(desk, django_assert_num_queries):
    for n in range(6):
        make_article(title=f"Peer {n}", category=desk["world"], tags=["Alpha", "Beta"])
    article = Article.objects.for_detail().get(pk=desk["subject"].pk)

    with django_assert_num_queries(1):
        related = list(Article.objects.related_to(article))

    assert len(related) == 4


def test_article_page_shows_related_cards_in_order(anon, desk):
    make_article(
        title="Close cousin",
        category=desk["politics"],
        tags=["Alpha", "Beta"],
        published_at=hours_ago(5),
    )
    make_article(
        title="Distant cousin",
        category=desk["politics"],
        tags=["Gamma"],
        published_at=hours_ago(4),
    )

    document = page(anon, desk["subject"].get_absolute_url())

    (aside,) = document.xpath('//aside[@aria-labelledby="related-heading"]')
    titles = [
        " ".join(text.split()) for text in aside.xpath(".//h3//text()") if text.strip()
    ]
    assert titles == ["Close cousin", "Distant cousin"]


def neighbour_links(client, article: Article) -> dict[str, str]:
    document = page(client, article.get_absolute_url())
    return {
        link.get("rel"): link.get("href")
        for link in document.xpath(
            '//nav[contains(@class, "article-neighbours")]//a[@rel]'
        )
    }


def test_previous_and_next_stay_in_the_category(anon, db, frozen):
    world = make_category(slug="world")
    politics = make_category(slug="politics")
    first = make_article(category=world, published_at=hours_ago(10))
    make_article(category=world, status=Article.Status.DRAFT, published_at=hours_ago(9))
    make_article(category=politics, published_at=hours_ago(8.5))
    second = make_article(category=world, published_at=hours_ago(8))
    # Same moment as ``second``: the higher id comes after it.
    third = make_article(category=world, published_at=hours_ago(8))
    make_article(
        category=world, status=Article.Status.REVIEW, published_at=hours_ago(7)
    )
    last = make_article(category=world, published_at=hours_ago(6))
    make_article(category=world, published_at=NOW + timedelta(hours=1))

    assert neighbour_links(anon, first) == {"next": second.get_absolute_url()}
    assert neighbour_links(anon, second) == {
        "prev": first.get_absolute_url(),
        "next": third.get_absolute_url(),
    }
    assert neighbour_links(anon, third) == {
        "prev": second.get_absolute_url(),
        "next": last.get_absolute_url(),
    }
    assert neighbour_links(anon, last) == {"prev": third.get_absolute_url()}


def test_only_article_in_category_has_no_neighbours(anon, db, frozen):
    alone = make_article(published_at=hours_ago(3))
    make_article(published_at=hours_ago(2))

    assert neighbour_links(anon, alone) == {}


def test_article_breadcrumbs_in_page_and_json_ld(anon, db, frozen):
    world = make_category(name="World & <Europe>", slug="world")
    article = make_article(title="Talks “resume”", category=world, slug="talks-resume")

    document = page(anon, article.get_absolute_url())

    (nav,) = document.xpath('//nav[@aria-label="Breadcrumb"]')
    crumbs = [(a.text_content(), a.get("href")) for a in nav.xpath(".//a")]
    assert crumbs == [("Home", "/"), ("World & <Europe>", "/world/")]
    trail = json_ld(document, "BreadcrumbList")
    assert trail["@context"] == "https://schema.org"
    assert trail["itemListElement"] == [
        {
            "@type": "ListItem",
            "position": 1,
            "name": "Home",
            "item": "http://testserver/",
        },
        {
            "@type": "ListItem",
            "position": 2,
            "name": "World & <Europe>",
            "item": "http://testserver/world/",
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Talks “resume”",
            "item": "http://testserver/world/talks-resume/",
        },
    ]


def test_category_breadcrumbs_json_ld_has_two_levels(anon, db, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example"
    world = make_category(name="World", slug="world")
    make_article(category=world)

    trail = json_ld(page(anon, world.get_absolute_url()), "BreadcrumbList")

    assert [
        (i["position"], i["name"], i["item"]) for i in trail["itemListElement"]
    ] == [
        (1, "Home", "https://news.example/"),
        (2, "World", "https://news.example/world/"),
    ]
