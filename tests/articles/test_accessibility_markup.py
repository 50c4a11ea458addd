"""Accessibility in the markup of every public page (no browser needed).

What assistive technology relies on: a language, one h1 and headings in
order, landmarks with distinct names, labelled controls, alt text, tables a
screen reader can navigate, and link text that says where it goes.
"""

from __future__ import annotations

import io
import itertools

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from articles.models import Correction, Section
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_faq_item,
    make_section,
    make_table,
)

pytestmark = pytest.mark.django_db

VAGUE_LINK_TEXT = {"click here", "here", "read more", "more", "link", "this"}


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), "#3a6ea5").save(buffer, format="JPEG")
    return SimpleUploadedFile("harbour.jpg", buffer.getvalue(), "image/jpeg")


@pytest.fixture
def site_pages(db, settings, tmp_path) -> dict[str, str]:
    """Paths of one page of each kind, filled with everything they can show."""
    settings.MEDIA_ROOT = tmp_path
    category = make_category(
        name="World", slug="world", description="News from abroad."
    )
    author = make_author(name="Amelia Hart", slug="amelia-hart", role="Correspondent")
    article = make_article(
        title="Harbour reopens after the storm",
        standfirst="Ships return to the port a week after the flood.",
        dateline="Lisbon",
        category=category,
        authors=[author, make_author()],
        tags=["Storms", "Shipping"],
        sections=0,
        comment_prompt="Share your thoughts: was the port ready?",
        lead_image=_photo(),
        lead_image_alt="Cranes on the quay at dawn",
        lead_image_caption="The quay on Monday.",
    )
    Correction.objects.create(
        article=article,
        kind=Correction.Kind.CORRECTION,
        text="Corrected the number of ships.",
        noted_at=timezone.now(),
    )
    make_section(
        article, heading="", body="The harbour reopened on Monday.", position=0
    )
    facts = make_section(
        article,
        heading="The damage",
        body="See [the port's report](https://example.org/report).",
        position=1,
    )
    make_section(
        article,
        heading="Did you know?",
        kind=Section.Kind.CALLOUT,
        body="The port is 700 years old.",
        position=2,
    )
    make_section(article, heading="What comes next", body="Repairs.", position=3)
    make_table(
        article,
        section=facts,
        caption="Ships by berth",
        is_first_column_header=True,
        rows=[["Berth", "Ships"], ["North", "4"], ["South", "7"]],
    )
    make_faq_item(article, question="When did it reopen?", answer="On Monday.")
    article.refresh_derived_text()
    for _ in range(21):
        make_article(category=category, authors=[author], tags=["Shipping"])
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "category page 2": category.get_absolute_url() + "?page=2",
        "article": article.get_absolute_url(),
        "tag": "/tags/shipping/",
        "author": author.get_absolute_url(),
        "not found": "/world/no-such-story/",
        "search": "/search/?q=harbour",
        "search with a bad filter": "/search/?q=harbour&from=31.12.2024",
    }


def _get(client, path: str) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code in (200, 400, 404), path
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def site_docs(anon, site_pages) -> dict[str, lxml.html.HtmlElement]:
    return {name: _get(anon, path) for name, path in site_pages.items()}


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _accessible_name(doc, element) -> str:
    """The name a screen reader announces, for the cases these pages use."""
    if element.get("aria-labelledby"):
        return " ".join(
            _text(doc.get_element_by_id(ref))
            for ref in element.get("aria-labelledby").split()
        )
    if element.get("aria-label"):
        return element.get("aria-label").strip()
    own = _text(element)
    images = " ".join(img.get("alt", "") for img in element.iter("img"))
    return " ".join(f"{own} {images}".split())


def test_page_declares_language_and_has_one_h1(site_docs):
    for name, doc in site_docs.items():
        assert doc.get("lang") == "en-GB", name
        headings = doc.xpath("//h1")
        assert len(headings) == 1, name
        assert _text(headings[0]), name
        assert _text(doc.find(".//title")), name


def test_headings_never_skip_a_level(site_docs):
    for name, doc in site_docs.items():
        levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
        assert levels[0] == 1, f"{name}: the first heading is not the h1"
        for previous, current in itertools.pairwise(levels):
            assert current <= previous + 1, f"{name}: {levels}"


def test_page_has_landmarks_and_a_skip_link(site_docs):
    for name, doc in site_docs.items():
        body = doc.body
        assert body.xpath("./header[contains(@class, 'site-header')]"), name
        assert body.xpath("./footer[contains(@class, 'site-footer')]"), name
        main = body.xpath("./main")
        assert len(main) == 1 and main[0].get("id") == "main", name
        assert doc.xpath("//nav[@aria-label='Categories']//a"), name
        first_link = body.xpath(".//a")[0]
        assert first_link.get("href") == "#main", name
        assert "skip" in _text(first_link).lower(), name


