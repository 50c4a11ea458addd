"""The desk's login: one message for every refusal, failed logins throttled per
address and per username, a lockout an operator can lift, and passwords that
must pass the validators."""

from __future__ import annotations

import importlib
import io
import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from articles.models import RESERVED_CATEGORY_SLUGS, Category
from newsroom import admin_guard
from newsroom.admin_path import PUBLIC_TOP_LEVEL, parse_admin_path
from tests.factories import make_staff_user
from tests.subprocesses import manage

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-only"
LOGIN_PAGE_TEXT = "Newsroom login"


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting every password it checks or hashes."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0


@pytest.fixture
def login_url() -> str:
    return reverse("admin:login")


def attempt(
    login_url: str,
    username: str,
    password: str,
    address: str = "203.0.113.10",
    **extra: str,
):
    """One login from ``address``, as a browser would: a fresh client each time."""
    client = Client(REMOTE_ADDR=address, **extra)
    response = client.post(
        login_url,
        {"username": username, "password": password, "next": reverse("admin:index")},
    )
    response.client_used = client
    return response


def refusal(response) -> str:
    """The error note of a refused login, with the page's markup removed."""
    notes = re.findall(
        r'<p class="errornote"[^>]*>(.*?)</p>', response.content.decode(), re.S
    )
    return " ".join(" ".join(note.split()) for note in notes)


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in (
        response.client_used.session
    )


# The page and its one message ------------------------------------------------


def test_login_page_is_the_newsroom_login(anon, login_url):
    response = anon.get(login_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{LOGIN_PAGE_TEXT}</h1>" in page
    assert "staff account" not in page


def test_every_refusal_reads_the_same(login_url):
    editor = make_staff_user()
    make_staff_user(username="retired", is_active=False)
    User.objects.create_user(username="reader", password=PASSWORD)  # not staff

    answers = {
        "wrong password": attempt(login_url, editor.username, "not-the-password"),
        "unknown username": attempt(login_url, "nobody-by-this-name", PASSWORD),
        "inactive account": attempt(login_url, "retired", PASSWORD),
        "not staff": attempt(login_url, "reader", PASSWORD),
    }

    for why, response in answers.items():
        assert response.status_code == 200, why
        assert refusal(response) == admin_guard.LOGIN_REFUSED, why
    page = answers["wrong password"].content.decode()
    for telltale in ("password is", "username is", "inactive", "staff account"):
        assert telltale not in page.lower()


def test_an_editor_logs_in(login_url):
    editor = make_staff_user()
    assert logged_in(attempt(login_url, editor.username, PASSWORD))


# Throttling ----------------------------------------------------------------------


def test_failures_from_one_address_lock_that_address(login_url, settings):
    editor = make_staff_user()
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(login_url, f"guess-{n}", "wrong", address="198.51.100.7")
        # The failure that reaches the limit is answered with the lockout page.
        last = n == settings.AXES_FAILURE_LIMIT - 1
        assert response.status_code == (429 if last else 200)

    # Even the right password is not checked from there now.
    locked = attempt(login_url, editor.username, PASSWORD, address="198.51.100.7")
    assert locked.status_code == 429
    assert not logged_in(locked)
    # The editor, from elsewhere, is not affected.
    assert logged_in(attempt(login_url, editor.username, PASSWORD, "192.0.2.55"))


def test_failures_for_one_username_lock_that_username_everywhere(login_url, settings):
    editor = make_staff_user()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, editor.username, "wrong", address=f"198.51.100.{n + 1}")

    locked = attempt(login_url, editor.username, PASSWORD, address="192.0.2.200")
    assert locked.status_code == 429
    assert not logged_in(locked)
    # Other accounts at a fresh address carry on.
    colleague = make_staff_user()
    assert logged_in(attempt(login_url, colleague.username, PASSWORD, "192.0.2.201"))


def test_the_lockout_page_is_friendly_and_says_nothing_about_the_account(
    login_url, settings
):
    editor = make_staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, editor.username, "wrong")
    response = attempt(login_url, editor.username, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "15 minutes" in page
    assert "administrator" in page
    assert editor.username not in page
    assert "203.0.113.10" not in page


def test_a_locked_login_costs_no_password_hashing(login_url, settings):
    editor = make_staff_user()
    CountingHasher.calls = 0
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, editor.username, "wrong")
    # Until the lockout every attempt is checked: one hash each.
    assert CountingHasher.calls == settings.AXES_FAILURE_LIMIT

    CountingHasher.calls = 0
    for password in (PASSWORD, "wrong", "another guess") * 10:
        assert attempt(login_url, editor.username, password).status_code == 429
    for n in range(10):  # unknown usernames from the locked address
        assert attempt(login_url, f"someone-{n}", "x").status_code == 429
    assert CountingHasher.calls == 0


def test_a_locked_login_costs_a_few_small_queries(
    login_url, settings, django_assert_max_num_queries
):
    editor = make_staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, editor.username, "wrong")
    attempt(login_url, editor.username, "wrong")  # the page's menu is now cached
    # Two counts (address, username) and the clean-up of expired records.
    with django_assert_max_num_queries(4):
        assert attempt(login_url, editor.username, PASSWORD).status_code == 429


