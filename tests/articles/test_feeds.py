import html
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import html as lxml_html
from PIL import Image

from articles.models import Article
from newsroom.syndication import FEED_LENGTH
from tests.articles.xmlcheck import parse_feed, xml_root
from tests.factories import make_article, make_author, make_category

NOW = datetime(2031, 3, 14, 9, 30, tzinfo=UTC)
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HIDDEN_TITLES = ("Unpublished draft piece", "Piece still in review", "Tomorrow's piece")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def newsroom(db, frozen) -> dict:
    """Two public articles and three hidden ones sharing their category, tag and author."""
    world = make_category(name="World", slug="world")
    politics = make_category(name="Politics", slug="politics")
    ada = make_author(name="Ada Lovelace", slug="ada")
    grace = make_author(name="Grace Hopper", slug="grace")
    lead = make_article(
        title="Ceasefire holds",
        slug="ceasefire-holds",
        standfirst="Both sides report a quiet night.",
        category=world,
        authors=[ada, grace],
        tags=["Peace talks", "Diplomacy"],
        published_at=NOW - timedelta(hours=2),
    )
    second = make_article(
        title="Budget passes",
        category=politics,
        authors=[ada],
        tags=["Peace talks"],
        published_at=NOW - timedelta(hours=3),
    )
    for title, status, when in (
        (HIDDEN_TITLES[0], Article.Status.DRAFT, NOW - timedelta(hours=1)),
        (HIDDEN_TITLES[1], Article.Status.REVIEW, NOW - timedelta(hours=1)),
        (HIDDEN_TITLES[2], Article.Status.PUBLISHED, NOW + timedelta(hours=1)),
    ):
        make_article(
            title=title,
            status=status,
            published_at=when,
            category=world,
            authors=[ada],
            tags=["Peace talks"],
        )
    return {"world": world, "ada": ada, "lead": lead, "second": second}


def feed_address(name: str, slug: str | None, atom: bool) -> str:
    return reverse(
        f"feeds:{name}" + ("-atom" if atom else ""), args=[slug] if slug else []
    )


FEEDS = [
    ("latest", None, {"Ceasefire holds", "Budget passes"}),
    ("category", "world", {"Ceasefire holds"}),
    ("tag", "peace-talks", {"Ceasefire holds", "Budget passes"}),
    ("author", "ada", {"Ceasefire holds", "Budget passes"}),
]


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
@pytest.mark.parametrize(("name", "slug", "titles"), FEEDS)
def test_feed_lists_only_public_articles(anon, newsroom, name, slug, titles, atom):
    response = anon.get(feed_address(name, slug, atom))

    assert response["Content-Type"] == (ATOM if atom else RSS)
    feed = parse_feed(response)
    assert feed.version == ("atom10" if atom else "rss20")
    assert {html.unescape(entry.title) for entry in feed.entries} == titles
    assert not any(hidden.encode() in response.content for hidden in HIDDEN_TITLES)
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver" + feed_address(name, slug, atom)]


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_feed_entry_carries_everything_a_reader_shows(anon, newsroom, atom):
    lead = newsroom["lead"]

    feed = parse_feed(anon.get(feed_address("category", "world", atom)))

    (entry,) = feed.entries
    assert entry.title == "Ceasefire holds"
    assert entry.link == "http://testserver/world/ceasefire-holds/"
    assert html.unescape(entry.summary) == "Both sides report a quiet night."
    assert [author.name for author in entry.authors] == ["Ada Lovelace", "Grace Hopper"]
    terms = [tag.term for tag in entry.tags]
    assert terms[0] == "World"
    assert sorted(terms[1:]) == ["Diplomacy", "Peace talks"]
    assert entry.id == f"tag:testserver,2031-03-14:article/{lead.pk}"
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == lead.published_at
    if atom:
        assert datetime(*entry.updated_parsed[:6], tzinfo=UTC) == NOW
    else:
        assert entry.guidislink is False
        assert entry.comments == "http://testserver/world/ceasefire-holds/#comments"
    assert feed.feed.link == "http://testserver/world/"
    assert feed.feed.title == "Newsroom: World"


def test_feed_id_survives_a_new_slug(anon, newsroom):
    first = parse_feed(anon.get(reverse("feeds:latest"))).entries[0].id
    lead = newsroom["lead"]
    lead.slug = "ceasefire-still-holds"
    lead.save()
    cache.clear()

    entry = parse_feed(anon.get(reverse("feeds:latest"))).entries[0]

    assert entry.link.endswith("/world/ceasefire-still-holds/")
    assert entry.id == first


