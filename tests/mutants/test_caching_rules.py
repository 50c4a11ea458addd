"""The page cache (newsroom/caching/): what is stored, for how long, and what never comes back.

Views here are decorated inside each test and called directly, with the
scheduled-publication sources replaced by the test's own, so no test needs
the database. Written for the mutants that survived ``make mutants``
(docs/mutants.md).
"""

import gzip
import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory

from newsroom.caching import (
    Timetable,
    copies,
    depends_on,
    invalidate_now,
    pages,
    public_page,
    register_schedule,
    schedule,
    versions,
)

NOON = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _own_schedules(monkeypatch, settings):
    """No scheduled articles unless a test registers some (and no database)."""
    monkeypatch.setattr(schedule, "_sources", [])
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    settings.NEWSROOM_BROWSER_CACHE_SECONDS = 60
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 5
    settings.NEWSROOM_PAGE_STALE_SECONDS = 5


@pytest.fixture
def memory(settings):
    """This process's memory as the cache: time travel reaches its expiry (not Redis's)."""
    settings.CACHES = {
        "default": {"BACKEND": "newsroom.cache_backends.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()


def _get(path="/page/"):
    return RequestFactory().get(path)


def _counting(*tags):
    """A public page that says how many times it was rendered."""
    renders = []

    @public_page(query=())
    def page(request, *args):
        depends_on(request, *tags)
        renders.append(args)
        return HttpResponse(f"render {len(renders)} {' '.join(args)}".strip())

    return page


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def _unreachable(*args, **kwargs):
    raise ConnectionRefusedError("cache is down")


# What is stored, and how it is sent


def test_a_stored_page_is_served_again_as_it_was():
    page = _counting()
    first = page(_get())
    again = page(_get())
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert (again.status_code, again.content) == (200, b"render 1")
    assert _cache_control(again) == {
        "public",
        "max-age=60",
        "s-maxage=5",
        "stale-while-revalidate=5",
    }


def test_a_template_response_is_rendered_and_stored():
    template = engines["django"].from_string("rendered {{ word }}")

    @public_page(query=())
    def page(request):
        return TemplateResponse(request, template, {"word": "once"})

    assert page(_get()).content == b"rendered once"
    assert page(_get())["X-Cache"] == "hit"


def test_positional_arguments_reach_the_view_even_with_the_cache_down(monkeypatch):
    page = _counting()
    assert page(_get(), "2024").content == b"render 1 2024"
    monkeypatch.setattr(cache, "get_many", _unreachable)
    assert page(_get(), "2025").content == b"render 2 2025"


def test_with_the_cache_down_pages_are_sent_private_and_uncached(monkeypatch):
    monkeypatch.setattr(cache, "get_many", _unreachable)
    response = _counting("comments:1")(_get())
    assert _cache_control(response) == {"private", "no-cache"}
    assert not response.has_header("X-Cache")


def test_a_page_that_sets_a_cookie_is_sent_private_and_uncached():
    @public_page(query=())
    def page(request):
        response = HttpResponse("hello")
        response.set_cookie("flavour", "oat")
        return response

    assert _cache_control(page(_get())) == {"private", "no-cache"}


def test_a_page_that_used_a_csrf_token_is_sent_private_and_uncached():
    renders = []

    @public_page(query=())
    def form(request):
        renders.append(get_token(request))
        return HttpResponse("a form")

    assert _cache_control(form(_get())) == {"private", "no-cache"}
    assert _cache_control(form(_get())) == {"private", "no-cache"}
    assert len(renders) == 2


def test_a_stored_page_lives_no_longer_than_the_page_cache_setting(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 30
    page = _counting()
    with time_machine.travel(NOON, tick=False) as clock:
        page(_get())
        clock.shift(29)
        assert page(_get()).content == b"render 1"
        clock.shift(2)
        assert page(_get()).content == b"render 2"


# Tags


def test_a_page_whose_tag_cannot_be_read_is_not_stored(monkeypatch):
    real = cache.get_many

    def get_many(keys, *args, **kwargs):
        if any(key.startswith("version:comments") for key in keys):
            raise ConnectionRefusedError("cache is down")
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    page = _counting("comments:1")
    assert _cache_control(page(_get())) == {"private", "no-cache"}
    assert page(_get()).content == b"render 2"


def test_a_page_whose_tag_vanishes_at_once_is_not_stored(monkeypatch):
    real = cache.get_many

    def get_many(keys, *args, **kwargs):
        found = real(keys, *args, **kwargs)
        return {k: v for k, v in found.items() if not k.startswith("version:comm")}

    monkeypatch.setattr(cache, "get_many", get_many)
    page = _counting("comments:1")
    assert _cache_control(page(_get())) == {"private", "no-cache"}
    assert page(_get()).content == b"render 2"


def test_a_page_stored_before_its_tag_changed_never_comes_back():
    article = _counting("comments:7")
    other = _counting("comments:7")
    article(_get("/article/"))  # stored with the tag's first version
    invalidate_now(["comments:7"])  # a comment is approved
    cache.delete("version:comments:7")  # and the new version is evicted
    other(_get("/other/"))  # another page gives the tag a version again
    assert article(_get("/article/")).content == b"render 2"


# Scheduled articles


def test_pages_of_what_goes_live_are_renewed_when_its_time_comes():
    goes_live = {"a": NOON + timedelta(seconds=10), "b": NOON + timedelta(seconds=20)}

    def timetable(since, now):
        due = [key for key, at in goes_live.items() if since < at <= now]
        later = [at for at in goes_live.values() if at > now]
        return Timetable(due, min(later, default=None))

    def tags_for(keys):
        return [f"probe:{key}" for key in keys]

    register_schedule(timetable, tags_for)
    register_schedule(timetable, tags_for)  # registering twice changes nothing
    assert schedule._sources == [(timetable, tags_for)]
    first, second = _counting("probe:a"), _counting("probe:b")
    with time_machine.travel(NOON, tick=False) as clock:
        first(_get("/a/")), second(_get("/b/"))
        assert "max-age=10" in first(_get("/a/"))["Cache-Control"]
        clock.shift(9)
        assert first(_get("/a/"))["X-Cache"] == "hit"
        assert "max-age=1," in first(_get("/a/"))["Cache-Control"]
        clock.shift(1)  # "a" goes live: only its page is renewed
        assert first(_get("/a/")).content == b"render 2"
        assert second(_get("/b/"))["X-Cache"] == "hit"
        assert first(_get("/a/"))["X-Cache"] == "hit"  # handled once
        clock.shift(10)
        assert second(_get("/b/")).content == b"render 2"


# The decorator


def test_reading_pages_answer_writes_with_405_not_a_csrf_failure():
    page = public_page(lambda request: HttpResponse("page"))
    post = RequestFactory().post("/page/")
    assert CsrfViewMiddleware(page).process_view(post, page, (), {}) is None
    assert page(post).status_code == 405
    assert page(_get()).content == b"page"


def test_a_page_sees_only_the_query_parameters_it_names():
    @public_page(query=("page",))
    def listing(request):
        return HttpResponse(request.GET.urlencode())

    assert listing(_get("/list/?utm_source=x&page=2")).content == b"page=2"


# Stored copies: compression, validators, headers


def test_codings_a_client_accepts_are_read_with_their_weights():
    accepted = copies.accepted_encodings
    assert accepted("gzip, deflate, br") == ["br", "gzip"]
    assert accepted("GZIP;q=0.5, Br;q=1.0") == ["br", "gzip"]
    assert accepted("br;q=0, gzip") == ["gzip"]
    assert accepted("gzip;q=0.001") == ["gzip"]
    assert accepted("br;q=x, gzip") == ["gzip"]  # a weight that is not a number
    assert accepted("*") == ["br", "gzip"]
    assert accepted("*;q=0, gzip") == ["gzip"]
    assert accepted("identity") == []
    assert accepted("") == []
    assert accepted(" br ; q=1 ") == ["br"]


def test_without_the_brotli_package_pages_are_gzipped_only(monkeypatch):
    monkeypatch.setattr(copies, "brotli", None)
    assert copies.accepted_encodings("br, gzip") == ["gzip"]
    copy = copies.make_copy(_page(b"x" * 300), {}, 1000.0, 60)
    assert set(copy["bodies"]) == {"gzip"}


def _page(body: bytes, content_type="text/html; charset=utf-8", **headers):
    response = HttpResponse(body, content_type=content_type)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def test_only_text_of_a_useful_size_is_compressed():
    big = b"<p>text</p>" * 30
    assert copies.is_compressible("text/html; charset=utf-8", 256)
    assert not copies.is_compressible("text/html", 255)
    for kind in ("TEXT/XML", "application/xml", "application/rss+xml"):
        assert copies.is_compressible(kind, 300), kind
    for kind in ("application/atom+xml", "application/json", "application/ld+json"):
        assert copies.is_compressible(kind, 300), kind
    assert not copies.is_compressible("image/png", 10_000)
    kept = copies.make_copy(_page(big, "image/png"), {}, 1000.0, 60)
    assert kept["bodies"] == {"identity": big}


def test_a_page_without_a_content_type_is_kept_as_it_is():
    response = _page(b"x" * 300)
    del response["Content-Type"]
    copy = copies.make_copy(response, {}, 1000.0, 60)
    assert copy["bodies"] == {"identity": b"x" * 300}
    assert copy["headers"] == {}


def test_a_copy_keeps_what_describes_the_page_and_its_validators():
    body = b"<p>page</p>" * 40
    response = _page(
        body,
        X_Robots_Tag="noindex",
        Link="<https://example.org/>; rel=canonical",
        Content_Language="en",
        X_Other="dropped",
    )
    copy = copies.make_copy(response, {"site": "v1"}, 1000.5, 60)
    assert copy["headers"] == {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Language": "en",
        "X-Robots-Tag": "noindex",
        "Link": "<https://example.org/>; rel=canonical",
    }
    assert copy["etag"] == f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    assert (copy["modified"], copy["stored_at"], copy["fresh_until"]) == (
        1000,
        1000.5,
        1060.5,
    )
    assert copy["status"] == 200 and copy["tags"] == {"site": "v1"}
    assert gzip.decompress(copy["bodies"]["gzip"]) == body
    dated = _page(body, Last_Modified="Wed, 21 Oct 2015 07:28:00 GMT")
    assert copies.make_copy(dated, {}, 1000.0, 60)["modified"] == 1445412480


def test_a_response_from_a_copy_names_its_tags_validators_and_coding():
    body = b"<p>page</p>" * 40
    copy = copies.make_copy(_page(body), {"site": "1", "front": "2"}, 1000.0, 60)
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    response = copies.respond(request, copy, "hit", (7, 3))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == body
    assert response["Surrogate-Key"] == "front site"
    assert response["Cache-Tag"] == "front,site"
    assert response["Vary"] == "Accept-Encoding"
    assert response["Last-Modified"] == "Thu, 01 Jan 1970 00:16:40 GMT"
    assert response["X-Cache"] == "hit"
    assert _cache_control(response) == {
        "public",
        "max-age=7",
        "s-maxage=3",
        "stale-while-revalidate=5",
    }
    plain = copies.respond(RequestFactory().get("/"), copy, "stale", (7, 3))
    assert plain.content == body and not plain.has_header("Content-Encoding")
    assert _cache_control(plain) == {"public", "max-age=0", "s-maxage=0"}
    small = copies.make_copy(_page(b"tiny"), {}, 1000.0, 60)
    as_is = copies.respond(request, small, "miss", (0, 5))
    assert as_is.content == b"tiny" and not as_is.has_header("Content-Encoding")
    # An error page kept as it is keeps its status.
    gone = copies.make_copy(HttpResponse(b"gone", status=410), {}, 1000.0, 60)
    assert copies.respond(request, gone, "hit", (0, 5)).status_code == 410


# One render at a time: the lock, stale copies, waiting


class _Clock:
    """The page cache's clock: time stands still except while a request waits.

    ``during_wait`` runs at each look a waiting request takes, as another
    request would act meanwhile.
    """

    def __init__(self, start: float = 2_000_000_000.0) -> None:
        self.now = start
        self.looks = 0
        self.during_wait = lambda looks: None

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds == pages.POLL_SECONDS
        self.now += seconds
        self.looks += 1
        self.during_wait(self.looks)


@pytest.fixture
def clock(monkeypatch):
    fake = _Clock()
    monkeypatch.setattr(pages, "time", fake)
    monkeypatch.setattr(versions, "time", fake)  # versions are stamped by it too
    return fake


def _key(path="/page/"):
    return pages.page_key(_get(path))


def _lock(path="/page/", holder="another request"):
    cache.add(f"lock:{_key(path)}", holder, 60)


def test_a_copy_is_stale_since_it_expired_or_since_its_first_known_change():
    copy = {"fresh_until": 100.0, "tags": {"a": "1.0-x", "b": "2.0-y"}}
    same = {"a": "1.0-x", "b": "2.0-y"}
    assert pages.stale_since(copy, same, 99.0) is None  # not stale at all
    assert pages.stale_since(copy, same, 100.0) == 100.0
    assert pages.stale_since(copy, same, 150.0) == 100.0
    changed = {"a": "90.5-z", "b": "95.0-w"}
    assert pages.stale_since(copy, changed, 99.0) == 90.5
    assert pages.stale_since(copy, {**same, "b": "95.0-w"}, 99.0) == 95.0
    assert pages.stale_since(copy, {**same, "b": "95.0-w"}, 120.0) == 95.0
    assert pages.stale_since(copy, {"a": "1.0-x"}, 150.0) is None  # a version lost
    assert pages.stale_since(copy, {**same, "a": "garbled"}, 150.0) is None


def test_an_expired_copy_is_served_while_another_request_renders(clock, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 30
    page = _counting()
    page(_get())
    _lock()
    clock.now += 30  # expired at this very moment
    assert page(_get())["X-Cache"] == "stale"
    clock.now += 5  # five seconds later still
    assert page(_get())["X-Cache"] == "stale"


def test_a_copy_stale_for_longer_than_the_bound_is_not_served(clock, settings):
    settings.NEWSROOM_PAGE_STALE_SECONDS = 2
    page = _counting("probe:a")
    page(_get())  # "site" and "probe:a" get versions now
    clock.now += 10
    invalidate_now(["probe:a"])  # changed ten seconds later
    _lock()
    clock.now += 2
    assert page(_get())["X-Cache"] == "stale"  # the change, not "site", counts
    clock.now += 0.5
    # Past the bound: the reader waits for the new copy, then renders itself.
    answer = page(_get())
    assert (answer["X-Cache"], answer.content) == ("miss", b"render 2")
    assert 2 / pages.POLL_SECONDS <= clock.looks <= 2 / pages.POLL_SECONDS + 1


def test_a_waiting_reader_gets_the_copy_the_lock_holder_stores(clock):
    holder, reader = _counting(), _counting()
    _lock()

    def holder_stores(looks):
        if looks == 3:
            cache.delete(f"lock:{_key()}")
            holder(_get())
            _lock()

    clock.during_wait = holder_stores
    answer = reader(_get())
    assert (answer["X-Cache"], answer.content) == ("hit", b"render 1")
    assert clock.looks == 3


def test_a_waiting_reader_renders_once_the_page_is_not_kept(clock):
    page = _counting()
    _lock()

    def not_kept(looks):
        if looks == 2:
            cache.set(f"pass:{_key()}", 1, 60)

    clock.during_wait = not_kept
    answer = page(_get())
    assert (answer["X-Cache"], answer.content) == ("miss", b"render 1")
    assert clock.looks == 2
    # It did not hold the lock: the other request's lock is left alone.
    assert cache.get(f"lock:{_key()}") == "another request"


def test_a_waiting_reader_takes_the_lock_its_holder_gave_up(clock):
    page = _counting()
    _lock()
    clock.during_wait = lambda looks: looks == 4 and cache.delete(f"lock:{_key()}")
    answer = page(_get())
    assert (answer["X-Cache"], answer.content) == ("miss", b"render 1")
    assert clock.looks == 4
    assert cache.get(f"lock:{_key()}") is None  # taken, then released
    assert page(_get())["X-Cache"] == "hit"


def test_a_reader_that_waited_in_vain_renders_and_stores_the_page(clock, settings):
    settings.NEWSROOM_PAGE_STALE_SECONDS = 0  # the lock still lives a second
    page = _counting()
    _lock()
    answer = page(_get())
    assert (answer["X-Cache"], answer.content) == ("miss", b"render 1")
    assert 1 / pages.POLL_SECONDS <= clock.looks <= 1 / pages.POLL_SECONDS + 1
    assert cache.get(f"lock:{_key()}") == "another request"
    _counting()  # nothing else changed
    cache.delete(f"lock:{_key()}")
    assert page(_get())["X-Cache"] == "hit"


def test_the_lock_is_released_by_its_holder_only():
    page = _counting()
    page(_get())
    assert cache.get(f"lock:{_key()}") is None
    taken = {}

    @public_page(query=())
    def steals(request):
        # The lock lapsed while this rendered, and another request took it.
        cache.set(f"lock:{_key('/other/')}", "the next holder", 60)
        taken["lock"] = True
        return HttpResponse("page")

    steals(_get("/other/"))
    assert taken and cache.get(f"lock:{_key('/other/')}") == "the next holder"


def test_a_page_that_stops_being_kept_leaves_a_short_note(memory, clock, settings):
    settings.NEWSROOM_PAGE_STALE_SECONDS = 3
    status = {"code": 200}

    @public_page(query=())
    def page(request):
        return HttpResponse("page", status=status["code"])

    page(_get())
    invalidate_now(["site"])
    status["code"] = 404
    with time_machine.travel(clock.now, tick=False) as real:
        assert page(_get()).status_code == 404
        assert cache.get(_key()) is None  # the old copy is gone
        assert cache.get(f"pass:{_key()}") is not None
        real.shift(3.5)
        assert cache.get(f"pass:{_key()}") is None


def test_a_page_that_fails_to_render_is_forgotten_and_its_lock_released():
    broken = {"now": False}

    @public_page(query=())
    def page(request):
        if broken["now"]:
            raise RuntimeError("the template is broken")
        return HttpResponse("page")

    page(_get())
    invalidate_now(["site"])
    broken["now"] = True
    with pytest.raises(RuntimeError):
        page(_get())
    assert cache.get(_key()) is None
    assert cache.get(f"lock:{_key()}") is None


def test_a_page_read_by_a_request_that_did_not_lock_is_not_forgotten(clock):
    status = {"code": 200}

    @public_page(query=())
    def page(request):
        return HttpResponse("page", status=status["code"])

    page(_get())
    invalidate_now(["site"])
    clock.now += 100  # long stale: not served, the reader waits
    _lock()
    status["code"] = 404
    assert page(_get()).status_code == 404  # rendered after waiting in vain
    assert cache.get(_key()) is not None  # the lock holder decides, not this one


def test_a_page_rendered_while_content_changed_is_stored_as_stale(clock):
    @public_page(query=())
    def page(request):
        invalidate_now(["probe:elsewhere"])  # a commit lands meanwhile
        return HttpResponse("page")

    assert page(_get())["X-Cache"] == "miss"
    copy = cache.get(_key())
    assert copy["fresh_until"] == copy["stored_at"] == clock.now
    assert page(_get())["X-Cache"] == "miss"  # rendered again


def test_a_page_stored_without_change_lives_its_lifetime_and_then_some(clock, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 40
    settings.NEWSROOM_PAGE_STALE_SECONDS = 3
    _counting()(_get())
    copy = cache.get(_key())
    assert copy["fresh_until"] == clock.now + 40
    assert pages.lifetime_with_grace() == 43
    settings.NEWSROOM_PAGE_STALE_SECONDS = 0
    assert pages.lock_seconds() == 1
    assert pages.lifetime_with_grace() == 41


def test_browsers_and_proxies_keep_a_page_no_longer_than_the_next_publication(
    settings,
):
    settings.NEWSROOM_BROWSER_CACHE_SECONDS = 60
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 5
    assert pages._ages(None, 1000.0) == (60, 5)
    assert pages._ages(1030.9, 1000.0) == (30, 5)
    assert pages._ages(1003.0, 1000.0) == (3, 3)
    assert pages._ages(1000.2, 1000.0) == (1, 1)  # never 0: the moment is near
    assert pages._ages(900.0, 1000.0) == (1, 1)


def test_with_the_cache_down_the_view_asks_it_no_more(monkeypatch):
    calls = []

    def down(*args, **kwargs):
        calls.append(args)
        raise ConnectionRefusedError("cache is down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "add", down)
    response = _counting("comments:1")(_get())
    assert response.content == b"render 1"
    assert len(calls) == 1


def test_an_error_the_view_raises_is_not_taken_for_a_cache_outage():
    renders = []

    @public_page(query=())
    def page(request):
        renders.append(1)
        raise FileNotFoundError("an image is missing from storage")

    with pytest.raises(FileNotFoundError):
        page(_get())
    assert len(renders) == 1  # not rendered a second time "uncached"


# Tag versions


def test_a_version_says_when_it_was_made():
    assert versions.version_time("1700000000.250-a1b2c3") == 1700000000.25
    assert versions.version_time("12-34-56") == 12.0
    assert versions.version_time("garbled") is None
    assert versions.version_time(None) is None
    with time_machine.travel(NOON, tick=False):
        made = versions.new_version()
    stamp, _, token = made.partition("-")
    assert stamp == f"{NOON.timestamp():.3f}" and len(token) == 12
    assert versions.new_version() != versions.new_version()


def test_a_renewal_moves_the_change_marker_first_and_each_tag_once(monkeypatch):
    written = []
    real = cache.set_many

    def set_many(data, *args, **kwargs):
        written.append(list(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(cache, "set_many", set_many)
    before = versions.changes_version()
    invalidate_now(["b", "a", "b"])
    assert written == [["version:*changes", "version:a", "version:b"]]
    assert versions.changes_version() != before
    invalidate_now([])  # nothing to renew: nothing written
    assert len(written) == 1


@pytest.mark.django_db
def test_a_change_renews_its_tags_once_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    page, other = _counting("probe:a"), _counting("probe:b")
    page(_get("/a/")), other(_get("/b/"))
    with django_capture_on_commit_callbacks(execute=True):
        versions.invalidate("probe:a", "probe:a")
        assert page(_get("/a/"))["X-Cache"] == "hit"  # not committed yet
    assert page(_get("/a/")).content == b"render 2"
    assert other(_get("/b/"))["X-Cache"] == "hit"


@pytest.mark.django_db
def test_a_renewal_that_fails_after_the_commit_never_fails_the_save(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("not a cache outage")

    monkeypatch.setattr(cache, "set_many", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        versions.invalidate("front")
    assert len(callbacks) == 1
    assert "not a cache outage" in caplog.text


def test_a_renewal_that_fails_is_logged_with_its_tags(monkeypatch, caplog):
    monkeypatch.setattr(cache, "set_many", _unreachable)
    with caplog.at_level("ERROR", logger="newsroom.caching"):
        invalidate_now(["front", "article:3"])
    assert caplog.messages == [
        "Could not invalidate cached pages for article:3, front: "
        "ConnectionRefusedError('cache is down')"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_renewal_after_commit_never_fails_the_save(monkeypatch):
    from django.db import transaction

    def broken(*args, **kwargs):
        raise RuntimeError("not a cache outage")

    monkeypatch.setattr(cache, "set_many", broken)
    with transaction.atomic():
        versions.invalidate("front")
    # Committed: the error was logged, not raised to whoever saved.


def test_versions_are_made_when_missing_and_read_as_they_are():
    assert versions.current_versions(["x"]) == {}
    made = versions.read_versions(["x", "y"])
    assert set(made) == {"x", "y"}
    assert versions.read_versions(["x", "y"]) == made
    assert versions.current_versions(["x", "z"]) == {"x": made["x"]}
    cache.delete(versions.CHANGES_KEY)
    first = versions.changes_version()
    assert first is not None and versions.changes_version() == first


def test_a_version_that_cannot_be_kept_is_reported(monkeypatch, clock):
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    assert versions.read_versions(["never-kept"]) is None
    assert versions.site_version() is None
    assert versions.changes_version() is None
    # The page is still served, and not kept.
    response = _counting()(_get("/never-kept/"))
    assert response.content == b"render 1"
    assert _cache_control(response) == {"private", "no-cache"}


def test_the_site_version_of_a_page_is_the_one_it_recorded():
    request = _get()
    request.cache_tags = {"site": "recorded"}
    assert versions.site_version(request) == "recorded"
    assert versions.site_version(_get()) == versions.read_versions(["site"])["site"]
    request.cache_tags = {}
    assert versions.site_version(request) == versions.read_versions(["site"])["site"]


def test_depends_on_asks_only_about_tags_not_yet_recorded(monkeypatch):
    asked = []
    real = cache.get_many

    def get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        return real(keys, *args, **kwargs)

    request = _get()
    request.cache_tags = {}
    depends_on(request, "a")
    monkeypatch.setattr(cache, "get_many", get_many)
    depends_on(request, "a")
    assert asked == []
    depends_on(request, "a", "b")
    assert asked[0] == ["version:b"]
    depends_on(_get(), "c")  # not a cached page: nothing asked
    assert len(asked) == 1 or asked[1:] == [["version:b"]]


# The timetable of scheduled publication


class _Timetable:
    """A timetable that counts how often it is asked."""

    def __init__(self, *, went_live=(), upcoming=None, complete=True):
        self.asked = []
        self.table = Timetable(list(went_live), upcoming, complete)

    def __call__(self, since, now):
        self.asked.append((since, now))
        return self.table


@pytest.mark.django_db(transaction=True)  # schedule_changed() waits for a commit
def test_the_timetable_is_asked_again_only_when_something_may_have_moved(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    settings.NEWSROOM_PAGE_STALE_SECONDS = 5
    table = _Timetable()
    register_schedule(table, lambda keys: [])
    page = _counting()
    with time_machine.travel(NOON, tick=False) as clock:
        page(_get())
        assert len(table.asked) == 1
        since, now = table.asked[0]
        assert now == NOON
        assert (now - since).total_seconds() == 300 + 5 + 60
        page(_get())
        assert len(table.asked) == 1
        schedule.schedule_changed()  # outside a transaction: at once
        page(_get())
        assert len(table.asked) == 2
        clock.shift(299)
        page(_get())
        assert len(table.asked) == 2
        clock.shift(1)  # the answer is kept for a page's lifetime
        page(_get())
        assert len(table.asked) == 3


def test_the_timetable_answer_is_used_until_a_save_may_have_moved_it():
    table = _Timetable(upcoming=NOON + timedelta(minutes=10))
    register_schedule(table, list)
    moment = NOON.timestamp()
    for _ in range(3):
        found = cache.get_many(list(schedule.KEYS))
        assert schedule.catch_up(found, moment) == moment + 600
    assert len(table.asked) == 1
    invalidate_now([schedule.SCHEDULE])
    schedule.catch_up(cache.get_many(list(schedule.KEYS)), moment)
    assert len(table.asked) == 2


@pytest.mark.django_db
def test_a_save_that_may_move_a_publication_has_the_timetable_asked_again(
    django_capture_on_commit_callbacks,
):
    table = _Timetable()
    register_schedule(table, list)
    moment = NOON.timestamp()
    schedule.catch_up(cache.get_many(list(schedule.KEYS)), moment)
    with django_capture_on_commit_callbacks(execute=True):
        schedule.schedule_changed()
    schedule.catch_up(cache.get_many(list(schedule.KEYS)), moment)
    assert len(table.asked) == 2


def test_one_request_asks_the_timetable_while_the_others_go_on():
    table = _Timetable(upcoming=NOON + timedelta(minutes=5))
    register_schedule(table, lambda keys: [])
    with time_machine.travel(NOON, tick=False):
        found = cache.get_many(list(schedule.KEYS))
        assert (
            schedule.catch_up(found, NOON.timestamp())
            == (NOON + timedelta(minutes=5)).timestamp()
        )
        cache.add(schedule.LOCK_KEY, 1, 60)  # another request is asking
        invalidate_now([schedule.SCHEDULE])
        found = cache.get_many(list(schedule.KEYS))
        upcoming = schedule.catch_up(found, NOON.timestamp())
        assert upcoming == (NOON + timedelta(minutes=5)).timestamp()  # as known
        assert len(table.asked) == 1
        cache.delete(schedule.STATE_KEY)
        assert schedule.catch_up({}, NOON.timestamp()) is None  # nothing known
        cache.delete(schedule.LOCK_KEY)
        assert schedule.catch_up({}, NOON.timestamp()) is not None
        assert cache.get(schedule.LOCK_KEY) is None  # released after asking
        assert len(table.asked) == 2


def test_the_next_publication_is_the_earliest_of_every_timetable():
    register_schedule(_Timetable(upcoming=NOON + timedelta(minutes=9)), list)
    register_schedule(_Timetable(upcoming=NOON + timedelta(minutes=4)), list)
    register_schedule(_Timetable(), list)
    moment = NOON.timestamp()
    assert schedule.catch_up({}, moment) == moment + 4 * 60


def test_a_timetable_answer_is_current_only_under_its_token_and_time():
    state = {"token": "t1", "next": 200.0, "until": 300.0}
    assert schedule._is_current(state, "t1", 199.0)
    assert not schedule._is_current(state, "t1", 200.0)  # the next one goes live
    assert not schedule._is_current({**state, "next": None}, "t1", 300.0)
    assert schedule._is_current({**state, "next": None}, "t1", 299.0)
    assert not schedule._is_current(state, "t2", 100.0)
    assert not schedule._is_current(state, None, 100.0)
    assert not schedule._is_current(None, "t1", 100.0)


def test_what_went_live_is_renewed_once_and_too_much_renews_everything():
    renewed = []
    table = _Timetable(went_live=["7@1", "8@1"])
    register_schedule(table, lambda keys: renewed.append(sorted(keys)) or ["p:7"])
    site_before = versions.read_versions(["site"])["site"]
    schedule.catch_up({}, NOON.timestamp())
    cache.delete(schedule.STATE_KEY)
    schedule.catch_up({}, NOON.timestamp())
    assert renewed == [["7@1", "8@1"]]  # the second look found them handled
    assert cache.get("went-live:7@1") == 1
    assert versions.read_versions(["site"])["site"] == site_before
    table.table = Timetable(["many@1"], None, complete=False)
    cache.delete(schedule.STATE_KEY)
    schedule.catch_up({}, NOON.timestamp())
    assert versions.read_versions(["site"])["site"] != site_before
    assert renewed == [["7@1", "8@1"]]


def test_headers_from_a_copy_go_out_spelt_as_usual():
    copy = copies.make_copy(_page(b"<p>page</p>" * 40), {"site": "1"}, 1000.0, 60)
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    sent = copies.respond(request, copy, "hit", (0, 5)).serialize_headers().decode()
    names = {line.partition(":")[0] for line in sent.split("\r\n")}
    assert {
        "Content-Encoding",
        "ETag",
        "Last-Modified",
        "Surrogate-Key",
        "Cache-Tag",
        "X-Cache",
    } <= names


def test_a_conditional_request_for_a_copy_gets_304():
    copy = copies.make_copy(_page(b"<p>page</p>" * 40), {}, 1_000_000.0, 60)

    def ask(**headers):
        return copies.respond(RequestFactory().get("/", **headers), copy, "hit", (0, 5))

    assert ask(HTTP_IF_NONE_MATCH=copy["etag"]).status_code == 304
    assert ask(HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
    assert (
        ask(HTTP_IF_MODIFIED_SINCE="Mon, 12 Jan 1970 13:46:40 GMT").status_code == 304
    )
    assert (
        ask(HTTP_IF_MODIFIED_SINCE="Mon, 12 Jan 1970 13:46:39 GMT").status_code == 200
    )
    not_modified = ask(HTTP_IF_NONE_MATCH=copy["etag"])
    assert not_modified.content == b""
    assert not_modified["ETag"] == copy["etag"]
    assert not_modified["X-Cache"] == "hit"


def test_a_response_from_a_copy_carries_the_copys_own_headers():
    copy = copies.make_copy(
        _page(b"<rss/>" * 60, "application/rss+xml; charset=utf-8"), {}, 1.0, 60
    )
    response = copies.respond(RequestFactory().get("/"), copy, "hit", (0, 5))
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response["ETag"] == copy["etag"]
    assert copies.accepted_encodings("br;q==1, gzip") == ["gzip"]  # a garbled weight


def test_a_tag_version_outlives_the_default_timeout_and_ends_after_a_day(
    memory, settings
):
    settings.NEWSROOM_CACHE_MAX_SECONDS = 3 * 24 * 60 * 60
    with time_machine.travel(NOON, tick=False) as clock:
        invalidate_now(["front"])
        clock.shift(24 * 60 * 60 - 1)
        assert versions.current_versions(["front"])
        clock.shift(2)
        assert versions.current_versions(["front"]) == {}


def test_with_the_cache_down_the_view_gets_its_request_and_arguments(monkeypatch):
    seen = {}

    @public_page(query=())
    def page(request, year, slug=None):
        seen.update(request=request, year=year, slug=slug)
        return HttpResponse("page")

    monkeypatch.setattr(cache, "get_many", _unreachable)
    request = _get()
    page(request, "2025", slug="tides")
    assert seen == {"request": request, "year": "2025", "slug": "tides"}


def test_a_waiting_reader_takes_a_copy_stored_the_moment_it_began(clock):
    clock.sleep = lambda seconds: clock.during_wait(clock.looks)  # time stands still
    reader = _counting()
    _lock()

    def holder_stores(looks):
        clock.looks += 1
        if clock.looks == 1:
            cache.delete(f"lock:{_key()}")
            _counting()(_get())  # stored at the very moment the reader began
            _lock()
        elif clock.looks == 50:
            cache.delete(f"lock:{_key()}")  # else it would wait for ever

    clock.during_wait = holder_stores
    answer = reader(_get())
    assert (answer["X-Cache"], clock.looks) == ("hit", 1)


def test_a_reader_that_takes_over_the_lock_holds_it_while_it_renders(
    memory, clock, settings
):
    settings.NEWSROOM_PAGE_STALE_SECONDS = 4
    held = {}

    @public_page(query=())
    def page(request):
        lock = f"lock:{_key()}"
        held["during"] = cache.get(lock)
        with time_machine.travel(time.time() + 3.5):
            held["later"] = cache.get(lock)
        with time_machine.travel(time.time() + 4.5):
            held["lapsed"] = cache.get(lock)
        return HttpResponse("page")

    _lock()
    clock.during_wait = lambda looks: looks == 2 and cache.delete(f"lock:{_key()}")
    page(_get())
    assert held["during"] is not None and held["during"] != "another request"
    assert held["later"] == held["during"]
    assert held["lapsed"] is None


def _lives(key: str, at_least: float, at_most: float) -> None:
    """``key`` is still in the cache ``at_least`` seconds from now, gone ``at_most``."""
    with time_machine.travel(time.time() + at_least):
        assert cache.get(key) is not None, key
    with time_machine.travel(time.time() + at_most):
        assert cache.get(key) is None, key


def test_a_stored_page_stays_reachable_its_lifetime_and_the_lock_time(memory, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.NEWSROOM_PAGE_STALE_SECONDS = 5
    _counting()(_get())
    _lives(_key(), 604, 606)


def test_the_lock_of_the_first_renderer_lapses_after_the_stale_bound(memory, settings):
    settings.NEWSROOM_PAGE_STALE_SECONDS = 4
    checked = []

    @public_page(query=())
    def page(request):
        _lives(f"lock:{_key()}", 3.5, 4.5)
        checked.append(True)
        return HttpResponse("page")

    page(_get())
    assert checked


def test_keyword_arguments_reach_the_view():
    @public_page(query=())
    def page(request, year, slug=None):
        return HttpResponse(f"{year} {slug}")

    assert page(_get(), "2025", slug="tides").content == b"2025 tides"


def test_a_page_whose_change_marker_cannot_be_read_is_not_stored(monkeypatch):
    real = cache.get_many

    def get_many(keys, *args, **kwargs):
        if versions.CHANGES_KEY in keys:
            raise ConnectionRefusedError("cache is down")
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    response = _counting()(_get())
    assert _cache_control(response) == {"private", "no-cache"}
    monkeypatch.undo()
    assert cache.get(_key()) is None


def test_a_page_whose_change_marker_is_lost_while_it_renders_is_kept_stale(
    monkeypatch,
):
    real = cache.get_many
    lost = {"now": False}

    def get_many(keys, *args, **kwargs):
        if lost["now"] and versions.CHANGES_KEY in keys:
            raise ConnectionRefusedError("cache is down")
        return real(keys, *args, **kwargs)

    @public_page(query=())
    def page(request):
        lost["now"] = True  # from now on, while this page renders
        return HttpResponse("page")

    monkeypatch.setattr(cache, "get_many", get_many)
    assert page(_get())["X-Cache"] == "miss"
    copy = cache.get(_key())
    assert copy["fresh_until"] == copy["stored_at"]


def test_compressed_bodies_are_the_same_for_the_same_page_at_any_time():
    import brotli

    body = b"<p>the same page</p>" * 40
    with time_machine.travel(NOON, tick=False):
        first = copies.make_copy(_page(body), {}, 1.0, 60)["bodies"]
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        later = copies.make_copy(_page(body), {}, 2.0, 60)["bodies"]
    assert first == later
    assert first["gzip"][4:8] == b"\0\0\0\0"  # no time stamp in the gzip header
    assert first["gzip"] == gzip.compress(body, copies.GZIP_LEVEL, mtime=0)
    assert first["br"] == brotli.compress(body, quality=copies.BROTLI_QUALITY)
    assert brotli.decompress(first["br"]) == body


def test_the_timetable_lock_lapses_if_its_request_dies(memory):
    checked = []

    def timetable(since, now):
        _lives(
            schedule.LOCK_KEY, schedule.LOCK_SECONDS - 0.5, schedule.LOCK_SECONDS + 0.5
        )
        checked.append(True)
        return Timetable([], None)

    register_schedule(timetable, list)
    schedule.catch_up({}, time.time())
    assert checked


def test_the_timetable_answer_and_its_marks_live_as_long_as_copies_can(
    memory, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.NEWSROOM_PAGE_STALE_SECONDS = 5
    register_schedule(_Timetable(went_live=["9@1"]), lambda keys: ["p:9"])
    schedule.catch_up({}, time.time())
    _lives(schedule.STATE_KEY, 599, 601)
    _lives("went-live:9@1", 600 + 5 + 59, 600 + 5 + 61)


def test_a_version_made_when_first_read_lives_a_day(memory, settings):
    settings.NEWSROOM_CACHE_MAX_SECONDS = 3 * 24 * 60 * 60
    versions.read_versions(["fresh-tag"])
    versions.changes_version()
    day = 24 * 60 * 60
    _lives("version:fresh-tag", day - 1, day + 1)
    _lives(versions.CHANGES_KEY, day - 1, day + 1)


def test_the_timetable_looks_back_to_its_last_look_however_long_ago():
    table = _Timetable()
    register_schedule(table, list)
    moment = NOON.timestamp()
    schedule.catch_up({}, moment)  # nothing known: as far as copies may be served
    assert table.asked[0][0].timestamp() == moment - schedule.window_seconds()
    found = cache.get_many(list(schedule.KEYS))
    later = moment + 3 * 60 * 60  # no request for three hours
    schedule.catch_up(found, later)
    assert table.asked[1][0].timestamp() == moment - schedule.CLOCK_MARGIN_SECONDS
    # An answer kept by an older release, without the time of its look.
    old = {"token": "t", "next": None, "until": later - 1}
    schedule.catch_up({schedule.STATE_KEY: old}, later)
    assert table.asked[2][0].timestamp() == later - schedule.window_seconds()


def _asked_for_versions(monkeypatch) -> list[str]:
    """Tag versions read from now on (not CHANGES, not the timetable's keys)."""
    asked: list[str] = []
    real = cache.get_many

    def get_many(keys, *args, **kwargs):
        asked.extend(
            key
            for key in keys
            if key.startswith("version:")
            and key != versions.CHANGES_KEY
            and key not in schedule.KEYS
        )
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    return asked


def test_a_fresh_copy_is_checked_with_remembered_versions_until_something_changes(
    monkeypatch,
):
    _counting("a", "b", "c")(_get())
    assert pages.fresh_copy_response(_get())["X-Cache"] == "hit"  # read, remembered
    asked = _asked_for_versions(monkeypatch)
    assert pages.fresh_copy_response(_get())["X-Cache"] == "hit"
    assert asked == []
    invalidate_now(["b"])
    assert pages.fresh_copy_response(_get()) is None
    assert set(asked) == {"version:site", "version:a", "version:b", "version:c"}


def test_a_reader_in_the_middle_of_a_renewal_does_not_keep_the_old_versions(
    monkeypatch,
):
    _counting("a")(_get())
    assert pages.fresh_copy_response(_get())["X-Cache"] == "hit"
    real = cache.set_many

    def set_many(data, *args, **kwargs):
        # The change marker is written first; a reader comes before the tags.
        real({versions.CHANGES_KEY: data[versions.CHANGES_KEY]}, *args, **kwargs)
        assert pages.fresh_copy_response(_get())["X-Cache"] == "hit"
        return real(data, *args, **kwargs)

    monkeypatch.setattr(cache, "set_many", set_many)
    invalidate_now(["a"])
    monkeypatch.undo()
    assert pages.fresh_copy_response(_get()) is None


def test_a_copy_made_with_a_version_made_afresh_is_a_hit_everywhere(monkeypatch):
    page = _counting("a")
    page(_get())
    assert pages.fresh_copy_response(_get())["X-Cache"] == "hit"  # remembered
    # The version and the copy are evicted; the page is stored again with a
    # version made afresh (as another process would).
    cache.delete("version:a")
    cache.delete(_key())
    assert page(_get())["X-Cache"] == "miss"
    assert pages.fresh_copy_response(_get())["X-Cache"] == "hit"
    asked = _asked_for_versions(monkeypatch)
    assert pages.fresh_copy_response(_get())["X-Cache"] == "hit"
    assert asked == []  # the new version is the one remembered now


def test_the_versions_a_process_remembers_are_bounded(monkeypatch):
    monkeypatch.setattr(versions, "_SEEN_AT_MOST", 3)
    versions.changes_version()
    versions.read_versions(["a", "b", "c", "d"])
    versions.still_current({"a": "?", "b": "?", "c": "?"}, None)
    versions.still_current({"d": "?"}, None)
    assert len(versions._seen[1]) <= 3
    assert versions._seen[0] == versions.changes_version()