def test_attempts_while_locked_do_not_extend_or_grow_the_record(login_url, settings):
    editor = make_staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, editor.username, "wrong")
    record = AccessAttempt.objects.get(username=editor.username)

    for _ in range(20):
        attempt(login_url, editor.username, "wrong")

    again = AccessAttempt.objects.get(username=editor.username)
    assert again.failures_since_start == record.failures_since_start
    assert again.attempt_time == record.attempt_time
    assert len(again.post_data) == len(record.post_data)


def test_the_lock_lifts_after_the_cool_off(login_url, settings):
    editor = make_staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, editor.username, "wrong")
    assert attempt(login_url, editor.username, PASSWORD).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert attempt(login_url, editor.username, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert logged_in(attempt(login_url, editor.username, PASSWORD))


def test_limit_and_cool_off_come_from_the_settings(login_url, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    editor = make_staff_user()
    attempt(login_url, editor.username, "wrong")
    attempt(login_url, editor.username, "wrong")
    response = attempt(login_url, editor.username, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "180"
    assert "3 minutes" in response.content.decode()


def test_without_a_cool_off_the_lock_stays_until_lifted(login_url, settings):
    settings.AXES_COOLOFF_TIME = None  # NEWSROOM_LOGIN_COOLOFF_MINUTES=0
    editor = make_staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, editor.username, "wrong")
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        response = attempt(login_url, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "Retry-After" not in response
    assert "ask a site administrator to unlock" in response.content.decode().lower()


def test_a_successful_login_clears_earlier_failures(login_url, settings):
    editor = make_staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(login_url, editor.username, "wrong")
    assert logged_in(attempt(login_url, editor.username, PASSWORD))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(login_url, editor.username, "wrong")
    assert logged_in(attempt(login_url, editor.username, PASSWORD))


# The address, as the comments see it --------------------------------------------


def test_behind_a_proxy_the_address_is_the_last_forwarded_one(login_url, settings):
    settings.NEWSROOM_CLIENT_IP_HEADER = "X-Forwarded-For"
    editor = make_staff_user()
    proxy = "127.0.0.1"
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The attacker makes up the first entry; the proxy appends the real one.
        attempt(
            login_url,
            f"guess-{n}",
            "wrong",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.9",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.9"
    }
    assert (
        attempt(
            login_url,
            "guess-x",
            "wrong",
            address=proxy,
            HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.9",
        ).status_code
        == 429
    )
    # Another reader behind the same proxy is someone else.
    other = attempt(
        login_url,
        editor.username,
        PASSWORD,
        address=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert logged_in(other)


def test_without_a_trusted_header_forwarded_addresses_are_ignored(login_url, settings):
    settings.NEWSROOM_CLIENT_IP_HEADER = ""
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(
            login_url,
            f"guess-{n}",
            "wrong",
            address="198.51.100.20",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.20"
    }


def test_an_ipv6_network_counts_as_one_address(login_url, settings):
    editor = make_staff_user()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, f"guess-{n}", "wrong", address=f"2001:db8:1:2::{n + 1:x}")
    locked = attempt(login_url, editor.username, PASSWORD, "2001:db8:1:2:ffff::1")
    assert locked.status_code == 429
    assert logged_in(attempt(login_url, editor.username, PASSWORD, "2001:db8:1:3::1"))


# Unlocking -----------------------------------------------------------------------


def lock_out(login_url: str, username: str, limit: int) -> None:
    for _ in range(limit):
        attempt(login_url, username, "wrong")
    assert attempt(login_url, username, PASSWORD).status_code == 429


def test_an_operator_unlocks_a_username_from_the_command_line(login_url, settings):
    editor = make_staff_user()
    lock_out(login_url, editor.username, settings.AXES_FAILURE_LIMIT)

    call_command("axes_reset_username", editor.username, stdout=io.StringIO())

    assert logged_in(attempt(login_url, editor.username, PASSWORD, "192.0.2.9"))


def test_an_operator_unlocks_an_address_from_the_command_line(login_url, settings):
    editor = make_staff_user()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(login_url, f"guess-{n}", "wrong", address="198.51.100.30")
    assert (
        attempt(login_url, editor.username, PASSWORD, "198.51.100.30").status_code
        == 429
    )

    call_command("axes_reset_ip", "198.51.100.30", stdout=io.StringIO())

    assert logged_in(attempt(login_url, editor.username, PASSWORD, "198.51.100.30"))


def test_an_operator_unlocks_everyone_from_the_command_line(login_url, settings):
    editor = make_staff_user()
    lock_out(login_url, editor.username, settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset", stdout=io.StringIO())
    assert logged_in(attempt(login_url, editor.username, PASSWORD))


def test_an_administrator_unlocks_an_account_in_the_desk(login_url, settings):
    editor = make_staff_user()
    lock_out(login_url, editor.username, settings.AXES_FAILURE_LIMIT)
    admin = Client()
    admin.force_login(make_staff_user(is_superuser=True))

    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert editor.username in listing.content.decode()
    attempts = list(
        AccessAttempt.objects.filter(username=editor.username).values_list(
            "pk", flat=True
        )
    )
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(pk) for pk in attempts],
            "post": "yes",
        },
    )
    assert response.status_code == 302

    assert not AccessAttempt.objects.filter(username=editor.username).exists()
    assert logged_in(attempt(login_url, editor.username, PASSWORD))


# Passwords -----------------------------------------------------------------------


def add_user(admin: Client, username: str, password: str):
    return admin.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password", "too common"),
        ("short1!", "too short"),
        ("83749201938", "entirely numeric"),
        ("newdesk-helen", "too similar to the username"),
    ],
)
def test_the_desk_refuses_weak_passwords(password, why):
    admin = Client()
    admin.force_login(make_staff_user(is_superuser=True))

    response = add_user(admin, "newdesk-helen", password)

    assert response.status_code == 200, why
    assert response.context["adminform"].form.errors, why
    assert not User.objects.filter(username="newdesk-helen").exists()


