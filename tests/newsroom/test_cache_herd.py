"""No thundering herd: many readers of a page that is missing, expired or changed cause one render.

The views here need no database; a hundred threads wait at a barrier and ask
for the same page at once, and the renders are counted.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from newsroom.caching import depends_on, invalidate_now, public_page, schedule
from newsroom.caching.pages import page_key

READERS = 100


class Counted:
    """A public page showing tag ``probe``, which counts its renders."""

    def __init__(self, *, seconds: float = 0.3, status: int = 200, until=None) -> None:
        self.renders = 0
        self.seconds = seconds
        self.status = status
        self.until = until  # an Event: the render ends when it is set
        self._lock = threading.Lock()
        self.view = public_page(query=())(self._render)

    def _render(self, request):
        depends_on(request, "probe")
        with self._lock:
            self.renders += 1
            number = self.renders
        if self.until is not None and number > 1:
            self.until.wait(10)
        else:
            time.sleep(self.seconds)  # a render long enough for everyone to arrive
        return HttpResponse(f"render {number}", status=self.status)

    def get(self):
        return self.view(RequestFactory().get("/probe/"))


def _all_at_once(page: Counted, answered: threading.Event | None = None) -> list:
    barrier = threading.Barrier(READERS)
    served = []

    def read(_):
        barrier.wait()
        answer = page.get()
        served.append(answer)
        if answered is not None and len(served) == READERS - 1:
            answered.set()  # everyone but the renderer has an answer
        return answer

    with ThreadPoolExecutor(READERS) as pool:
        return list(pool.map(read, range(READERS)))


@pytest.fixture(autouse=True)
def _bounds(settings, monkeypatch):
    monkeypatch.setattr(schedule, "_sources", [])  # no articles: no database
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.NEWSROOM_PAGE_STALE_SECONDS = 5


def test_a_hundred_readers_of_a_page_not_yet_stored_cause_one_render():
    page = Counted()
    answers = _all_at_once(page)
    assert page.renders == 1
    assert {a.content for a in answers} == {b"render 1"}
    outcomes = sorted(a["X-Cache"] for a in answers)
    assert outcomes == ["hit"] * (READERS - 1) + ["miss"]


def test_a_hundred_readers_of_a_changed_page_get_the_old_copy_while_one_renders():
    # The new render ends only once the 99 others have their answer.
    answered = threading.Event()
    page = Counted(until=answered)
    page.get()
    invalidate_now(["probe"])
    answers = _all_at_once(page, answered)
    assert page.renders == 2
    assert sorted(a.content for a in answers) == [b"render 1"] * (READERS - 1) + [
        b"render 2"
    ]
    stale = [a for a in answers if a["X-Cache"] == "stale"]
    assert len(stale) == READERS - 1
    # Proxies must not keep a stale copy.
    assert "s-maxage=0" in stale[0]["Cache-Control"]
    assert page.get().content == b"render 2"


def test_a_hundred_readers_of_an_expired_page_cause_one_render(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 60
    page = Counted()
    page.get()
    with time_machine.travel(time.time() + 61, tick=True):
        answers = _all_at_once(page)
    assert page.renders == 2
    assert sorted(a["X-Cache"] for a in answers).count("miss") == 1


def test_a_stale_copy_is_served_only_within_the_bound_after_the_change(settings):
    settings.NEWSROOM_PAGE_STALE_SECONDS = 1
    page = Counted(seconds=0)
    page.get()
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        invalidate_now(["probe"])
        # Another request is rendering the page (it holds the lock).
        lock = f"lock:{page_key(RequestFactory().get('/probe/'))}"
        cache.add(lock, "another request", 60)
        clock.shift(0.5)
        assert page.get()["X-Cache"] == "stale"
        clock.shift(1)  # past the bound: this reader waits, then renders
        answer = page.get()
    assert (answer["X-Cache"], answer.content) == ("miss", b"render 2")


def test_the_lock_of_a_request_that_died_lapses(settings):
    settings.NEWSROOM_PAGE_STALE_SECONDS = 2
    page = Counted(seconds=0)
    lock = f"lock:{page_key(RequestFactory().get('/probe/'))}"
    with time_machine.travel(time.time(), tick=False) as clock:
        cache.add(lock, "a request that died", 2)
        clock.shift(2.5)
        assert page.get()["X-Cache"] == "miss"
    assert page.renders == 1


def test_a_page_that_stops_being_kept_is_never_served_stale_again():
    page = Counted(seconds=0)
    page.get()
    invalidate_now(["probe"])
    page.status = 404  # unpublished: the old copy must go
    assert page.get().status_code == 404
    lock = f"lock:{page_key(RequestFactory().get('/probe/'))}"
    cache.add(lock, "another request", 60)
    # Readers do not queue behind the lock either: each renders for itself.
    started = time.monotonic()
    assert page.get().status_code == 404
    assert time.monotonic() - started < 1
    assert page.renders == 3


def test_readers_waiting_for_a_page_that_cannot_be_kept_render_it_themselves():
    page = Counted(seconds=0.3, status=404)
    answers = _all_at_once(page)
    assert {a.status_code for a in answers} == {404}
    # The first renders under the lock; the rest stop waiting once it
    # reports the page is not kept, and render side by side.
    assert page.renders == READERS
