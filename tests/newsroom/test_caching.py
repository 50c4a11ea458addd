import gzip
from datetime import timedelta

import pytest
import time_machine
from django.core.handlers.base import BaseHandler
from django.utils import timezone

from articles.models import Article
from newsroom.caching import copies
from tests.factories import make_article, make_category, make_section

pytestmark = pytest.mark.django_db(transaction=True)


def test_second_visit_is_served_from_cache_without_queries(
    anon, django_assert_num_queries
):
    article = make_article()
    first = anon.get(article.get_absolute_url())
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = anon.get(article.get_absolute_url())
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_page_cache_of_zero_seconds_renders_every_request(
    anon, settings, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(title="Rendered every time")
    anon.get(article.get_absolute_url())  # stored fragments are still kept
    for _ in range(2):
        # The article alone: its text, the stories around it (kept a few
        # minutes, and renewed when a scheduled story goes live) and the
        # comments (until one changes) are stored.
        with django_assert_num_queries(1):
            response = anon.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Rendered every time" in response.content.decode()
        assert "X-Cache" not in response
        assert "private" in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]


def test_public_pages_may_be_kept_briefly_by_browsers(anon, settings):
    settings.NEWSROOM_BROWSER_CACHE_SECONDS = 45
    make_article()
    response = anon.get("/")
    assert "public" in response["Cache-Control"]
    assert "max-age=45" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_publishing_shows_up_at_once(anon):
    category = make_category()
    make_article(category=category)
    draft = make_article(
        category=category, status="draft", title="Breaking: river rises"
    )
    assert "river rises" not in anon.get("/").content.decode()

    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()

    assert "river rises" in anon.get("/").content.decode()
    assert "river rises" in anon.get(category.get_absolute_url()).content.decode()


def test_unpublishing_removes_the_page_at_once(anon):
    article = make_article()
    assert anon.get(article.get_absolute_url()).status_code == 200
    article.status = Article.Status.DRAFT
    article.save()
    assert anon.get(article.get_absolute_url()).status_code == 404


def test_editing_a_section_updates_the_cached_article(anon):
    article = make_article(sections=0)
    section = make_section(article, body="Original wording.")
    assert "Original wording." in anon.get(article.get_absolute_url()).content.decode()
    section.body = "Corrected wording."
    section.save()
    assert "Corrected wording." in anon.get(article.get_absolute_url()).content.decode()


def test_scheduled_article_appears_on_time_without_any_save(anon):
    now = timezone.now()
    make_article(published_at=now - timedelta(hours=1))
    make_article(
        published_at=now + timedelta(minutes=30), title="Embargo lifts at noon"
    )
    with time_machine.travel(now, tick=False):
        assert "Embargo lifts" not in anon.get("/").content.decode()
    with time_machine.travel(now + timedelta(minutes=31), tick=False):
        assert "Embargo lifts" in anon.get("/").content.decode()


def test_cache_lifetime_never_outlasts_the_next_publication(anon, settings):
    settings.NEWSROOM_BROWSER_CACHE_SECONDS = 600
    now = timezone.now()
    make_article(published_at=now + timedelta(seconds=90))
    with time_machine.travel(now, tick=False):
        response = anon.get("/")
    assert "max-age=90" in response["Cache-Control"]


def test_pages_for_other_hosts_or_pages_are_cached_apart(anon):
    category = make_category()
    for _ in range(21):
        make_article(category=category)
    url = category.get_absolute_url()
    assert anon.get(url)["X-Cache"] == "miss"
    assert anon.get(url, HTTP_HOST="localhost")["X-Cache"] == "miss"
    assert anon.get(url, {"page": 2})["X-Cache"] == "miss"
    assert anon.get(url)["X-Cache"] == "hit"


def test_tracking_parameters_neither_split_the_cache_nor_reach_the_page(anon):
    category = make_category()
    for _ in range(21):
        make_article(category=category)
    url = category.get_absolute_url()
    assert anon.get(url)["X-Cache"] == "miss"
    tracked = anon.get(url, {"utm_source": "mail", "fbclid": "x1"})
    assert tracked["X-Cache"] == "hit"
    html = anon.get(url, {"page": 2, "utm_source": "mail"}).content.decode()
    assert "utm_source" not in html
    assert f'<link rel="canonical" href="http://testserver{url}?page=2">' in html


def test_public_pages_tell_proxies_to_keep_them_briefly(anon, settings):
    settings.NEWSROOM_BROWSER_CACHE_SECONDS = 0
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 5
    settings.NEWSROOM_PAGE_STALE_SECONDS = 4
    article = make_article()
    for outcome in ("miss", "hit"):
        response = anon.get(article.get_absolute_url())
        assert response["X-Cache"] == outcome
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {
            "public",
            "max-age=0",
            "s-maxage=5",
            "stale-while-revalidate=4",
        }
        assert "Set-Cookie" not in response.headers
        assert response["Vary"] == "Accept-Encoding"


