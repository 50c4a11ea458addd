"""The shared feed machinery and site addresses, without the database."""

import logging
import threading

import pytest
from django.test import RequestFactory
from django.utils.functional import lazy
from lxml import etree

from newsroom.site import absolute_url, site_root, site_root_outside_request
from newsroom.syndication import AtomFeed, NewsFeed, RssFeed, atom, xml_safe

# Every character XML 1.0 forbids, by kind; tab, newline and CR are allowed.
FORBIDDEN = (
    "\x00\x01\x08\x0b\x0c\x0e\x1f"  # C0 controls
    "\ud800\udbff\udc00\udfff"  # lone surrogates
    "\ufffe\uffff"  # the two non-characters
)


def test_xml_safe_drops_exactly_what_xml_forbids():
    allowed = "Tab\tnew\nline\rcarriage ‘quoted’ 😀 שלום \x7f\x85\ufffd\ue000"

    assert xml_safe(FORBIDDEN) == ""
    assert xml_safe(allowed) == allowed
    assert xml_safe("A\x00B\x0bC\ud800D\uffffE") == "ABCDE"


def written(feed) -> etree._Element:
    """The feed as a strict XML parser reads it."""
    return etree.fromstring(feed.writeString("utf-8").encode())


def feed_with_item(feed_type, **item):
    feed = feed_type(
        title=lazy(lambda: f"Desk{FORBIDDEN} & <news>", str)(),
        link="https://news.example/",
        description="About the desk.",
    )
    feed.add_item(
        link="https://news.example/a/",
        description="Text.",
        categories=[f"Tag{FORBIDDEN}", "Q&A"],
        **item,
    )
    return feed


@pytest.mark.parametrize("feed_type", [RssFeed, AtomFeed], ids=["rss", "atom"])
def test_writers_drop_forbidden_characters_everywhere(feed_type):
    feed = feed_with_item(
        feed_type,
        title=f"Title{FORBIDDEN}",
        author_names=[f"Ada{FORBIDDEN}", "Grace <b>"],
    )

    output = feed.writeString("utf-8")

    assert not any(character in output for character in FORBIDDEN)
    document = etree.fromstring(output.encode())  # well-formed, or lxml refuses it
    channel = document if feed_type is AtomFeed else document.find("channel")
    item = channel.find("{*}entry" if feed_type is AtomFeed else "item")
    assert channel.findtext("{*}title") == "Desk & <news>"
    assert item.findtext("{*}title") == "Title"
    terms = [
        element.get("term") or element.text for element in item.iter("{*}category")
    ]
    assert terms == ["Tag", "Q&A"]


def test_rss_writer_escapes_item_titles_once():
    feed = feed_with_item(RssFeed, title="Q&A: <br> tags")

    title = written(feed).findtext("channel/item/title")

    assert title == "Q&amp;A: &lt;br&gt; tags"


def test_atom_writer_keeps_item_titles_as_text():
    feed = feed_with_item(AtomFeed, title="Q&A: <br> tags")

    entry = written(feed).find("{*}entry")

    assert entry.findtext("{*}title") == "Q&A: <br> tags"
    assert entry.find("{*}title").get("type") is None  # Atom's default: text


@pytest.mark.parametrize("feed_type", [RssFeed, AtomFeed], ids=["rss", "atom"])
def test_writers_name_every_author(feed_type):
    feed = feed_with_item(feed_type, title="T", author_names=["Ada", "Grace <b>"])

    document = written(feed)

    if feed_type is RssFeed:
        names = [
            e.text for e in document.iter("{http://purl.org/dc/elements/1.1/}creator")
        ]
    else:
        names = [e.text for e in document.iterfind("{*}entry/{*}author/{*}name")]
    assert names == ["Ada", "Grace <b>"]


class HostFeed(NewsFeed):
    """Links built from the request: the two requests below must not see each other's."""

    title = "Hosts"
    description = "Where each request came from."
    started = threading.Barrier(2, timeout=10)

    def link(self) -> str:
        return self.absolute("/")

    def items(self) -> list[str]:
        # Both requests are inside the one feed instance before either goes on.
        self.started.wait()
        return ["story"]

    def item_title(self, item: str) -> str:
        return item

    def item_link(self, item: str) -> str:
        return self.absolute(f"/{item}/")

    def item_guid(self, item: str) -> str:
        return self.absolute(f"/{item}/#id")