def test_repeated_landmarks_have_distinct_names(site_docs):
    for name, doc in site_docs.items():
        for tag in ("nav", "aside"):
            names = [_accessible_name(doc, el) for el in doc.iter(tag)]
            if len(names) > 1:
                assert all(names), f"{name}: an unnamed <{tag}> among {names}"
                assert len(set(names)) == len(names), f"{name}: {names}"
        names = [_accessible_name(doc, el) for el in doc.xpath("//*[@role='search']")]
        assert len(set(names)) == len(names), f"{name}: {names}"


def test_every_control_has_a_label(site_docs):
    for name, doc in site_docs.items():
        for control in doc.xpath("//input|//select|//textarea"):
            if control.get("type") in ("hidden", "submit", "button"):
                continue
            for_id = control.get("id")
            labelled = doc.xpath(f"//label[@for='{for_id}']") if for_id else []
            assert (
                labelled or control.get("aria-label") or control.get("aria-labelledby")
            ), f"{name}: {lxml.html.tostring(control)}"
        for button in doc.xpath("//button"):
            assert _accessible_name(doc, button), name


def test_links_and_images_say_what_they_are(site_docs):
    for name, doc in site_docs.items():
        for link in doc.xpath("//a[@href]"):
            text = _accessible_name(doc, link)
            assert text, f"{name}: {lxml.html.tostring(link)}"
            assert text.lower() not in VAGUE_LINK_TEXT, f"{name}: {text}"
        for image in doc.xpath("//img"):
            assert image.get("alt") is not None, name


def test_ids_are_unique_and_references_resolve(site_docs):
    for name, doc in site_docs.items():
        ids = [el.get("id") for el in doc.xpath("//*[@id]")]
        assert len(ids) == len(set(ids)), name
        for element in doc.xpath("//*[@aria-labelledby]"):
            for ref in element.get("aria-labelledby").split():
                assert ref in ids, f"{name}: {ref}"
        for link in doc.xpath("//a[starts-with(@href, '#')]"):
            assert link.get("href")[1:] in ids, f"{name}: {link.get('href')}"


def test_article_tables_are_navigable_by_screen_readers(site_docs):
    doc = site_docs["article"]
    tables = doc.xpath("//table")
    assert tables
    for table in tables:
        caption = table.xpath("./caption")
        assert caption and _text(caption[0])
        assert table.xpath(".//th")
        for th in table.xpath(".//th"):
            assert th.get("scope") in ("col", "row")
        region = table.getparent()
        assert region.get("role") == "region"
        assert region.get("tabindex") == "0"
        assert _accessible_name(doc, region) == _text(caption[0])
    assert doc.xpath("//tbody/tr/th[@scope='row']")


def test_article_structure_reads_in_order(site_docs):
    doc = site_docs["article"]
    article = doc.xpath("//main/article")[0]
    assert _accessible_name(doc, article) == "Harbour reopens after the storm"
    toc = doc.xpath("//nav[contains(@class, 'toc')]")[0]
    assert [a.get("href") for a in toc.xpath(".//a")] == [
        "#the-damage",
        "#what-comes-next",
        "#faq",
    ]
    callout = doc.xpath("//aside[@class='callout']")[0]
    assert _accessible_name(doc, callout) == "Did you know?"
    assert doc.xpath("//nav[@aria-label='Breadcrumb']//a")
    times = doc.xpath("//header[contains(@class, 'article-header')]//time[@datetime]")
    assert times
    assert doc.xpath("//figure/img[@alt='Cranes on the quay at dawn']")
    assert _text(doc.xpath("//*[contains(@class, 'comment-prompt')]")[0]) == (
        "Share your thoughts: was the port ready?"
    )


def test_pagination_names_the_current_page(site_docs):
    doc = site_docs["category page 2"]
    pagination = doc.xpath("//nav[@aria-label='Pages']")[0]
    assert pagination.xpath(".//*[@aria-current='page']")
    assert {a.get("rel") for a in pagination.xpath(".//a")} == {"prev"}


def test_server_error_page_stands_alone_and_is_accessible():
    # Rendered with no request and no database, as Django does after a crash.
    doc = lxml.html.fromstring(render_to_string("500.html"))
    assert doc.get("lang") == "en-GB"
    assert len(doc.xpath("//h1")) == 1
    assert doc.xpath("//main[@id='main']")
    assert doc.xpath("//a[@href='#main']")
    assert doc.xpath("//link[@rel='stylesheet' and contains(@href, 'site.css')]")
    for image in doc.xpath("//img"):
        assert image.get("alt") is not None
    for link in doc.xpath("//a[@href]"):
        assert _accessible_name(doc, link)
