from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "offset", "is_public"),
    [
        (Article.Status.DRAFT, timedelta(hours=-1), False),
        (Article.Status.REVIEW, timedelta(hours=-1), False),
        (Article.Status.PUBLISHED, timedelta(hours=1), False),  # scheduled
        (Article.Status.PUBLISHED, timedelta(hours=-1), True),
    ],
)
def test_published_is_the_only_public_set(anon, status, offset, is_public):
    article = make_article(status=status, published_at=timezone.now() + offset)

    assert (article in Article.objects.published()) is is_public
    assert article.is_public is is_public
    response = anon.get(article.get_absolute_url())
    assert response.status_code == (200 if is_public else 404)
    home = anon.get("/")
    assert (article.title in home.content.decode()) is is_public
