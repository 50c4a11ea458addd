"""Strict readers for the feeds and sitemaps the site serves, shared by their tests."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import feedparser
from lxml import etree

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
W3C_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?\Z"
)


def xml_root(response) -> etree._Element:
    """The parsed document; lxml refuses anything that is not well-formed XML."""
    assert response.status_code == 200, response.status_code
    return etree.fromstring(response.content, etree.XMLParser(resolve_entities=False))


def parse_feed(response) -> feedparser.FeedParserDict:
    """The feed as a strict feed reader sees it; fails on any complaint."""
    xml_root(response)
    parsed = feedparser.parse(
        response.content,
        response_headers={"content-type": response["Content-Type"]},
    )
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


@cache
def _sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(Path(__file__).with_name("sitemap.xsd")))


def sitemap_entries(response, kind: str = "urlset") -> list[tuple[str, str | None]]:
    """(loc, lastmod) of each entry of a valid ``urlset`` or ``sitemapindex``."""
    assert response["Content-Type"].startswith("application/xml")
    root = xml_root(response)
    assert root.tag == f"{{{SITEMAP_NS}}}{kind}"
    schema = _sitemap_schema()
    assert schema.validate(root), schema.error_log
    entries = []
    for entry in root:
        loc = entry.findtext(f"{{{SITEMAP_NS}}}loc")
        lastmod = entry.findtext(f"{{{SITEMAP_NS}}}lastmod")
        entries.append((loc, lastmod))
    return entries


def parse_w3c(value: str) -> date | datetime:
    """A W3C Datetime as a date (date-only values) or an aware datetime."""
    assert W3C_DATETIME.match(value), value
    if "T" not in value:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_lastmod(value: str | None, expected: datetime) -> None:
    """``value`` states ``expected`` at the precision it is written in."""
    assert value is not None
    stated = parse_w3c(value)
    if isinstance(stated, datetime):
        assert stated == expected.replace(microsecond=0), (value, expected)
    else:
        assert stated == expected.astimezone(UTC).date(), (value, expected)
