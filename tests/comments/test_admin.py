import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Ban, Comment, Report
from tests.factories import make_article, make_comment, make_staff_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")
Status = Comment.Status


def _act(client: Client, action: str, *comments: Comment):
    return client.post(
        QUEUE,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def _report(comment: Comment, reporter: str, **fields) -> Report:
    return Report.objects.create(
        comment=comment, reporter=reporter, reason="abuse", **fields
    )


def _queue_html(client: Client, query: str = "") -> str:
    response = client.get(f"{QUEUE}{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_waiting_and_reported_comments_come_before_approved_ones(admin_client):
    article = make_article()
    make_comment(article, body="Older waiting comment.", status=Status.PENDING)
    make_comment(article, body="Reported again comment.", needs_review=True)
    make_comment(article, body="Newest approved comment.")

    html = _queue_html(admin_client)

    waiting = html.index("Older waiting comment.")
    reported = html.index("Reported again comment.")
    approved = html.index("Newest approved comment.")
    assert reported < waiting < approved


def test_the_queue_shows_the_rule_and_reason_that_held_a_comment(admin_client):
    make_comment(
        make_article(title="Harbour plans"),
        status=Status.PENDING,
        rule=Comment.Rule.BLOCKLIST,
        reason="Contains the blocked word “xyz”.",
    )
    html = _queue_html(admin_client)
    assert "Contains the blocked word “xyz”." in html
    assert "Blocked word" in html
    assert "Harbour plans" in html


def test_the_queue_counts_open_reports(admin_client):
    comment = make_comment(make_article(), needs_review=True)
    _report(comment, "a")
    _report(comment, "b")
    _report(comment, "c", resolved_at=timezone.now())

    html = _queue_html(admin_client)

    assert '<td class="field-open_reports">2</td>' in html


def test_queue_filter_narrows_to_what_needs_a_decision(admin_client):
    article = make_article()
    make_comment(article, body="Waiting one.", status=Status.PENDING)
    make_comment(article, body="Reported one.", needs_review=True)
    make_comment(article, body="Settled one.")

    needing = _queue_html(admin_client, "?queue=decide")
    reported = _queue_html(admin_client, "?queue=reported")

    assert "Waiting one." in needing and "Reported one." in needing
    assert "Settled one." not in needing
    assert "Reported one." in reported
    assert "Waiting one." not in reported and "Settled one." not in reported


@pytest.mark.parametrize(
    "query", ["ferry timetable", "Wilhelmina", "w.mina@example.org", "Lighthouse"]
)
def test_search_finds_text_name_email_and_article(admin_client, query):
    make_comment(
        make_article(title="Lighthouse restored"),
        body="The ferry timetable changed again.",
        author_name="Wilhelmina",
        author_email="W.Mina@example.org",
    )
    make_comment(make_article(), body="Unrelated remark.", author_name="Bob")

    html = _queue_html(admin_client, f"?q={query}")

    assert "The ferry timetable changed again." in html
    assert "Unrelated remark." not in html


def _fill_queue(count: int) -> None:
    moderator = make_staff_user()
    for n in range(count):
        article = make_article()
        parent = make_comment(article, decided_by=moderator)
        reply = make_comment(article, parent=parent, status=Status.PENDING)
        _report(reply, f"reader-{n}")


def test_the_queue_needs_the_same_queries_for_few_or_many_comments(
    admin_client, django_assert_max_num_queries
):
    _fill_queue(3)
    with django_assert_max_num_queries(6) as few:
        _queue_html(admin_client)
    _fill_queue(27)
    with django_assert_max_num_queries(6) as many:
        html = _queue_html(admin_client)
    assert "60 comments" in html
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("action", "status", "reason"),
    [
        ("approve", Status.APPROVED, "Approved by a moderator."),
        ("reject", Status.REJECTED, "Rejected by a moderator."),
        ("mark_spam", Status.SPAM, "Spam by a moderator."),
    ],
)
def test_decisions_record_the_moderator_and_settle_reports(
    admin_client, admin_user, action, status, reason
):
    held = make_comment(make_article(), status=Status.PENDING)
    reported = make_comment(make_article(), needs_review=True)
    _report(reported, "reader")

    response = _act(admin_client, action, held, reported)

    assert "2 comments" in response.content.decode()
    for comment in (held, reported):
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.decided_by == admin_user
        assert comment.decided_at is not None
        assert comment.rule == Comment.Rule.MODERATOR
        assert comment.reason == reason
        assert not comment.needs_review
    assert not Report.objects.filter(resolved_at__isnull=True).exists()


def test_approving_an_approved_comment_changes_nothing(admin_client):
    comment = make_comment(make_article(), reason="Published at once.")
    response = _act(admin_client, "approve", comment)
    assert "0 comments approved." in response.content.decode()
    comment.refresh_from_db()
    assert comment.reason == "Published at once."
    assert comment.decided_by is None


def test_banning_e_mail_addresses_rejects_the_comments(admin_client, admin_user):
    article = make_article()
    first = make_comment(article, author_email="Troll@Example.com")
    second = make_comment(article, author_email="troll@example.com ")
    anonymous = make_comment(article, author_email="")
    Ban.objects.create(kind="email", value="old@example.com")
    earlier = make_comment(article, author_email="old@example.com")

    response = _act(admin_client, "ban_emails", first, second, anonymous, earlier)

    assert "1 e-mail address banned; 3 comments rejected." in response.content.decode()
    ban = Ban.objects.get(value="troll@example.com")
    assert ban.kind == Ban.Kind.EMAIL
    assert ban.created_by == admin_user
    assert Ban.objects.count() == 2
    for comment in (first, second, earlier):
        comment.refresh_from_db()
        assert comment.status == Status.REJECTED
        assert comment.reason == "Banned"
        assert comment.decided_by == admin_user
    anonymous.refresh_from_db()
    assert anonymous.status == Status.APPROVED


def test_banning_network_addresses_skips_purged_ones(admin_client):
    article = make_article()
    one = make_comment(article, ip_address="2001:DB8::1")
    same = make_comment(article, ip_address="2001:db8::1")
    purged = make_comment(article, ip_address=None)

    response = _act(admin_client, "ban_addresses", one, same, purged)

    assert "1 network address banned; 2 comments rejected." in response.content.decode()
    # An IPv6 reader holds a whole /64: that is what gets banned.
    assert list(Ban.objects.values_list("kind", "value")) == [
        ("address", "2001:db8::/64")
    ]
    purged.refresh_from_db()
    assert purged.status == Status.APPROVED


def _change_form(comment: Comment, **fields) -> dict:
    data = {
        "body": comment.body,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "status": comment.status,
        "reason": comment.reason,
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        "reports-MIN_NUM_FORMS": "0",
        "reports-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def test_changing_the_status_on_the_form_is_a_moderator_decision(
    admin_client, admin_user
):
    comment = make_comment(
        make_article(),
        status=Status.PENDING,
        rule=Comment.Rule.LINKS,
        reason="3 links (more than 2).",
    )
    _report(comment, "reader")
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    response = admin_client.post(
        url, _change_form(comment, status="approved", body="Edited words.")
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert comment.body == "Edited words."
    assert comment.rule == Comment.Rule.MODERATOR
    assert comment.reason == "Approved by a moderator."
    assert comment.decided_by == admin_user
    assert comment.reports.get().resolved_at is not None


def test_a_reason_written_on_the_form_is_kept_with_the_decision(admin_client):
    comment = make_comment(make_article())
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    admin_client.post(
        url, _change_form(comment, status="rejected", reason="Personal attack.")
    )
    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert comment.reason == "Personal attack."


def test_editing_without_a_new_status_keeps_the_decision(admin_client):
    comment = make_comment(
        make_article(), rule=Comment.Rule.TRUSTED, reason="Has an approved comment."
    )
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    admin_client.post(url, _change_form(comment, body="Typo fixed."))
    comment.refresh_from_db()
    assert comment.body == "Typo fixed."
    assert comment.rule == Comment.Rule.TRUSTED
    assert comment.decided_by is None


def test_the_change_page_lists_reports_and_origin_read_only(admin_client):
    comment = make_comment(
        make_article(), ip_address="192.0.2.7", user_agent="ExampleBrowser/1.0"
    )
    _report(comment, "reader", detail="Insults another reader.")
    html = admin_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()
    assert "Insults another reader." in html
    assert "192.0.2.7" in html and "ExampleBrowser/1.0" in html
    assert 'name="ip_address"' not in html
    assert 'name="user_agent"' not in html
    assert 'name="reports-0-detail"' not in html


def test_comments_are_not_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_a_ban_added_by_hand_is_stamped_and_stored_in_lower_case(
    admin_client, admin_user
):
    url = reverse("admin:comments_ban_add")
    response = admin_client.post(
        url, {"kind": "email", "value": " Spam@Example.COM ", "reason": "Adverts"}
    )
    assert response.status_code == 302
    ban = Ban.objects.get()
    assert ban.value == "spam@example.com"
    assert ban.created_by == admin_user

    again = admin_client.post(url, {"kind": "email", "value": "SPAM@example.com"})
    assert again.status_code == 200
    assert Ban.objects.count() == 1

    wrong = admin_client.post(url, {"kind": "address", "value": "not-an-address"})
    assert wrong.status_code == 200
    assert Ban.objects.count() == 1


def test_reports_and_subscribers_are_listed_read_only(admin_client):
    comment = make_comment(make_article(), body="Rude words here.")
    report = _report(comment, "reader", detail="Very rude.")
    html = _queue_html(admin_client)  # the queue still works with reports
    assert "Rude words here." in html

    reports = admin_client.get(reverse("admin:comments_report_changelist"))
    assert "Very rude." in reports.content.decode()
    assert "Rude words here." in reports.content.decode()
    assert admin_client.get(reverse("admin:comments_report_add")).status_code == 403
    detail = admin_client.get(
        reverse("admin:comments_report_change", args=[report.pk])
    ).content.decode()
    assert 'name="detail"' not in detail
    assert (
        admin_client.get(reverse("admin:comments_subscriber_changelist")).status_code
        == 200
    )


def test_an_approval_shows_on_its_article_at_once_and_only_there(
    admin_client, anon, django_capture_on_commit_callbacks
):
    article = make_article()
    other = make_article()
    comment = make_comment(
        article, body="The bridge repairs are overdue.", status=Status.PENDING
    )
    before = anon.get(article.get_absolute_url())
    assert "The bridge repairs are overdue." not in before.content.decode()
    assert anon.get(other.get_absolute_url())["X-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        _act(admin_client, "approve", comment)

    page = anon.get(article.get_absolute_url())
    assert "The bridge repairs are overdue." in page.content.decode()
    assert page["X-Cache"] == "miss"
    assert anon.get(other.get_absolute_url())["X-Cache"] == "hit"
