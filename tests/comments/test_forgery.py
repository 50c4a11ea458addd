"""The comment form has no CSRF token on the cached page; forged posts still fail."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.posting import comment_data, post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "null"},
    ],
)
def test_cross_site_posts_are_refused(headers):
    client = Client(enforce_csrf_checks=True)
    extra = {k: v for k, v in headers.items() if v is not None}
    url = reverse("comments:post", args=[make_article().pk])
    response = client.post(url, comment_data(), **extra)
    assert response.status_code == 403
    assert "another site" in response.content.decode()
    assert not Comment.objects.exists()


def test_matching_origin_without_fetch_metadata_is_accepted():
    client = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", args=[make_article().pk])
    response = client.post(url, comment_data(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert Comment.objects.count() == 1


def test_browser_without_origin_confirms_with_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", args=[make_article().pk])
    first = client.post(url, comment_data(body="Old browser text."))
    assert first.status_code == 200
    html = first.content.decode()
    assert "Confirm your comment" in html and "Old browser text." in html
    assert not Comment.objects.exists()
    token = client.cookies["csrftoken"].value
    # A forger cannot read the token: without it the post is refused.
    assert (
        client.post(url, comment_data(csrfmiddlewaretoken="forged")).status_code == 403
    )
    second = client.post(
        url, comment_data(body="Old browser text.", csrfmiddlewaretoken=token)
    )
    assert second.status_code == 303
    assert Comment.objects.get().body == "Old browser text."


def test_reports_need_a_same_origin_post(anon):
    comment = make_comment(make_article())
    url = reverse("comments:report", args=[comment.pk])
    refused = anon.post(url, {"reason": "spam"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert refused.status_code == 403
    assert not comment.reports.exists()


def test_json_refusal_is_json(anon):
    response = post_comment(
        anon, make_article(), json=True, headers={"HTTP_SEC_FETCH_SITE": "cross-site"}
    )
    assert response.status_code == 403
    assert response.json()["ok"] is False