def test_one_feed_instance_serves_concurrent_requests_apart():
    feed = HostFeed()
    factory = RequestFactory()
    requests = {
        "http://localhost": factory.get("/feed/", HTTP_HOST="localhost"),
        "https://127.0.0.1:8443": factory.get(
            "/feed/", HTTP_HOST="127.0.0.1:8443", secure=True
        ),
    }
    links = {}

    def serve(root: str) -> None:
        document = etree.fromstring(feed(requests[root]).content)
        links[root] = [
            document.findtext("channel/link"),
            document.findtext("channel/item/link"),
            document.findtext("channel/item/guid"),
        ]

    threads = [threading.Thread(target=serve, args=(root,)) for root in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert links == {
        root: [f"{root}/", f"{root}/story/", f"{root}/story/#id"] for root in requests
    }
    assert not hasattr(feed, "request")


def test_feed_addresses_exist_only_while_a_feed_is_written():
    with pytest.raises(LookupError):
        HostFeed().absolute("/")


def test_atom_twin_keeps_the_feed_and_changes_the_format():
    twin = atom(HostFeed)

    assert issubclass(twin, HostFeed)
    assert twin.__name__ == "HostFeedAtom"
    assert twin.feed_type is AtomFeed
    assert twin.subtitle == HostFeed.description
    assert twin().is_atom()
    assert not HostFeed().is_atom()


def test_site_root_prefers_the_configured_base_url(settings):
    settings.NEWSROOM_BASE_URL = "https://news.example"
    request = RequestFactory().get("/", HTTP_HOST="localhost")

    assert site_root(request) == "https://news.example"
    assert absolute_url(request, "/world/") == "https://news.example/world/"


def test_site_root_is_the_requests_scheme_and_host(settings):
    settings.NEWSROOM_BASE_URL = ""
    factory = RequestFactory()

    assert site_root(factory.get("/", HTTP_HOST="localhost:8000")) == (
        "http://localhost:8000"
    )
    assert site_root(factory.get("/", HTTP_HOST="localhost", secure=True)) == (
        "https://localhost"
    )


def test_absolute_url_leaves_absolute_addresses_alone(settings):
    settings.NEWSROOM_BASE_URL = "https://news.example"
    request = RequestFactory().get("/")

    assert absolute_url(request, "https://cdn.example/a.png") == (
        "https://cdn.example/a.png"
    )
    assert absolute_url(request, "http://cdn.example/a.png") == (
        "http://cdn.example/a.png"
    )


def test_outside_a_request_the_base_url_comes_first(settings, caplog):
    settings.NEWSROOM_BASE_URL = "https://news.example"
    settings.DEBUG = False

    with caplog.at_level(logging.WARNING):
        assert site_root_outside_request() == "https://news.example"
    assert caplog.records == []


@pytest.mark.parametrize(
    ("hosts", "https", "root"),
    [
        (
            [".example.org", "*", "", "news.example", "other.example"],
            False,
            "http://news.example",
        ),
        (["news.example"], True, "https://news.example"),
        (["*"], False, "http://localhost"),
        ([], True, "https://localhost"),
    ],
)
def test_outside_a_request_without_base_url_the_first_named_host(
    settings, caplog, hosts, https, root
):
    settings.NEWSROOM_BASE_URL = ""
    settings.ALLOWED_HOSTS = hosts
    settings.NEWSROOM_HTTPS = https
    settings.DEBUG = False

    with caplog.at_level(logging.WARNING, logger="newsroom.site"):
        assert site_root_outside_request() == root
    # Production should set NEWSROOM_BASE_URL: say so, with what was used instead.
    (record,) = caplog.records
    assert root in record.getMessage()


def test_outside_a_request_a_development_machine_is_not_warned(settings, caplog):
    settings.NEWSROOM_BASE_URL = ""
    settings.DEBUG = True

    with caplog.at_level(logging.WARNING, logger="newsroom.site"):
        assert site_root_outside_request() == "http://testserver"
    assert caplog.records == []
