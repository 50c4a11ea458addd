"""Whatever a reader (or a script) posts as a comment, the answer is never a 500.

Every refusal is a specific 4xx with a message the reader can read, in the
HTML page and in the JSON answer the form's script gets, and no comment is
written. Input the site can clean (control characters, direction overrides,
zero-width characters) is stored cleaned; those cases say what is stored.
The table runs on SQLite and, with DATABASE_URL set, on PostgreSQL, which
refuses NUL bytes in text.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import signing
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Ban, Comment
from comments.signing import form_timestamp
from tests.comments.posting import comment_data, post_comment
from tests.factories import make_article, make_category, make_comment

BODY = "The harbour plan ignores the ferry timetable."
# The same words the view uses; the table checks the reader sees them.
NO_ARTICLE = "There is no published article to comment on here."
CLOSED = "Comments are closed for this article."
ENDED = "Comments are closed: this discussion has ended."
FOREIGN = "This comment was sent from another site, so it was not posted."
NOT_POSTED = "Your comment could not be posted."
STALE = (
    "This form was open for a long time, or could not be checked. Your text is "
    "kept below: please post it again."
)
TOO_QUICK = (
    "That was quicker than we expect from a person. Your text is kept below: "
    "please check it and post it again."
)
NUL = "Null characters are not allowed."
WRITE_SOMETHING = "Please write your comment."
BAD_EMAIL = "Please give an e-mail address like name@example.com."
NO_PARENT = "The comment you replied to is not available any more."
NO_NAME = "Please give the name to show with your comment."
NO_EMAIL = "Please give your e-mail address (it is never shown)."


def _too_long(length: int) -> str:
    return f"Please keep your comment under 5,000 characters (it has {length})."


def _stamp_age(seconds: float) -> Callable[[], str]:
    """A genuine form stamp, ``seconds`` old when the test runs."""
    return lambda: form_timestamp(time.time() - seconds)


def _other_article_comment(article: Article) -> int:
    return make_comment(make_article()).pk


def _pending_comment(article: Article) -> int:
    return make_comment(article, status=Comment.Status.PENDING).pk


def _rejected_comment(article: Article) -> int:
    return make_comment(article, status=Comment.Status.REJECTED).pk


def _removed_comment(article: Article) -> int:
    return make_comment(article).pk + 1000


def _approved_comment(article: Article) -> int:
    return make_comment(article).pk


ARTICLES: dict[str, Callable[[], Article]] = {
    "open": make_article,
    "draft": lambda: make_article(status=Article.Status.DRAFT),
    "scheduled": lambda: make_article(published_at=timezone.now() + timedelta(days=1)),
    "closed": lambda: make_article(is_commenting_open=False),
    "category-off": lambda: make_article(category=make_category(comment_policy="off")),
    "article-off": lambda: make_article(comment_policy="off"),
    "ended": lambda: make_article(
        category=make_category(comments_close_after_days=1),
        published_at=timezone.now() - timedelta(days=2),
    ),
}


@dataclass(frozen=True)
class Hostile:
    id: str
    status: int  # for an accepted post: 303 (HTML) or 201 (JSON), see ACCEPTED
    says: str = ""  # what the reader reads
    fields: dict = field(default_factory=dict)  # values may be callables
    # None: a browser on one of our pages (Sec-Fetch-Site: same-origin);
    # otherwise exactly these headers, without Fetch Metadata unless named.
    headers: dict | None = None
    article: str = "open"  # a key of ARTICLES, or "missing"
    parent: Callable[[Article], int] | None = None
    kept: bool = False  # the HTML page gives the reader's text back
    stored_body: str | None = None  # accepted: the body as stored
    stored_name: str | None = None
    json: bool = True  # the JSON variant applies


ACCEPTED = 0

CASES = [
    # The body.
    Hostile("body-nul", 400, NUL, {"body": "Hello\x00world"}),
    Hostile("body-nul-only", 400, NUL, {"body": "\x00"}),
    Hostile("body-whitespace", 400, WRITE_SOMETHING, {"body": "  \r\n\t \n  "}),
    Hostile(
        "body-unicode-spaces", 400, WRITE_SOMETHING, {"body": "\u00a0\u3000\u2003"}
    ),
    Hostile(
        "body-invisible-only",
        400,
        WRITE_SOMETHING,
        {"body": "\u202e\u200b\u2066\ufeff"},
    ),
    Hostile(
        "body-control-only", 400, WRITE_SOMETHING, {"body": "\x01\x07\x1b\x7f\x85"}
    ),
    Hostile("body-10000-newlines", 400, WRITE_SOMETHING, {"body": "\n" * 10_000}),
    Hostile(
        "body-10000-line-breaks-in-text",
        400,
        _too_long(10_002),
        {"body": "a" + "\r\n" * 10_000 + "b"},
    ),
    Hostile("body-5001-chars", 400, _too_long(5_001), {"body": "x" * 5_001}, kept=True),
    Hostile("body-2-megabytes", 400, _too_long(2_000_000), {"body": "x" * 2_000_000}),
    Hostile(
        "body-5000-chars",
        ACCEPTED,
        fields={"body": "y" * 5_000},
        stored_body="y" * 5_000,
    ),
    Hostile(
        # 3,600 characters as the textarea counts them, 4,800 as sent (CRLF).
        "body-crlf-line-breaks-under-limit",
        ACCEPTED,
        fields={"body": "abc\r\n" * 1_200},
        stored_body="\n".join(["abc"] * 1_200),
    ),
    Hostile(
        "body-control-characters",
        ACCEPTED,
        fields={"body": "Bell\x07 and escape\x1b[31m red\x08\x7f"},
        stored_body="Bell and escape[31m red",
    ),
    Hostile(
        "body-bidi-override",
        ACCEPTED,
        fields={"body": "Tickets cost \u202e05$\u202c today"},
        stored_body="Tickets cost 05$ today",
    ),
    Hostile(
        "body-bidi-isolates",
        ACCEPTED,
        fields={"body": "\u2067See www.example.com\u2069 now"},
        stored_body="See www.example.com now",
    ),
    Hostile(
        "body-zero-width",
        ACCEPTED,
        fields={"body": "ferry\u200b time\ufefftable"},
        stored_body="ferry timetable",
    ),
    # The name.
    Hostile("name-nul", 400, NUL, {"author_name": "Ada\x00Reader"}, kept=True),
    Hostile("name-missing", 400, NO_NAME, {"author_name": ""}, kept=True),
    Hostile(
        "name-invisible-only", 400, NO_NAME, {"author_name": "\u202e\u200b "}, kept=True
    ),
    Hostile(
        "name-81-chars",
        400,
        "Ensure this value has at most 80 characters (it has 81).",
        {"author_name": "n" * 81},
        kept=True,
    ),
    Hostile(
        "name-line-break-and-control",
        ACCEPTED,
        fields={"author_name": "Ada\r\nReader\x07"},
        stored_body=BODY,
        stored_name="Ada Reader",
    ),
    Hostile(
        "name-bidi-override",
        ACCEPTED,
        fields={"author_name": "\u202eredaeR adA\u202c"},
        stored_body=BODY,
        stored_name="redaeR adA",
    ),
    # The e-mail address.
    Hostile("email-nul", 400, NUL, {"author_email": "ada\x00@example.com"}, kept=True),
    Hostile("email-missing", 400, NO_EMAIL, {"author_email": ""}, kept=True),
    Hostile(
        "email-no-at", 400, BAD_EMAIL, {"author_email": "ada.example.com"}, kept=True
    ),
    Hostile("email-spaces", 400, BAD_EMAIL, {"author_email": "ada reader@example.com"}),
    Hostile(
        "email-300-chars",
        400,
        "Ensure this value has at most 254 characters (it has 300).",
        {"author_email": "a" * 288 + "@example.com"},
    ),
    Hostile(
        "email-unicode-only", 400, BAD_EMAIL, {"author_email": "читатель@пример.рф"}
    ),
    Hostile(
        "email-header-injection",
        400,
        BAD_EMAIL,
        {"author_email": "ada@example.com\r\nBcc: everyone@example.com"},
    ),
    Hostile(
        "email-bidi-override", 400, BAD_EMAIL, {"author_email": "ada@exa\u202eelpm.com"}
    ),
    Hostile(
        "email-zero-width", 400, BAD_EMAIL, {"author_email": "ada@exam\u200bple.com"}
    ),
    # The comment replied to.
    Hostile("parent-nul", 400, NO_PARENT, {"parent": "1\x00"}, kept=True),
    Hostile("parent-not-a-number", 400, NO_PARENT, {"parent": "first"}, kept=True),
    Hostile("parent-decimal", 400, NO_PARENT, {"parent": "1.5"}),
    Hostile("parent-zero", 400, NO_PARENT, {"parent": "0"}),
    Hostile("parent-negative", 400, NO_PARENT, {"parent": "-1"}),
    Hostile(
        "parent-huge", 400, NO_PARENT, {"parent": "99999999999999999999"}, kept=True
    ),
    Hostile("parent-past-bigint", 400, NO_PARENT, {"parent": str(2**63)}),
    Hostile("parent-on-another-article", 400, NO_PARENT, parent=_other_article_comment),
    Hostile("parent-pending", 400, NO_PARENT, parent=_pending_comment, kept=True),
    Hostile("parent-rejected", 400, NO_PARENT, parent=_rejected_comment),
    Hostile("parent-nonexistent", 400, NO_PARENT, parent=_removed_comment),
    Hostile("parent-approved", ACCEPTED, parent=_approved_comment, stored_body=BODY),
    # The article.
    Hostile("article-draft", 404, NO_ARTICLE, article="draft"),
    Hostile("article-scheduled", 404, NO_ARTICLE, article="scheduled"),
    Hostile("article-missing", 404, NO_ARTICLE, article="missing"),
    Hostile("article-closed", 403, CLOSED, article="closed", kept=True),
    Hostile("category-policy-off", 403, CLOSED, article="category-off", kept=True),
    Hostile("article-policy-off", 403, CLOSED, article="article-off"),
    Hostile("discussion-ended", 403, ENDED, article="ended", kept=True),
    # Bots: the honeypot and the form's stamp.
    Hostile("honeypot-filled", 400, NOT_POSTED, {"website": "https://cheap.example"}),
    Hostile("honeypot-nul", 400, NOT_POSTED, {"website": "\x00"}),
    # Faster than anyone types: refused, but a person who pasted keeps the text.
    Hostile("stamp-too-young", 400, TOO_QUICK, {"shown_at": _stamp_age(0)}, kept=True),
    Hostile(
        "stamp-from-the-future", 400, STALE, {"shown_at": _stamp_age(-3600)}, kept=True
    ),
    Hostile("stamp-missing", 400, STALE, {"shown_at": ""}, kept=True),
    Hostile("stamp-garbage", 400, STALE, {"shown_at": "yesterday\x00"}, kept=True),
    Hostile(
        "stamp-forged",
        400,
        STALE,
        {
            "shown_at": lambda: signing.dumps(
                int(time.time()) - 30, salt="comments.form-timestamp", key="not-ours"
            )
        },
        kept=True,
    ),
    Hostile(
        "stamp-other-purpose",
        400,
        STALE,
        {
            "shown_at": lambda: signing.dumps(
                int(time.time()) - 30, salt="comments.posted"
            )
        },
    ),
    Hostile(
        "stamp-too-old",
        400,
        STALE,
        {"shown_at": _stamp_age(django_settings.NEWSROOM_COMMENT_FORM_MAX_AGE + 120)},
        kept=True,
    ),
    # Where the post came from.
    Hostile(
        "fetch-cross-site", 403, FOREIGN, headers={"HTTP_SEC_FETCH_SITE": "cross-site"}
    ),
    Hostile(
        "fetch-same-site", 403, FOREIGN, headers={"HTTP_SEC_FETCH_SITE": "same-site"}
    ),
    Hostile("fetch-none", 403, FOREIGN, headers={"HTTP_SEC_FETCH_SITE": "none"}),
    Hostile("fetch-empty", 403, FOREIGN, headers={"HTTP_SEC_FETCH_SITE": ""}),
    Hostile(
        "origin-another-site",
        403,
        FOREIGN,
        headers={"HTTP_ORIGIN": "https://evil.example"},
    ),
    Hostile(
        "origin-lookalike",
        403,
        FOREIGN,
        headers={"HTTP_ORIGIN": "http://testserver.evil.example"},
    ),
    Hostile("origin-null", 403, FOREIGN, headers={"HTTP_ORIGIN": "null"}),
    Hostile(
        "cross-site-despite-our-origin",
        403,
        FOREIGN,
        headers={
            "HTTP_SEC_FETCH_SITE": "cross-site",
            "HTTP_ORIGIN": "http://testserver",
        },
    ),
    Hostile(
        "origin-ours",
        ACCEPTED,
        headers={"HTTP_ORIGIN": "http://testserver"},
        stored_body=BODY,
    ),
    Hostile(
        # An old browser or a script: asked to confirm, nothing stored yet.
        "no-fetch-metadata-no-origin",
        200,
        "Confirm your comment",
        headers={},
        kept=True,
        json=False,
    ),
]


def _send(
    client: Client, case: Hostile, *, as_json: bool
) -> tuple[HttpResponse, int, str]:
    """Post the case as a browser would: the response, the comment count before, the body."""
    article = ARTICLES[case.article]() if case.article != "missing" else make_article()
    pk = article.pk + 10_000 if case.article == "missing" else article.pk
    fields = {"body": BODY}
    if case.parent is not None:
        fields["parent"] = str(case.parent(article))
    fields.update({k: v() if callable(v) else v for k, v in case.fields.items()})
    before = Comment.objects.count()
    if case.headers is None:
        return post_comment(client, pk, json=as_json, **fields), before, fields["body"]
    extra = {"REMOTE_ADDR": "203.0.113.5", **case.headers}
    if as_json:
        extra["HTTP_ACCEPT"] = "application/json"
    url = reverse("comments:post", args=[pk])
    return client.post(url, comment_data(**fields), **extra), before, fields["body"]


def _reader_sees(response: HttpResponse, *, as_json: bool) -> str:
    if as_json:
        payload = json.loads(response.content)
        errors = [
            e for messages in payload.get("errors", {}).values() for e in messages
        ]
        return "\n".join([payload["message"], *errors])
    return html.unescape(response.content.decode())


VARIANTS = [
    pytest.param(case, as_json, id=f"{case.id}-{'json' if as_json else 'html'}")
    for case in CASES
    for as_json in (False, True)
    if case.json or not as_json
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "as_json"), VARIANTS)
def test_hostile_post_is_refused_clearly_or_stored_clean(
    anon: Client, case: Hostile, as_json: bool
) -> None:
    response, before, body = _send(anon, case, as_json=as_json)

    if case.status == ACCEPTED:
        assert response.status_code == (201 if as_json else 303)
        (comment,) = Comment.objects.all()[before:]
        assert comment.body == case.stored_body
        assert comment.author_name == (case.stored_name or "Ada Reader")
        if as_json:
            assert json.loads(response.content)["ok"] is True
        else:
            result = anon.get(response["Location"])
            assert "Thank you." in html.unescape(result.content.decode())
        return

    assert response.status_code == case.status
    assert Comment.objects.count() == before
    seen = _reader_sees(response, as_json=as_json)
    assert case.says in seen
    if as_json:
        payload = json.loads(response.content)
        assert response["Content-Type"] == "application/json"
        assert payload["ok"] is False
        assert payload["shown_at"]  # a fresh stamp to post again with
    else:
        assert response["Content-Type"].startswith("text/html")
        if case.kept:
            assert body in seen  # the reader's text comes back to post again


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_wrong_methods_are_not_allowed(anon: Client, method: str) -> None:
    article = make_article()
    url = reverse("comments:post", args=[article.pk])

    response = getattr(anon, method)(url, HTTP_SEC_FETCH_SITE="same-origin")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "posted with the form" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_markup_is_stored_as_text_and_shown_escaped(anon: Client) -> None:
    article = make_article()
    markup = "<script>alert(1)</script> & <b>bold</b>"

    response = post_comment(anon, article, body=markup)

    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.body == markup
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    page = anon.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert(1)" not in page
    assert "<b>bold</b>" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("as_json", [False, True], ids=["html", "json"])
def test_double_submit_stores_one_comment(anon: Client, as_json: bool) -> None:
    article = make_article()

    first = post_comment(anon, article, json=as_json, body=BODY)
    second = post_comment(anon, article, json=as_json, body=BODY)

    assert first.status_code == second.status_code == (201 if as_json else 303)
    assert Comment.objects.count() == 1
    if as_json:
        assert json.loads(first.content)["id"] == json.loads(second.content)["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("as_json", [False, True], ids=["html", "json"])
def test_banned_address_is_refused(anon: Client, as_json: bool) -> None:
    article = make_article()
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="Ada@Example.com")

    response = post_comment(anon, article, json=as_json, author_email="ada@EXAMPLE.com")

    assert response.status_code == 403
    assert "Comments from this address are not accepted." in _reader_sees(
        response, as_json=as_json
    )
    # The attempt is kept for moderators, rejected: nothing readers can see.
    assert not Comment.objects.visible().exists()
    assert list(Comment.objects.values_list("status", "rule")) == [
        (Comment.Status.REJECTED, Comment.Rule.BAN)
    ]
    if as_json:
        assert json.loads(response.content)["ok"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("as_json", [False, True], ids=["html", "json"])
def test_posting_too_fast_is_refused_with_retry_after(
    anon: Client, settings, as_json: bool
) -> None:
    settings.NEWSROOM_COMMENT_RATE = "2/m"
    # The clock stands still 20 seconds into a minute: the limit's window
    # cannot turn between the posts.
    with time_machine.travel(datetime(2031, 5, 2, 18, 0, 20, tzinfo=UTC), tick=False):
        article = make_article()
        for n in (1, 2):
            ok = post_comment(anon, article, json=as_json, body=f"Point number {n}.")
            assert ok.status_code == (201 if as_json else 303)

        response = post_comment(anon, article, json=as_json, body=BODY)

    assert response.status_code == 429
    assert response["Retry-After"] == "41"
    seen = _reader_sees(response, as_json=as_json)
    assert "You are posting faster than we allow. Please wait 41 seconds" in seen
    if not as_json:
        assert BODY in seen
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_confirmation_page_posts_with_its_token_and_refuses_without(
    anon: Client,
) -> None:
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", args=[article.pk])

    page = reader.post(url, comment_data(body=BODY))

    assert page.status_code == 200
    assert BODY in html.unescape(page.content.decode())
    token = page.context["csrf_token"]
    assert Comment.objects.count() == 0

    forged = reader.post(url, comment_data(body=BODY, csrfmiddlewaretoken="x" * 64))
    assert forged.status_code == 403
    seen = html.unescape(forged.content.decode())
    assert "This form has expired; please post again." in seen
    assert BODY in seen
    assert Comment.objects.count() == 0

    confirmed = reader.post(
        url, comment_data(body=BODY, csrfmiddlewaretoken=str(token))
    )
    assert confirmed.status_code == 303
    assert Comment.objects.get().body == BODY


def _raw_post(client: Client, article: Article, raw: bytes) -> HttpResponse:
    return client.post(
        reverse("comments:post", args=[article.pk]),
        raw,
        content_type="application/x-www-form-urlencoded",
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ACCEPT="application/json",
    )


def _form_without_body() -> bytes:
    return urlencode({k: v for k, v in comment_data().items() if k != "body"}).encode()


@pytest.mark.django_db
def test_bytes_that_are_not_utf8_are_stored_as_replacement_characters(
    anon: Client,
) -> None:
    article = make_article()

    response = _raw_post(
        anon, article, _form_without_body() + b"&body=caf%C3%A9+%FF%FE+ok"
    )

    assert response.status_code == 201
    assert Comment.objects.get().body == "café \ufffd\ufffd ok"


@pytest.mark.django_db
def test_request_too_large_for_the_form_is_a_bad_request(anon: Client) -> None:
    article = make_article()
    raw = _form_without_body() + b"&body=" + b"x" * (6 * 1024 * 1024)

    response = _raw_post(anon, article, raw)

    assert response.status_code == 400
    assert "We couldn’t understand that request" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_too_many_fields_is_a_bad_request(anon: Client) -> None:
    article = make_article()
    raw = _form_without_body() + b"".join(b"&f%d=1" % n for n in range(20_001))

    response = _raw_post(anon, article, raw)

    assert response.status_code == 400
    assert "We couldn’t understand that request" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_request_over_the_size_limit_is_refused_before_the_view(
    anon: Client, settings
) -> None:
    settings.NEWSROOM_MAX_REQUEST_BYTES = 1024 * 1024
    article = make_article()

    response = _raw_post(anon, article, _form_without_body() + b"&body=" + b"x" * 2**21)

    assert response.status_code == 413
    assert "larger than we accept" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_nul_in_the_user_agent_is_not_a_server_error(anon: Client) -> None:
    article = make_article()

    response = post_comment(anon, article, headers={"HTTP_USER_AGENT": "bot\x00"})

    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.body == "A thoughtful comment."
    assert comment.user_agent == "bot"


@pytest.mark.django_db
def test_unicode_line_separators_become_line_breaks(anon: Client) -> None:
    post_comment(anon, make_article(), body="one\u2028two\u2029three")
    assert Comment.objects.get().body == "one\ntwo\n\nthree"
