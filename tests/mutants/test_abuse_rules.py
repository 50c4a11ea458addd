"""Posting protections (comments/abuse.py): who the reader is, where a post came from, how often.

Written for the mutants that survived ``make mutants`` (docs/mutants.md).
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from comments.abuse import client_ip, parse_rate, rate_limited, request_origin_verdict

# The start of a rate-limit window for every period used here.
WINDOW_START = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("rate", ["0/m", "often", "5/fortnight"])
def test_a_rate_that_lets_nothing_through_or_means_nothing_is_refused(rate):
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_rate(rate)
    assert str(refused.value) == (
        f"NEWSROOM_COMMENT_RATE must look like 5/m or 20/h, not {rate!r}."
    )


def _request(remote="203.0.113.5", **meta):
    return RequestFactory().post("/comments/1/post/", REMOTE_ADDR=remote, **meta)


def test_without_the_proxy_header_the_connection_address_counts(settings):
    settings.NEWSROOM_CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_ip(_request("198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize(
    "forwarded",
    [
        "192.0.2.1, 192.0.2.2, 203.0.113.9",
        "192.0.2.1,192.0.2.2,203.0.113.9",
        "192.0.2.1 , 203.0.113.9 ,",
    ],
    ids=["spaced", "unspaced", "trailing-comma"],
)
def test_only_the_address_the_trusted_proxy_appended_counts(settings, forwarded):
    # Whatever the reader put in the header themselves comes before it.
    settings.NEWSROOM_CLIENT_IP_HEADER = "X-Forwarded-For"
    request = _request("10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == "203.0.113.9"


def test_an_address_with_a_zone_is_no_public_address():
    assert client_ip(_request("fe80::1%eth0")) is None


def test_an_ipv4_address_in_ipv6_form_is_the_same_reader():
    assert client_ip(_request("::ffff:203.0.113.5")) == "203.0.113.5"


def _origin(origin: str):
    return request_origin_verdict(_request(HTTP_ORIGIN=origin))


def test_the_configured_site_address_is_our_own_origin(settings):
    # Behind a proxy the Host header may name an internal address.
    settings.NEWSROOM_BASE_URL = "https://News.Example"
    assert _origin("https://news.example") is True
    assert _origin("https://news.example.evil.example") is False


def test_trusted_origins_are_matched_whatever_their_case(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://Partner.Example"]
    assert _origin("https://partner.example") is True
    assert _origin("https://other.example") is False


@pytest.fixture
def window():
    with time_machine.travel(WINDOW_START, tick=False) as traveller:
        yield traveller


def test_a_reader_without_an_address_is_still_limited_by_email(settings, window):
    settings.NEWSROOM_COMMENT_RATE = "2/m"
    assert rate_limited(None, "email:ada@example.com") == 0
    assert rate_limited(None, "email:ada@example.com") == 0
    assert rate_limited(None, "email:ada@example.com") == 61


def test_short_windows_still_limit(settings, window):
    settings.NEWSROOM_COMMENT_RATE = "2/5s"
    assert [rate_limited("address:203.0.113.5") for _ in range(3)] == [0, 0, 6]


def test_counts_last_the_whole_of_a_long_window(settings, window):
    settings.NEWSROOM_COMMENT_RATE = "2/h"
    assert rate_limited("address:203.0.113.5") == 0
    window.shift(timedelta(minutes=30))
    assert rate_limited("address:203.0.113.5") == 0
    assert rate_limited("address:203.0.113.5") == 30 * 60 + 1


def test_a_counter_lost_from_the_cache_does_not_stop_the_others(
    settings, window, monkeypatch
):
    settings.NEWSROOM_COMMENT_RATE = "1/m"
    real_incr = cache.incr

    def incr(key, *args, **kwargs):
        if key.startswith("comments:rate:address:"):
            raise ValueError("evicted")
        return real_incr(key, *args, **kwargs)

    monkeypatch.setattr(cache, "incr", incr)
    assert rate_limited("address:203.0.113.5", "email:ada@example.com") == 0
    assert rate_limited("address:203.0.113.5", "email:ada@example.com") == 61


def test_an_unreachable_cache_never_blocks_posting(settings, monkeypatch):
    settings.NEWSROOM_COMMENT_RATE = "1/m"

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("cache is down")

    monkeypatch.setattr(cache, "add", unreachable)
    assert rate_limited("address:203.0.113.5", "email:ada@example.com") == 0


def test_a_rate_counter_leaves_the_cache_soon_after_its_window(settings, window):
    if "LocMemCache" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("only the process-memory cache follows the test's clock")
    # One counter per reader per window: kept any longer, they pile up.
    settings.NEWSROOM_COMMENT_RATE = "2/m"
    rate_limited("address:198.51.100.23")
    minute = int(WINDOW_START.timestamp()) // 60
    counter = f"comments:rate:address:198.51.100.23:{minute}"
    assert cache.get(counter) == 1
    window.shift(timedelta(minutes=2))
    assert cache.get(counter) is None
