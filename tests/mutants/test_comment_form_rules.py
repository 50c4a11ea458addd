"""The comment form (comments/forms.py): its stamp, and the exact words of every refusal.

Written for the mutants that survived ``make mutants`` (docs/mutants.md).
"""

import time

import pytest
from django.contrib.auth.models import User

from comments.forms import CommentForm
from comments.signing import form_age, form_timestamp
from tests.comments.posting import comment_data


def _errors(**fields) -> dict:
    form = CommentForm(data=comment_data(**fields))
    form.is_valid()
    return form.errors.get_json_data()


def test_a_new_form_carries_a_fresh_stamp():
    shown_at = CommentForm()["shown_at"].value()
    assert 0 <= form_age(shown_at) < 5


def test_a_form_given_back_to_post_again_gets_a_fresh_stamp():
    old = CommentForm(data=comment_data(shown_at=form_timestamp(time.time() - 3600)))
    again = old.fresh()
    assert 0 <= form_age(again.data["shown_at"]) < 5
    assert again.data["body"] == old.data["body"]


@pytest.mark.django_db
def test_a_logged_in_reader_given_the_form_back_is_still_logged_in():
    reader = User.objects.create_user(username="reader")
    form = CommentForm(
        data=comment_data(author_name="", author_email=""), user=reader
    ).fresh()
    assert form.is_valid(), form.errors
    assert form.user == reader


def test_a_line_break_counts_once_though_browsers_send_two_characters():
    body = ("x" * 98 + "\r\n") * 50  # 5,000 characters as the textarea counts them
    form = CommentForm(data=comment_data(body=body))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == ("x" * 98 + "\n") * 49 + "x" * 98


def test_a_body_of_invisible_characters_is_refused_like_an_empty_one():
    invisible = _errors(body="\u200b\u202e \u2066")
    assert invisible["body"] == _errors(body="")["body"]
    assert invisible["body"] == [
        {"message": "Please write your comment.", "code": "required"}
    ]


def test_an_email_with_invisible_characters_is_refused_like_a_malformed_one():
    hidden = _errors(author_email="ada@exa\u200bmple.com")
    assert (
        hidden["author_email"] == _errors(author_email="ada@@example")["author_email"]
    )
    assert hidden["author_email"] == [
        {
            "message": "Please give an e-mail address like name@example.com.",
            "code": "invalid",
        }
    ]


def test_a_guest_is_asked_for_a_name_and_an_email_on_their_own_fields():
    errors = _errors(author_name="\u200b", author_email="")
    assert errors["author_name"][0]["message"] == (
        "Please give the name to show with your comment."
    )
    assert errors["author_email"][0]["message"] == (
        "Please give your e-mail address (it is never shown)."
    )
    assert "__all__" not in errors


def test_a_reply_to_a_bad_parent_says_so_where_the_reader_sees_it():
    errors = _errors(parent="zero")
    assert errors["__all__"] == [
        {
            "message": "The comment you replied to is not available any more.",
            "code": "",
        }
    ]
