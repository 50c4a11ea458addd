"""People at the desk and the article form as their browser would send it.

The forms are read from the page the desk renders (every inline's management
form included) and sent back with a few values changed, as a person would:
tests keep working whatever inlines the change form gains.
"""

from __future__ import annotations

import lxml.html
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from articles import roles
from articles.models import Article
from tests.factories import make_author, make_staff_user


def in_group(name: str, **fields) -> User:
    user = make_staff_user(**fields)
    user.groups.add(Group.objects.get(name=name))
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer(db) -> User:
    """A writer whose author profile is "Wren Writer"."""
    user = in_group(roles.WRITERS, first_name="Wren", last_name="Writer")
    make_author(name="Wren Writer", user=user)
    return user


@pytest.fixture
def writer_client(writer) -> Client:
    return client_for(writer)


@pytest.fixture
def desk_editor(db) -> User:
    return in_group(roles.EDITORS, first_name="Eda", last_name="Editor")


@pytest.fixture
def desk_editor_client(desk_editor) -> Client:
    return client_for(desk_editor)


def add_url() -> str:
    return reverse("admin:articles_article_add")


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(client: Client, url: str) -> dict[str, str | list[str]]:
    """What the browser would send from the article form at ``url``, unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page = lxml.html.fromstring(response.content)
    (form,) = page.xpath('//form[@id="article_form"]')
    data: dict[str, str | list[str]] = {}
    for name, value in form.form_values():
        if name in data:
            previous = data[name]
            data[name] = (
                [*previous, value]
                if isinstance(previous, list)
                else [
                    previous,
                    value,
                ]
            )
        else:
            data[name] = value
    data.pop("action", None)  # the change form's action menu, not a save
    return data


def add_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    """New inline rows under ``prefix`` ("sections"), after the ones already there."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for n, row in enumerate(rows, start=total):
        data.update({f"{prefix}-{n}-{key}": str(value) for key, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return data


def text_section(
    heading: str = "What happened", body: str = "The council met."
) -> dict:
    return {"kind": "text", "heading": heading, "body": body, "position": 1}


def new_article_data(client: Client, category, **overrides) -> dict:
    """A complete new article: title, standfirst, category, one text section."""
    data = form_data(client, add_url())
    data.update(
        {
            "title": "Budget vote tonight",
            "slug": "budget-vote-tonight",
            "standfirst": "The council decides on spending.",
            "category": str(category.pk),
            "tags": "",
            "status": "draft",
        }
    )
    add_rows(data, "sections", [text_section()])
    data.update(overrides)
    return data


def published_at_fields(day: str, time: str) -> dict:
    return {"published_at_0": day, "published_at_1": time}
