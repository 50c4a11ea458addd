"""Whatever a reader, or a script, puts in the comment form, the answer is never
a 500: a comment is posted (303, or 201 for the form's script) or refused
with a 4xx the reader can read."""

from __future__ import annotations

import time

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from comments.models import Comment
from comments.signing import form_timestamp
from tests.comments.posting import post_comment
from tests.factories import make_article, make_comment

# 303: posted, then shown; 201: posted, answered as JSON; 4xx: refused.
ANSWERS = {201, 303, 400, 403, 404, 405, 409, 413, 429}

printable = st.text(max_size=120)
anything = st.one_of(
    st.text(max_size=6000),  # the body's limit is 5,000 characters
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["", " ", "\x00", "\u202e", "\ufeff", "\u200b", "🏳️‍🌈", "ا" * 50]),
)
timestamps = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    printable,
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda seconds: (
            form_timestamp(seconds)
            if seconds == seconds and abs(seconds) < 1e12
            else str(seconds)
        )
    ),
)


@pytest.fixture
def discussion(db, settings):
    """An open article with one approved comment to reply to; no rate limit in the way."""
    settings.NEWSROOM_COMMENT_RATE = "100000/m"
    article = make_article()
    parent = make_comment(article)
    return article, parent


# What each field may hold when a reader, a script or an attacker fills it.
HOSTILE = {
    "body": anything,
    "author_name": anything,
    "author_email": st.one_of(st.emails().map(str), printable, anything),
    "website": printable,
    "parent": st.one_of(st.integers(-(10**20), 10**20).map(str), printable),
    "shown_at": timestamps,
}


@pytest.mark.slow  # a second or more: many requests
@given(
    data=st.data(),
    # Most examples change a field or two, so the rest of the form is valid
    # and the change reaches the code that checks (or saves) it.
    changed=st.sets(st.sampled_from(sorted(HOSTILE)), max_size=3),
    body=st.one_of(st.text(min_size=1, max_size=300), anything),
    reply=st.booleans(),
    json=st.booleans(),
)
def test_any_comment_form_is_answered_without_a_500(
    discussion, client, data, changed, body, reply, json
):
    article, earlier = discussion
    fields = {
        "body": body,
        "parent": str(earlier.pk) if reply else "",
        "shown_at": form_timestamp(time.time() - 30),
    }
    for name in sorted(changed):
        fields[name] = data.draw(HOSTILE[name], label=name)

    response = post_comment(client, article, json=json, **fields)

    assert response.status_code in ANSWERS, response.status_code
    event(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        assert response.content  # a message the reader can read


@pytest.mark.slow  # a second or more: many requests
@given(
    fields=st.dictionaries(
        st.one_of(
            st.sampled_from(
                ["body", "author_name", "author_email", "website", "parent", "shown_at"]
            ),
            # Not the helper's own keyword arguments.
            printable.filter(
                lambda k: k not in ("client", "article", "json", "headers")
            ),
        ),
        anything,
        max_size=8,
    ),
    article_pk=st.one_of(st.just(None), st.integers(0, 10**18)),
)
def test_forms_with_missing_or_unknown_fields_are_answered(
    discussion, client, fields, article_pk
):
    article, _ = discussion
    target = article if article_pk is None else article_pk
    response = post_comment(client, target, **fields)
    assert response.status_code in ANSWERS, response.status_code
    event(f"HTTP {response.status_code}")


def test_an_ordinary_comment_posts(discussion, client):
    """The discussion above takes comments: the refusals are the input's doing."""
    article, _ = discussion
    response = post_comment(client, article, body="A plain, ordinary comment.")
    assert response.status_code == 303
    assert Comment.objects.filter(body="A plain, ordinary comment.").exists()
