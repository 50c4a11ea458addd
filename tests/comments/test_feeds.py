import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from lxml import html as lxml_html

from articles.models import Article
from comments.models import Comment
from tests.articles.xmlcheck import parse_feed, xml_root
from tests.factories import make_article, make_comment

NOW = datetime(2031, 5, 2, 18, 0, tzinfo=UTC)


def comments_address(article: Article, atom: bool = False) -> str:
    name = "comments:feed" + ("-atom" if atom else "")
    return reverse(name, args=[article.pk])


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def discussed(db, frozen) -> Article:
    """A public article with comments in every moderation state, an hour apart."""
    article = make_article(
        title="Harbour reopens",
        slug="harbour-reopens",
        published_at=NOW - timedelta(days=1),
    )
    for hours, name, status in (
        (5, "Approved early", Comment.Status.APPROVED),
        (4, "Waiting reader", Comment.Status.PENDING),
        (3, "Removed reader", Comment.Status.REJECTED),
        (2, "Spam reader", Comment.Status.SPAM),
        (1, "Approved late", Comment.Status.APPROVED),
    ):
        with time_machine.travel(NOW - timedelta(hours=hours), tick=False):
            make_comment(
                article, author_name=name, body=f"Said by {name}.", status=status
            )
    make_comment(make_article(), author_name="Elsewhere reader")
    return article


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_comment_feed_lists_only_approved_comments_newest_first(anon, discussed, atom):
    response = anon.get(comments_address(discussed, atom))

    assert response["Content-Type"].startswith(
        "application/atom+xml" if atom else "application/rss+xml"
    )
    feed = parse_feed(response)
    assert [entry.author for entry in feed.entries] == [
        "Approved late",
        "Approved early",
    ]
    for hidden in (b"Waiting reader", b"Removed reader", b"Spam reader", b"Elsewhere"):
        assert hidden not in response.content
    latest = feed.entries[0]
    comment = Comment.objects.get(author_name="Approved late")
    assert (
        latest.link == f"http://testserver/comments/{comment.pk}/#comment-{comment.pk}"
    )
    assert latest.id == f"tag:testserver,2031-05-02:comment/{comment.pk}"
    assert html.unescape(latest.title) == "Approved late on “Harbour reopens”"
    assert datetime(*latest.published_parsed[:6], tzinfo=UTC) == NOW - timedelta(
        hours=1
    )
    assert feed.feed.title == "Comments on “Harbour reopens”"


def test_comment_feed_follows_moderation(anon, discussed):
    waiting = Comment.objects.get(author_name="Waiting reader")
    waiting.status = Comment.Status.APPROVED
    waiting.save()
    approved = Comment.objects.get(author_name="Approved late")
    approved.status = Comment.Status.REJECTED
    approved.save()
    cache.clear()

    feed = parse_feed(anon.get(comments_address(discussed)))

    assert [entry.author for entry in feed.entries] == [
        "Waiting reader",
        "Approved early",
    ]


@pytest.mark.parametrize(
    ("status", "offset"),
    [
        (Article.Status.DRAFT, timedelta(hours=-1)),
        (Article.Status.REVIEW, timedelta(hours=-1)),
        (Article.Status.PUBLISHED, timedelta(hours=1)),
    ],
    ids=["draft", "review", "scheduled"],
)
@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_comment_feed_of_unpublished_article_is_404(anon, db, status, offset, atom):
    article = make_article(status=status, published_at=datetime.now(UTC) + offset)
    make_comment(article, body="Leaked early")

    response = anon.get(comments_address(article, atom))

    assert response.status_code == 404
    assert b"Leaked early" not in response.content


