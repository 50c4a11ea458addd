"""Posting comments in tests the way a reader's browser does."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.signing import COMMENTER_COOKIE, commenter_token, form_timestamp


def comment_data(**fields) -> dict:
    """A valid guest comment form, shown 30 seconds ago (a human's pace)."""
    data = {
        "body": "A thoughtful comment.",
        "author_name": "Ada Reader",
        "author_email": "ada@example.com",
        "shown_at": form_timestamp(time.time() - 30),
        "website": "",
        "parent": "",
    }
    data.update(fields)
    return data


def post_comment(
    client: Client,
    article: Article | int,
    *,
    json: bool = False,
    headers: dict | None = None,
    **fields,
):
    """POST from one of the site's own pages (Fetch Metadata says same-origin)."""
    pk = article if isinstance(article, int) else article.pk
    extra = {"HTTP_SEC_FETCH_SITE": "same-origin", "REMOTE_ADDR": "203.0.113.5"}
    if json:
        extra["HTTP_ACCEPT"] = "application/json"
    extra.update(headers or {})
    return client.post(
        reverse("comments:post", args=[pk]), comment_data(**fields), **extra
    )


def as_returning_commenter(client: Client, email: str = "ada@example.com") -> Client:
    """The browser posted with ``email`` before, and kept the signed proof of it."""
    client.cookies[COMMENTER_COOKIE] = commenter_token(email)
    return client
