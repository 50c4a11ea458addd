"""An article's derived text follows its parts, whatever path saves them."""

import pytest

from articles.models import Article, FaqItem
from tests.factories import make_article, make_faq_item, make_section, make_table

pytestmark = pytest.mark.django_db


def test_a_section_saved_in_code_updates_the_text_after_commit(
    django_capture_on_commit_callbacks,
):
    article = make_article(sections=0)
    with django_capture_on_commit_callbacks(execute=True):
        section = make_section(article, heading="Tides", body="High water at noon.")
    stored = Article.objects.get(pk=article.pk)
    assert "High water at noon." in stored.body_text
    assert stored.excerpt.startswith("High water at noon.")
    with django_capture_on_commit_callbacks(execute=True):
        section.body = "Low water at dusk."
        section.save()
    assert "Low water at dusk." in Article.objects.get(pk=article.pk).body_text


def test_removing_a_part_removes_its_text(django_capture_on_commit_callbacks):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        item = make_faq_item(article, question="When do ferries run?")
        make_table(article, rows=[["Route", "Times"], ["North", "Hourly"]])
    assert "When do ferries run?" in Article.objects.get(pk=article.pk).body_text
    with django_capture_on_commit_callbacks(execute=True):
        FaqItem.objects.filter(pk=item.pk).delete()
    stored = Article.objects.get(pk=article.pk)
    assert "When do ferries run?" not in stored.body_text
    assert "Hourly" in stored.body_text


def test_many_parts_in_one_commit_refresh_the_article_once(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    article = make_article(sections=0)
    with django_capture_on_commit_callbacks() as callbacks:
        for n in range(10):
            make_section(article, heading=f"Part {n}", body=f"Text {n}.")
    # One refresh (sections, tables, FAQ, the update, the index), then nine
    # callbacks that see it is done.
    with django_assert_max_num_queries(12):
        for callback in callbacks:
            callback()
    assert "Text 9." in Article.objects.get(pk=article.pk).body_text
