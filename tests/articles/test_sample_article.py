"""The article that started it all, as readers see it after `make run`."""

import io

import lxml.html
import pytest
from django.core.management import call_command

from articles.models import Article
from tests.pages import json_ld_blocks, parse_page

pytestmark = pytest.mark.django_db

SAMPLE_TITLE = "Russia Rejects Western Troops in Ukraine as Peace Talks Loom"
FOLLOW_UP = (
    "Russia issues Warning as European Leaders and Zelenskyy convene in Paris "
    "Ahead of trump Call"
)


@pytest.fixture
def sample_html(anon) -> str:
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.get(title=SAMPLE_TITLE)
    response = anon.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_contents_list_the_sections_and_nest_the_follow_up_part(sample_html):
    page = parse_page(sample_html)
    # Six sections and the FAQ (the box is not listed), then the follow-up
    # part with its seven sections nested under it: 15 links.
    document = lxml.html.fromstring(sample_html)
    top = document.xpath("//nav[@class='toc']//details/ol/li")
    assert top[0].xpath("string(a)") == "Moscow’s Unwavering Position"
    assert top[-1].xpath("string(a)") == f"Follow-up: {FOLLOW_UP}"
    nested = [a.text_content() for a in top[-1].xpath("./ol/li/a")]
    assert nested[0] == "Kremlin Condemns “Counterproductive” Discussions"
    assert nested[-1] == "Implications for Global Security"
    assert len(top) == 8 and len(nested) == 7
    assert len(page.toc_links) == 15
    assert set(page.toc_links) <= page.ids


def test_each_contents_link_lands_on_its_heading_one_level_down_in_a_part(
    sample_html,
):
    page = parse_page(sample_html)
    document = lxml.html.fromstring(sample_html)
    contents = [a.text_content() for a in document.xpath("//nav[@class='toc']//a")]
    levels = []
    for anchor, text in zip(page.toc_links, contents, strict=True):
        (target,) = document.xpath(f"//*[@id='{anchor}']")
        assert target.text_content() == text
        levels.append(target.tag)
    assert levels == ["h2"] * 8 + ["h3"] * 7
    (part,) = document.xpath("//section[contains(@class, 'article-part')]")
    assert part.xpath("string(h2/span[@class='part-label'])") == "Follow-up: "
    assert len(part.xpath("./section[@class='article-section']/h3")) == 7


def test_no_section_is_left_empty(sample_html):
    document = lxml.html.fromstring(sample_html)
    for section in document.xpath("//section[@class='article-section']"):
        assert section.xpath("*[not(self::h2 or self::h3)]"), lxml.html.tostring(
            section
        )


def test_key_players_table_has_header_cells_four_rows_and_the_editors_caption(
    sample_html,
):
    document = lxml.html.fromstring(sample_html)
    (table,) = document.xpath("//table[.//th[normalize-space()='Key Player']]")
    headers = [th.text_content() for th in table.xpath(".//thead//th[@scope='col']")]
    assert headers == ["Key Player", "Position"]
    rows = table.xpath(".//tbody/tr")
    assert len(rows) == 4
    assert rows[0].xpath("string(.)").strip().startswith("Volodymyr Zelenskyy")
    # The text gives no caption and the importer makes none up (see
    # tests/articles/importer/); the demo's editor wrote this one.
    caption = "The leaders whose positions shape the talks"
    assert table.xpath("string(caption)").strip() == caption


def test_callout_faq_dateline_prompt_and_discussion_question(sample_html):
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
    article = Article.objects.get(title=SAMPLE_TITLE)
    assert article.discussion_question.startswith("How might a shift in U.S. policy")
    # The reader question is not a section of the article: it is asked with
    # the prompt.
    assert "How might a shift" not in document.xpath("string(//nav[@class='toc'])")
    question = document.xpath("string(//*[@class='discussion-question'])")
    assert question == article.discussion_question
