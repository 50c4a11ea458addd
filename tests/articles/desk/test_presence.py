"""“Alex Chen is also editing this article”: who else has the change form open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from articles import presence
from articles.models import Article
from tests.articles.desk.workflow_support import change_url, client_for, in_group
from tests.factories import make_article, make_staff_user

pytestmark = pytest.mark.django_db

# Near the real time: the desk's login sessions must not have expired.
OPENED = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def alex():
    return in_group("Editors", first_name="Alex", last_name="Chen")


@pytest.fixture
def sam():
    return in_group("Editors", first_name="Sam", last_name="Ray")


@pytest.fixture
def story() -> Article:
    return make_article(status=Article.Status.DRAFT, published_at=None)


def presence_url(article: Article) -> str:
    return reverse("admin:articles_article_presence", args=[article.pk])


def heartbeat(client: Client, article: Article) -> list[str]:
    response = client.post(presence_url(article))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    # timesince() keeps "3 minutes" together with a no-break space.
    return [" ".join(other["message"].split()) for other in response.json()["others"]]


def test_two_editors_on_the_same_form_see_each_other(alex, sam, story):
    alex_client, sam_client = client_for(alex), client_for(sam)
    with time_machine.travel(OPENED, tick=False):
        # Opening the form counts as Alex's first heartbeat.
        assert alex_client.get(change_url(story)).status_code == 200
    # Alex's script keeps the entry alive (every 20 seconds; a minute will do).
    for minute in (1, 2):
        with time_machine.travel(OPENED + timedelta(minutes=minute), tick=False):
            heartbeat(alex_client, story)
    with time_machine.travel(OPENED + timedelta(minutes=3), tick=False):
        heartbeat(alex_client, story)
        seen_by_sam = heartbeat(sam_client, story)
        seen_by_alex = heartbeat(alex_client, story)

    assert seen_by_sam == [
        "Alex Chen is also editing this article (opened 3 minutes ago)."
    ]
    assert seen_by_alex == ["Sam Ray is also editing this article (opened just now)."]


def test_nobody_else_on_the_form_means_an_empty_list(alex, story):
    client = client_for(alex)
    client.get(change_url(story))

    assert heartbeat(client, story) == []


def test_someone_who_left_is_gone_at_once(alex, sam, story):
    alex_client, sam_client = client_for(alex), client_for(sam)
    heartbeat(alex_client, story)

    response = alex_client.post(presence_url(story), {"leaving": "1"})

    assert response.status_code == 204
    assert heartbeat(sam_client, story) == []


def test_entries_lapse_without_heartbeats(alex, sam, story):
    alex_client, sam_client = client_for(alex), client_for(sam)
    with time_machine.travel(OPENED, tick=False):
        heartbeat(alex_client, story)
    late = OPENED + timedelta(seconds=presence.GONE_AFTER_SECONDS - 1)
    with time_machine.travel(late, tick=False):
        assert len(heartbeat(sam_client, story)) == 1
    gone = OPENED + timedelta(seconds=presence.GONE_AFTER_SECONDS + 1)
    with time_machine.travel(gone, tick=False):
        assert heartbeat(sam_client, story) == []


def test_each_article_has_its_own_list(alex, sam, story):
    other = make_article(status=Article.Status.DRAFT, published_at=None)
    heartbeat(client_for(alex), other)

    assert heartbeat(client_for(sam), story) == []


def test_someone_who_may_only_look_is_viewing(sam, story):
    viewer = make_staff_user(first_name="Vic", last_name="Reader")
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    heartbeat(client_for(viewer), story)

    assert heartbeat(client_for(sam), story) == [
        "Vic Reader is also viewing this article (opened just now)."
    ]


def test_the_change_form_loads_the_script_with_its_address(alex, story):
    html = client_for(alex).get(change_url(story)).text
    page = lxml.html.fromstring(html)

    (script,) = page.xpath('//script[contains(@src, "js/desk-presence.js")]')

    assert script.get("data-presence-url") == presence_url(story)
    assert script.get("data-heartbeat-seconds") == str(presence.HEARTBEAT_SECONDS)
    # The site's Content Security Policy allows no inline scripts.
    assert all(s.get("src") for s in page.xpath("//script[not(@type)]"))


def test_the_add_form_has_no_heartbeat(alex):
    html = client_for(alex).get(reverse("admin:articles_article_add")).text

    assert "desk-presence.js" not in html


def test_heartbeats_are_posted_with_a_csrf_token(alex, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alex)

    assert client.post(presence_url(story)).status_code == 403
    assert client.get(presence_url(story)).status_code == 405


def test_people_without_access_learn_nothing(alex, story, anon):
    heartbeat(client_for(alex), story)
    outsider = make_staff_user()

    assert client_for(outsider).post(presence_url(story)).status_code == 403
    assert anon.post(presence_url(story)).status_code == 302  # to the login page
    missing = reverse("admin:articles_article_presence", args=[story.pk + 1000])
    assert client_for(alex).post(missing).status_code == 404