def image_upload(name: str, fmt: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (48, 32), "teal").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
@pytest.mark.parametrize(
    ("filename", "fmt", "mime"),
    [("harbour.jpg", "JPEG", "image/jpeg"), ("chart.png", "PNG", "image/png")],
)
def test_feed_lead_image_is_an_enclosure(
    anon, db, settings, tmp_path, frozen, filename, fmt, mime, atom
):
    settings.MEDIA_ROOT = tmp_path
    article = make_article(
        lead_image=image_upload(filename, fmt), lead_image_alt="The harbour at dawn"
    )
    size = default_storage.size(article.lead_image.name)

    feed = parse_feed(anon.get(feed_address("latest", None, atom)))

    (enclosure,) = feed.entries[0].enclosures
    assert enclosure.href == "http://testserver" + article.lead_image.url
    assert enclosure.href.startswith("http://testserver/media/articles/2031/03/")
    assert int(enclosure.length) == size > 0
    assert enclosure.type == mime


def test_feed_leaves_out_an_image_missing_from_storage(anon, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = make_article(
        lead_image=image_upload("gone.png", "PNG"), lead_image_alt="Gone"
    )
    default_storage.delete(article.lead_image.name)

    feed = parse_feed(anon.get(reverse("feeds:latest")))

    assert feed.entries[0].title == article.title
    assert feed.entries[0].get("enclosures", []) == []


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_feed_is_bounded_and_newest_first(anon, db, atom):
    world = make_category(slug="world")
    base = datetime.now(UTC) - timedelta(days=3)
    for n in range(FEED_LENGTH + 5):
        make_article(
            title=f"Story {n:02}",
            category=world,
            published_at=base + timedelta(hours=n),
            sections=0,
        )

    feed = parse_feed(anon.get(feed_address("category", "world", atom)))

    assert len(feed.entries) == FEED_LENGTH
    assert feed.entries[0].title == f"Story {FEED_LENGTH + 4:02}"
    assert feed.entries[-1].title == "Story 05"


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("latest", None),
        ("category", "world"),
        ("tag", "peace-talks"),
        ("author", "ada"),
    ],
)
def test_feed_query_count_does_not_grow_with_items(
    anon, db, django_assert_max_num_queries, name, slug, atom
):
    """Feed object, articles, bylines, tags, and the page cache's next scheduled article."""
    world = make_category(slug="world")
    authors = [make_author(slug="ada"), make_author()]

    def publish(count: int) -> None:
        for n in range(count):
            make_article(
                category=world,
                authors=authors,
                tags=["Peace talks", f"Topic {count}-{n}"],
                sections=0,
            )

    address = feed_address(name, slug, atom)
    publish(3)
    with django_assert_max_num_queries(5) as few:
        assert len(parse_feed(anon.get(address)).entries) == 3
    publish(27)
    cache.clear()
    with django_assert_max_num_queries(5) as many:
        assert len(parse_feed(anon.get(address)).entries) == 30

    assert len(many) == len(few)


@pytest.mark.parametrize(
    "address",
    [
        "/feeds/categories/nowhere/",
        "/feeds/categories/nowhere/atom/",
        "/feeds/tags/nowhere/",
        "/feeds/tags/nowhere/atom/",
        "/feeds/authors/nobody/",
        "/feeds/authors/nobody/atom/",
        "/feeds/tags/%E2%80%AE/",
        "/feeds/tags/%E2%80%AE/atom/",
        "/feeds/categories/%F0%9F%93%B0/",
        "/feeds/tags/" + "a" * 3000 + "/",
        "/feeds/authors/" + "b-" * 2000 + "/atom/",
        "/feeds/categories/world%0B/",
        "/feeds/latest/%3Cscript%3E/",
    ],
)
def test_feed_for_unknown_or_odd_slug_is_404(anon, newsroom, address):
    assert anon.get(address).status_code == 404


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_tag_used_only_by_drafts_has_no_feed(anon, db, atom):
    make_article(status=Article.Status.DRAFT, tags=["Embargoed merger"])

    assert anon.get(feed_address("tag", "embargoed-merger", atom)).status_code == 404


def test_author_without_public_articles_has_an_empty_feed(anon, db):
    author = make_author(slug="newcomer")
    make_article(status=Article.Status.DRAFT, authors=[author], title="Secret scoop")

    response = anon.get(feed_address("author", "newcomer", False))

    assert parse_feed(response).entries == []
    assert b"Secret scoop" not in response.content


HOSTILE = "Tom & Jerry <script>alert('x')</script> “quoted” 😀 שלום עולם\x0b\x1f!"
CLEAN = "Tom & Jerry <script>alert('x')</script> “quoted” 😀 שלום עולם!"