def test_a_conditional_request_is_answered_from_the_stored_copy(
    anon, django_assert_num_queries
):
    article = make_article()
    url = article.get_absolute_url()
    first = anon.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"')
    with django_assert_num_queries(0):
        again = anon.get(url, HTTP_IF_NONE_MATCH=etag)
        since = anon.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    for response in (again, since):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["X-Cache"] == "hit"
        assert "public" in response["Cache-Control"]
    article.title = "A new headline"
    article.save()
    changed = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_pages_are_compressed_once_and_inflate_to_the_same_page(anon, monkeypatch):
    import brotli

    article = make_article()
    url = article.get_absolute_url()
    # Rendered and compressed for a browser taking brotli…
    first = anon.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
    assert (first["X-Cache"], first["Content-Encoding"]) == ("miss", "br")

    def no_compression(*args, **kwargs):
        raise AssertionError("a hit compressed the page again")

    monkeypatch.setattr(copies.gzip, "compress", no_compression)
    monkeypatch.setattr(copies.brotli, "compress", no_compression)
    # …then served from the cache in every encoding without compressing again.
    plain = anon.get(url)
    zipped = anon.get(url, HTTP_ACCEPT_ENCODING="gzip")
    squeezed = anon.get(url, HTTP_ACCEPT_ENCODING="br;q=1.0, gzip;q=0.5")
    refused = anon.get(url, HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0")
    assert {r["X-Cache"] for r in (plain, zipped, squeezed, refused)} == {"hit"}
    assert not plain.has_header("Content-Encoding")
    assert not refused.has_header("Content-Encoding")
    assert zipped["Content-Encoding"] == "gzip"
    assert squeezed["Content-Encoding"] == "br"
    html = plain.content
    assert article.title.encode() in html
    assert gzip.decompress(zipped.content) == html
    assert brotli.decompress(squeezed.content) == html
    assert brotli.decompress(first.content) == html
    assert refused.content == html
    assert len(zipped.content) < len(html) / 2
    assert {r["ETag"] for r in (first, plain, zipped, squeezed)} == {plain["ETag"]}
    for response in (first, plain, zipped, squeezed):
        assert response["Vary"] == "Accept-Encoding"
        assert not response.cookies


def test_public_pages_list_their_cache_tags_for_proxies(anon):
    article = make_article(tags=["Harbour"])
    tag = article.tags.get()
    response = anon.get(article.get_absolute_url())
    expected = {
        "site",
        f"article:{article.pk}",
        f"category:{article.category_id}",
        f"tag:{tag.pk}",
        f"comments:{article.pk}",
    }
    assert set(response["Surrogate-Key"].split(" ")) == expected
    assert set(response["Cache-Tag"].split(",")) == expected
    front = anon.get("/")
    assert {"site", "front", f"comments:{article.pk}"} <= set(
        front["Surrogate-Key"].split()
    )


def test_a_fresh_copy_is_sent_before_the_address_is_even_resolved(anon, monkeypatch):
    """Readers of a stored page skip URL resolution, sessions and CSRF."""
    article = make_article(title="Early answer")
    url = article.get_absolute_url()
    assert anon.get(url)["X-Cache"] == "miss"

    def unreachable(self, request):
        raise AssertionError("the address was resolved")

    monkeypatch.setattr(BaseHandler, "resolve_request", unreachable)
    response = anon.get(url)
    assert response["X-Cache"] == "hit"
    assert "Early answer" in response.content.decode()


def test_a_stored_copy_carries_the_headers_of_a_rendered_one(anon):
    article = make_article()
    url = article.get_absolute_url()
    rendered = anon.get(url, HTTP_ACCEPT_ENCODING="gzip")
    stored = anon.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert (rendered["X-Cache"], stored["X-Cache"]) == ("miss", "hit")
    varying = {"X-Cache", "Age", "Date"}
    assert set(rendered.headers) - varying == set(stored.headers) - varying
    assert stored["X-Frame-Options"] == "DENY"
    assert int(stored["Content-Length"]) == len(stored.content)
    assert not stored.cookies


def test_an_address_the_page_tidies_is_answered_the_usual_way(anon):
    article = make_article(title="Tidied address")
    url = article.get_absolute_url()
    anon.get(url)
    response = anon.get(url + "?utm_source=newsletter")
    assert response["X-Cache"] == "hit"  # the copy of the tidy address
    assert "utm_source" not in response.content.decode()


def test_a_page_inflated_once_for_clients_without_compression(
    anon, monkeypatch, django_capture_on_commit_callbacks
):
    article = make_article(title="Plain first")
    url = article.get_absolute_url()
    inflations = []
    decompress = copies.gzip.decompress
    monkeypatch.setattr(
        copies.gzip,
        "decompress",
        lambda data: inflations.append(1) or decompress(data),
    )
    for _ in range(3):  # stored compressed, then sent as it is stored
        assert b"Plain first" in anon.get(url).content
    assert len(inflations) == 1
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Plain second"
        article.save()
    anon.get(url, HTTP_ACCEPT_ENCODING="gzip")  # stored again after the edit
    page = anon.get(url).content
    assert b"Plain second" in page and b"Plain first" not in page


def test_a_page_stored_while_this_request_took_the_lock_is_not_rendered_again(
    anon, monkeypatch, django_capture_on_commit_callbacks
):
    from django.test import Client

    from newsroom.caching import pages

    article = make_article(title="Harbour opens")
    url = article.get_absolute_url()
    anon.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Harbour opens at dawn"
        article.save()
    add = pages.cache.add
    locks: list[str] = []

    def another_server_renders_first(key, *args, **kwargs):
        # Between this request's look at the stale copy and its lock, another
        # request renders the page, stores it and lets the lock go.
        if key.startswith("lock:page:") and not locks:
            locks.append(key)
            assert Client().get(url)["X-Cache"] == "miss"
        return add(key, *args, **kwargs)

    monkeypatch.setattr(pages.cache, "add", another_server_renders_first)
    response = anon.get(url)
    assert response["X-Cache"] == "hit"
    assert "Harbour opens at dawn" in response.content.decode()
