"""Review links: an outside reviewer reads one unpublished article without an
account, until the link expires or is revoked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from articles import sharing
from articles.models import Article, ShareLink
from tests.articles.desk.workflow_support import (
    change_url,
    desk_editor,
    desk_editor_client,
    writer,
    writer_client,
)
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client", "writer", "writer_client"]

# Near the real time: the desk's login session must not have expired.
MADE_AT = datetime.now(UTC).replace(microsecond=0)
BANNER = "Draft shared for review — not published."


def draft(**overrides) -> Article:
    fields = {
        "title": "Council plans a new bridge",
        "status": Article.Status.DRAFT,
        "published_at": None,
        "sections": 0,
    }
    fields.update(overrides)
    article = make_article(**fields)
    make_section(article, heading="The plan", body="Work starts in spring.")
    return article


def share_url(article: Article) -> str:
    return reverse("admin:articles_article_share", args=[article.pk])


def revoke_url(link: ShareLink) -> str:
    return reverse(
        "admin:articles_article_share_revoke", args=[link.article_id, link.pk]
    )


def make_link(client, article: Article, **fields) -> str:
    """Make a link at the desk as an editor would; the address it shows once."""
    response = client.post(share_url(article), {"days": "7", "label": "", **fields})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    (field,) = page.xpath('//input[@id="share-url"]')
    return field.get("value")


def path_of(address: str) -> str:
    return re.sub(r"^https?://[^/]+", "", address)


def test_an_anonymous_reader_reads_the_draft_with_the_link(desk_editor_client, anon):
    article = draft()
    address = make_link(desk_editor_client, article, label="Legal review")
    assert address.startswith("http://testserver/preview/shared/")

    response = anon.get(path_of(address))

    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html
    assert "Council plans a new bridge" in html
    assert "Work starts in spring." in html
    # Readers still cannot see it, and the staff preview still needs a login.
    assert anon.get(article.get_absolute_url()).status_code == 404
    assert anon.get(article.get_preview_url()).status_code == 302


def test_the_link_is_private_not_indexed_and_sets_no_cookie(desk_editor_client, anon):
    address = make_link(desk_editor_client, draft())

    response = anon.get(path_of(address))

    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert "public" not in cache_control
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    # Nothing that would unfurl it in a chat app, or name its future address.
    assert 'property="og:title"' not in response.text
    assert 'rel="canonical"' not in response.text


def test_the_link_works_until_it_expires(desk_editor_client, anon):
    article = draft()
    with time_machine.travel(MADE_AT, tick=False):
        address = make_link(desk_editor_client, article, days="3")
    path = path_of(address)

    with time_machine.travel(MADE_AT + timedelta(days=3, seconds=-1), tick=False):
        assert anon.get(path).status_code == 200
    with time_machine.travel(MADE_AT + timedelta(days=3), tick=False):
        response = anon.get(path)

    assert response.status_code == 410
    assert "This review link has expired" in response.text
    assert "Council plans" not in response.text
    assert "no-store" in response["Cache-Control"]


def test_a_link_never_lives_longer_than_thirty_days(desk_editor_client, anon):
    article = draft()
    with time_machine.travel(MADE_AT, tick=False):
        address = make_link(desk_editor_client, article, days="30")
    # Even if its expiry were moved in the database, the signature's age counts.
    ShareLink.objects.update(expires_at=MADE_AT + timedelta(days=400))

    with time_machine.travel(MADE_AT + timedelta(days=30, minutes=1), tick=False):
        response = anon.get(path_of(address))

    assert response.status_code == 410


def test_a_revoked_link_stops_at_once(desk_editor_client, anon):
    article = draft()
    path = path_of(make_link(desk_editor_client, article))
    assert anon.get(path).status_code == 200
    link = ShareLink.objects.get()

    response = desk_editor_client.post(revoke_url(link), follow=True)

    assert "Link revoked" in response.text
    closed = anon.get(path)
    assert closed.status_code == 410
    assert "This review link was withdrawn" in closed.text
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_link_with_an_altered_secret_is_not_found(desk_editor_client, anon):
    path = path_of(make_link(desk_editor_client, draft()))
    token = path.split("/")[-2]
    selector, secret, *signed = token.split(".")
    changed = secret[:-1] + ("A" if secret[-1] != "A" else "B")

    altered = "/".join(
        [*path.split("/")[:-2], ".".join([selector, changed, *signed]), ""]
    )

    assert anon.get(altered).status_code == 404
    assert anon.get(path[:-2] + "/").status_code == 404  # cut short


def test_a_token_signed_with_another_key_is_not_found(desk_editor_client, anon):
    path = path_of(make_link(desk_editor_client, draft()))
    token = path.split("/")[-2]
    value = token.rsplit(".", 2)[0]  # the selector and the secret, both right
    forged = signing.TimestampSigner(
        key="not-the-site-key", salt="articles.share-link", sep="."
    ).sign(value)

    response = anon.get(reverse("articles:shared", args=[forged]))

    assert response.status_code == 404
    assert "Council plans" not in response.text


def test_a_secret_opens_only_its_own_link(desk_editor_client, anon):
    mine = draft(title="My draft about the bridge")
    theirs = draft(title="Their draft about the tunnel")
    my_token = path_of(make_link(desk_editor_client, mine)).split("/")[-2]
    make_link(desk_editor_client, theirs)
    their_link = ShareLink.objects.get(article=theirs)
    my_secret = my_token.split(".")[1]
    # Properly signed, but my secret with their link's selector.
    crossed = signing.TimestampSigner(salt="articles.share-link", sep=".").sign(
        f"{their_link.selector}.{my_secret}"
    )

    response = anon.get(reverse("articles:shared", args=[crossed]))

    assert response.status_code == 404
    assert "Their draft" not in response.text


def test_a_link_opens_its_own_article_only(desk_editor_client, anon):
    mine = draft(title="My draft about the bridge")
    draft(title="Their draft about the tunnel")

    response = anon.get(path_of(make_link(desk_editor_client, mine)))

    assert "My draft about the bridge" in response.text
    assert "Their draft about the tunnel" not in response.text


def test_only_a_hash_of_the_secret_is_kept(desk_editor_client):
    token = path_of(make_link(desk_editor_client, draft())).split("/")[-2]
    secret = token.split(".")[1]
    link = ShareLink.objects.get()

    stored = " ".join(str(value) for value in vars(link).values())

    assert secret not in stored
    assert len(link.secret_hash) == 64


def test_once_published_the_link_leads_to_the_public_page(desk_editor_client, anon):
    article = draft()
    path = path_of(make_link(desk_editor_client, article))
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=MADE_AT - timedelta(hours=1)
    )

    response = anon.get(path)

    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


def test_a_link_lasts_seven_days_unless_chosen_and_thirty_at_most(desk_editor_client):
    article = draft()
    with time_machine.travel(MADE_AT, tick=False):
        page = desk_editor_client.get(share_url(article))
        assert 'value="7"' in page.text
        make_link(desk_editor_client, article)
        refused = desk_editor_client.post(share_url(article), {"days": "31"})

    link = ShareLink.objects.get()
    assert link.expires_at == MADE_AT + timedelta(days=7)
    assert link.created_by is not None
    assert refused.status_code == 200
    assert "less than or equal to 30" in refused.text
    assert ShareLink.objects.count() == 1


def test_the_links_page_lists_open_links_only(desk_editor_client):
    article = draft()
    make_link(desk_editor_client, article, label="Smith & Co lawyers")
    make_link(desk_editor_client, article, label="The mayor's office")
    revoked = ShareLink.objects.get(label="Smith & Co lawyers")
    desk_editor_client.post(revoke_url(revoked))

    page = desk_editor_client.get(share_url(article)).text

    assert "Open links (1)" in page
    assert "The mayor&#x27;s office" in page
    assert "Smith &amp; Co lawyers" not in page


def test_the_change_form_tells_of_open_links(desk_editor_client):
    article = draft()
    form = desk_editor_client.get(change_url(article)).text
    assert "No open links." in form
    assert f'href="{share_url(article)}"' in form

    make_link(desk_editor_client, article)
    form = desk_editor_client.get(change_url(article)).text

    assert "1 open link, the newest until" in form


def test_a_writer_cannot_make_or_revoke_links(
    writer, writer_client, desk_editor_client
):
    own = draft(created_by=writer)
    make_link(desk_editor_client, own)
    link = ShareLink.objects.get()

    page = writer_client.get(share_url(own))
    forged = writer_client.post(share_url(own), {"days": "7"})
    revoked = writer_client.post(revoke_url(link))

    assert page.status_code == 200
    assert "Make the link" not in page.text
    assert "Share a draft for review" not in writer_client.get(change_url(own)).text
    assert forged.status_code == 403
    assert revoked.status_code == 403
    assert ShareLink.objects.count() == 1
    assert ShareLink.objects.active().count() == 1


def test_a_link_is_revoked_only_through_its_own_article(desk_editor_client):
    mine, theirs = draft(), draft()
    make_link(desk_editor_client, theirs)
    link = ShareLink.objects.get()

    response = desk_editor_client.post(
        reverse("admin:articles_article_share_revoke", args=[mine.pk, link.pk])
    )

    assert response.status_code == 404
    assert ShareLink.objects.active().count() == 1


def test_revoking_needs_a_post(desk_editor_client):
    article = draft()
    make_link(desk_editor_client, article)
    link = ShareLink.objects.get()

    assert desk_editor_client.get(revoke_url(link)).status_code == 405
    assert ShareLink.objects.active().count() == 1


def test_no_links_are_made_for_a_live_article(desk_editor_client):
    live = make_article()

    page = desk_editor_client.get(share_url(live))
    forged = desk_editor_client.post(share_url(live), {"days": "7"})

    assert "This article is live" in page.text
    assert forged.status_code == 403
    assert not ShareLink.objects.exists()


def test_the_link_check_costs_one_query(django_assert_num_queries):
    article = draft()
    _, token = sharing.create_link(article)

    # The link by its selector.
    with django_assert_num_queries(1):
        verdict = sharing.check_token(token)

    assert verdict.is_open and verdict.link.article_id == article.pk
    with django_assert_num_queries(0):
        assert sharing.check_token(token + "x").state == "unknown"