@pytest.fixture
def hostile_article(db, frozen) -> Article:
    category = make_category(name="Arts & <Culture>\x0c", slug="arts")
    author = make_author(name="O'Brien <b>\x1f", slug="obrien")
    return make_article(
        title=HOSTILE,
        standfirst=HOSTILE,
        category=category,
        authors=[author],
        tags=["Odd\x0b <tag> & co"],
    )


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("latest", None),
        ("category", "arts"),
        ("tag", "odd-tag-co"),
        ("author", "obrien"),
    ],
)
def test_feed_stays_well_formed_with_hostile_text(
    anon, hostile_article, name, slug, atom
):
    response = anon.get(feed_address(name, slug, atom))

    feed = parse_feed(response)
    (entry,) = feed.entries
    # RSS titles are escaped for readers that render them as HTML; Atom's are text.
    assert (entry.title if atom else html.unescape(entry.title)) == CLEAN
    assert html.unescape(entry.summary) == CLEAN
    assert [author.name for author in entry.authors] == ["O'Brien <b>"]
    assert [tag.term for tag in entry.tags] == ["Arts & <Culture>", "Odd <tag> & co"]
    document = xml_root(response)
    assert not any(element.tag == "script" for element in document.iter())
    summary = document.find(
        "{*}entry/{*}summary" if atom else "channel/item/description"
    )
    assert "&lt;script&gt;" in summary.text
    assert "<script" not in summary.text


def test_category_page_advertises_its_feed(anon, newsroom):
    page = anon.get(newsroom["world"].get_absolute_url())
    document = lxml_html.fromstring(page.content)
    (href,) = document.xpath(
        '//head/link[@rel="alternate"][@type="application/rss+xml"][contains(@title, "World")]/@href'
    )

    feed = parse_feed(anon.get(href))

    assert feed.feed.title == "Newsroom: World"
    assert [entry.title for entry in feed.entries] == ["Ceasefire holds"]


@pytest.mark.parametrize(
    "path", ["/", "/world/", "/tags/peace-talks/", "/authors/ada/"]
)
def test_every_advertised_feed_is_valid(anon, newsroom, path):
    document = lxml_html.fromstring(anon.get(path).content)
    advertised = document.xpath('//head/link[@rel="alternate"]')

    assert advertised
    for link in advertised:
        feed = parse_feed(anon.get(link.get("href")))
        assert (
            feed.version
            == {"application/rss+xml": "rss20", "application/atom+xml": "atom10"}[
                link.get("type")
            ]
        )
        assert feed.entries


def test_feed_is_served_from_the_page_cache(anon, newsroom):
    first = anon.get(reverse("feeds:latest"))
    second = anon.get(reverse("feeds:latest"))

    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second["Content-Type"] == RSS
    assert second.content == first.content
    parse_feed(second)


# Characters XML 1.0 cannot carry that a database still stores (PostgreSQL
# refuses NUL and lone surrogates, so those are left to the unit tests).
ILLEGAL = "\x01\x08\x0b\x0c\x1f\ufffe\uffff"
MARKUP_TITLE = "Q&A: <b>bold</b> & <script>alert('x')</script> “quoted”"
# The RSS item title as text, once the XML is parsed: HTML-escaped exactly once.
MARKUP_TITLE_ESCAPED = (
    "Q&amp;A: &lt;b&gt;bold&lt;/b&gt; &amp; "
    "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; “quoted”"
)


def assert_no_illegal_characters(response) -> None:
    for character in ILLEGAL:
        assert character.encode() not in response.content, repr(character)


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_article_title_markup_is_escaped_and_illegal_characters_dropped(
    anon, db, frozen, atom
):
    category = make_category(name=f"Arts{ILLEGAL} & <Culture>", slug="arts")
    make_article(
        title=f"Q&A{ILLEGAL}: <b>bold</b> & <script>alert('x')</script> “quoted”",
        category=category,
    )

    response = anon.get(feed_address("category", "arts", atom))

    document = xml_root(response)  # well-formed, or lxml refuses it
    assert_no_illegal_characters(response)
    title = document.find("{*}entry/{*}title" if atom else "channel/item/title")
    if atom:
        # Atom titles are text: readers show them as written.
        assert title.get("type") is None
        assert title.text == MARKUP_TITLE
    else:
        # RSS readers render titles as HTML: the markup arrives as text.
        assert title.text == MARKUP_TITLE_ESCAPED
    feed_title = document.find("{*}title" if atom else "channel/title")
    assert feed_title.text == "Newsroom: Arts & <Culture>"


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_feed_addresses_use_the_configured_base_url(anon, newsroom, settings, atom):
    settings.NEWSROOM_BASE_URL = "https://news.example"
    lead = newsroom["lead"]

    feed = parse_feed(anon.get(feed_address("category", "world", atom)))

    (entry,) = feed.entries
    assert entry.link == "https://news.example/world/ceasefire-holds/"
    assert entry.id == f"tag:news.example,2031-03-14:article/{lead.pk}"
    assert feed.feed.link == "https://news.example/world/"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [
        "https://news.example" + feed_address("category", "world", atom)
    ]
    if not atom:
        assert entry.comments == "https://news.example/world/ceasefire-holds/#comments"