@pytest.mark.parametrize(
    "address",
    [
        "/feeds/articles/0/comments/",
        "/feeds/articles/-1/comments/",
        "/feeds/articles/99999999999999999999/comments/",
        "/feeds/articles/9223372036854775808/comments/atom/",
        "/feeds/articles/1e3/comments/",
        "/feeds/articles/%D9%A1/comments/",
    ],
)
def test_comment_feed_for_odd_article_number_is_404(anon, db, address):
    assert anon.get(address).status_code == 404


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_comment_bodies_stay_text(anon, db, atom):
    article = make_article(title="Q&A <live>")
    make_comment(
        article,
        author_name="Mallory <img src=x onerror=alert(1)>\x0b",
        body="<script>alert('x')</script>\nSecond line & more\x1f 😀 مرحبا",
    )

    response = anon.get(comments_address(article, atom))

    feed = parse_feed(response)
    (entry,) = feed.entries
    assert entry.author == "Mallory <img src=x onerror=alert(1)>"
    assert "<script" not in entry.summary
    assert "<img" not in entry.summary
    shown = lxml_html.fragment_fromstring(entry.summary, create_parent="div")
    assert [element.tag for element in shown.iter()] == ["div", "p", "br"]
    assert (
        shown.text_content() == "<script>alert('x')</script>Second line & more 😀 مرحبا"
    )
    document = xml_root(response)
    body = document.find("{*}entry/{*}summary" if atom else "channel/item/description")
    # The reader sees the markup as text: it reaches the feed escaped.
    assert "&lt;script&gt;" in body.text
    assert "<script" not in body.text


def test_comment_feed_query_count_does_not_grow(
    anon, db, django_assert_max_num_queries
):
    """Article, comments, and the page cache's next scheduled article."""
    article = make_article()
    for _ in range(3):
        make_comment(article)
    with django_assert_max_num_queries(3) as few:
        assert len(parse_feed(anon.get(comments_address(article))).entries) == 3
    for _ in range(27):
        make_comment(article)
    cache.clear()
    with django_assert_max_num_queries(3) as many:
        assert len(parse_feed(anon.get(comments_address(article))).entries) == 30

    assert len(many) == len(few)


# Characters XML 1.0 cannot carry that a database still stores.
ILLEGAL = "\x01\x08\x0b\x0c\x1f\ufffe\uffff"


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_comment_author_markup_is_escaped_and_illegal_characters_dropped(
    anon, db, atom
):
    article = make_article(title="Harbour <reopens> & more")
    make_comment(article, author_name=f"Mallory{ILLEGAL} <b>bold</b> & 'co'")

    response = anon.get(comments_address(article, atom))

    document = xml_root(response)  # well-formed, or lxml refuses it
    for character in ILLEGAL:
        assert character.encode() not in response.content, repr(character)
    item = document.find("{*}entry" if atom else "channel/item")
    title = item.findtext("{*}title" if atom else "title")
    if atom:
        # Atom titles and names are text: readers show them as written.
        assert title == "Mallory <b>bold</b> & 'co' on “Harbour <reopens> & more”"
        assert item.findtext("{*}author/{*}name") == "Mallory <b>bold</b> & 'co'"
    else:
        # RSS readers render titles as HTML: the markup arrives as text.
        assert title == (
            "Mallory &lt;b&gt;bold&lt;/b&gt; &amp; &#x27;co&#x27; "
            "on “Harbour &lt;reopens&gt; &amp; more”"
        )
        creator = item.findtext("{http://purl.org/dc/elements/1.1/}creator")
        assert creator == "Mallory <b>bold</b> & 'co'"


def test_comment_feed_uses_the_configured_base_url(anon, discussed, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example"
    comment = Comment.objects.get(author_name="Approved late")

    feed = parse_feed(anon.get(comments_address(discussed)))

    latest = feed.entries[0]
    assert latest.link == (
        f"https://news.example/comments/{comment.pk}/#comment-{comment.pk}"
    )
    assert latest.id == f"tag:news.example,2031-05-02:comment/{comment.pk}"
    assert feed.feed.link.startswith("https://news.example/")