def test_the_desk_accepts_a_strong_password():
    admin = Client()
    admin.force_login(make_staff_user(is_superuser=True))
    response = add_user(admin, "newdesk-helen", "harbour-lantern-quietly-47")
    assert response.status_code == 302
    assert User.objects.filter(username="newdesk-helen").exists()


def test_password_validators_are_configured(settings):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


# Where the desk lives --------------------------------------------------------------


@pytest.mark.parametrize("value", ["admin/", "desk/", "office/desk/", "Desk-7f3a/"])
def test_admin_paths_that_are_accepted(value):
    assert parse_admin_path(value) == value


def test_an_empty_admin_path_means_the_default():
    assert parse_admin_path("") == "admin/"
    assert parse_admin_path(None) == "admin/"


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("/desk/", "must not start with a slash"),
        ("desk", "must end with a slash"),
        ("desk//", "path segments"),
        ("../desk/", "path segments"),
        ("desk/../", "path segments"),
        ("desk here/", "path segments"),
        ("dësk/", "path segments"),
        ("desk?x=1/", "path segments"),
        ("search/", "public site uses that address"),
        ("Feeds/desk/", "public site uses that address"),
        ("static/", "public site uses that address"),
    ],
)
def test_admin_paths_that_are_refused(value, complaint):
    with pytest.raises(ImproperlyConfigured, match=re.escape(complaint)):
        parse_admin_path(value)


def test_every_reserved_category_slug_but_admin_is_refused_as_the_desk_path():
    # articles.models keeps the same list for category slugs.
    assert {slug.lower() for slug in RESERVED_CATEGORY_SLUGS} - {"admin"} == set(
        PUBLIC_TOP_LEVEL
    )


@pytest.fixture
def desk_elsewhere(settings):
    """The site's own URLs with the desk at office-desk/."""
    import newsroom.urls

    original = settings.NEWSROOM_ADMIN_PATH
    settings.NEWSROOM_ADMIN_PATH = "office-desk/"
    importlib.reload(newsroom.urls)
    clear_url_caches()
    yield "/office-desk/"
    settings.NEWSROOM_ADMIN_PATH = original
    importlib.reload(newsroom.urls)
    clear_url_caches()


def test_the_desk_moves_with_its_setting(desk_elsewhere, anon):
    assert reverse("admin:index") == desk_elsewhere
    assert reverse("admin:login") == f"{desk_elsewhere}login/"

    response = anon.get(desk_elsewhere)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{desk_elsewhere}login/")
    assert LOGIN_PAGE_TEXT in anon.get(f"{desk_elsewhere}login/").content.decode()
    assert anon.get("/admin/").status_code == 404
    assert f"Disallow: {desk_elsewhere}" in anon.get("/robots.txt").content.decode()
    assert f'href="{desk_elsewhere}"' in anon.get("/").content.decode()


def test_no_category_can_take_the_desks_address(desk_elsewhere):
    category = Category(name="Office desk", slug="office-desk")
    with pytest.raises(ValidationError, match="used by another part of the site"):
        category.full_clean()
    with pytest.raises(ValidationError):
        Category(name="Admin", slug="admin").full_clean()


@pytest.mark.slow
def test_the_environment_sets_path_limit_and_cool_off():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; from django.urls import reverse; "
        "print(reverse('admin:index'), settings.AXES_FAILURE_LIMIT, "
        "settings.AXES_COOLOFF_TIME)",
        NEWSROOM_ADMIN_PATH="office/desk/",
        NEWSROOM_LOGIN_FAILURES="3",
        NEWSROOM_LOGIN_COOLOFF_MINUTES="0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/office/desk/", "3", "None"]
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.AXES_COOLOFF_TIME)",
        NEWSROOM_LOGIN_COOLOFF_MINUTES="30",
    )
    assert result.stdout.strip() == "0:30:00"
