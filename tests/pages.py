"""Helpers for reading rendered pages in tests."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld_blocks(html: str) -> dict[str, dict]:
    """The page's JSON-LD objects, keyed by their @type."""
    blocks = [json.loads(raw) for raw in _JSON_LD.findall(html)]
    return {block["@type"]: block for block in blocks}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.toc_links: list[str] = []
        self._in_toc = 0
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        classes = (attributes.get("class") or "").split()
        if tag == "nav" and "toc" in classes:
            self._in_toc = 1
        elif self._in_toc and tag == "nav":
            self._in_toc += 1
        if self._in_toc and tag == "a" and attributes.get("href", "").startswith("#"):
            self.toc_links.append(attributes["href"][1:])

    def handle_endtag(self, tag):
        if self._in_toc and tag == "nav":
            self._in_toc -= 1


def parse_page(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def elements(html: str, tag: str, **attributes: str) -> list[dict]:
    """Attributes of every ``tag`` element whose attributes include ``attributes``."""
    return [
        attrs
        for name, attrs in parse_page(html).elements
        if name == tag and all(attrs.get(k) == v for k, v in attributes.items())
    ]
