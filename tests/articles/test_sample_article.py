"""The article that started it all, as readers see it after `make run`."""

import io

import lxml.html
import pytest
from django.core.management import call_command

from articles.models import Article
from tests.pages import json_ld_blocks, parse_page

pytestmark = pytest.mark.django_db

SAMPLE_TITLE = "Russia Rejects Western Troops in Ukraine as Peace Talks Loom"


@pytest.fixture
def sample_html(anon) -> str:
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.get(title=SAMPLE_TITLE)
    response = anon.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_contents_lists_all_sixteen_headings_and_each_lands(sample_html):
    page = parse_page(sample_html)
    assert len(page.toc_links) == 16
    assert set(page.toc_links) <= page.ids
    document = lxml.html.fromstring(sample_html)
    contents = [a.text_content() for a in document.xpath("//nav[@class='toc']//a")]
    assert contents[0] == "Moscow’s Unwavering Position"
    assert contents[-1] == "Implications for Global Security"
    for anchor, text in zip(page.toc_links, contents, strict=True):
        (target,) = document.xpath(f"//*[@id='{anchor}']")
        assert target.tag == "h2" and target.text_content() == text


def test_key_players_table_has_header_cells_and_four_rows(sample_html):
    document = lxml.html.fromstring(sample_html)
    (table,) = document.xpath("//table[.//th[normalize-space()='Key Player']]")
    headers = [th.text_content() for th in table.xpath(".//thead//th[@scope='col']")]
    assert headers == ["Key Player", "Position"]
    rows = table.xpath(".//tbody/tr")
    assert len(rows) == 4
    assert rows[0].xpath("string(.)").strip().startswith("Volodymyr Zelenskyy")
    assert table.xpath("caption")


def test_callout_faq_dateline_and_prompt(sample_html):
    document = lxml.html.fromstring(sample_html)
    (callout,) = document.xpath("//aside[contains(@class, 'callout')]")
    assert "Secondary sanctions, like those imposed on India" in callout.text_content()
    questions = document.xpath("//*[contains(@class, 'faq-question')]")
    assert len(questions) == 7
    assert questions[0].text_content() == (
        "What is Russia’s primary concern regarding Western involvement in Ukraine?"
    )
    faq = json_ld_blocks(sample_html)["FAQPage"]["mainEntity"]
    assert [q["name"] for q in faq] == [q.text_content() for q in questions]
    assert document.xpath("string(//*[@class='dateline'])") == "London"
    prompt = document.xpath("string(//*[@class='comment-prompt'])")
    assert prompt.startswith("Share your thoughts: Do you believe a lasting peace")
    # The lead keeps its words, without the dateline run into it.
    assert "Russia has reiterated its staunch opposition" in sample_html
    assert "London – Russia" not in sample_html
