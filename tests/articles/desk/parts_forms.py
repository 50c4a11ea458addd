"""The article form as a browser sends it, for the tests of an article's parts.

The form is read from the page the desk renders (every inline's management
form and hidden position included) and sent back with rows added or values
changed, so the tests keep working whatever else the change form gains.
"""

from __future__ import annotations

import lxml.html
from django.test import Client
from django.urls import reverse

from articles.models import Article


def add_url() -> str:
    return reverse("admin:articles_article_add")


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def page_form(client: Client, url: str) -> dict[str, str]:
    """The values the article form at ``url`` would send, unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    (form,) = lxml.html.fromstring(response.content.decode()).xpath(
        '//form[@id="article_form"]'
    )
    data = {}
    for name, value in form.form_values():
        if "__prefix__" not in name and name != "action":
            data[name] = value
    return data


def add_rows(data: dict, prefix: str, rows: list[dict]) -> list[str]:
    """Add rows to the ``prefix`` inline as "Add another" would; their prefixes."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    added = []
    for n, row in enumerate(rows, start=total):
        # A new row's hidden position starts at 0, as the empty form has it.
        data.update({f"{prefix}-{n}-position": "0"})
        data.update({f"{prefix}-{n}-{key}": str(value) for key, value in row.items()})
        added.append(f"{prefix}-{n}")
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return added


def new_article(client: Client, category, **fields) -> dict:
    """A new draft's form: title, standfirst and category filled in."""
    data = page_form(client, add_url())
    data.update(
        {
            "title": "Harbour reopens",
            "slug": "harbour-reopens",
            "standfirst": "Boats are back.",
            "category": str(category.pk),
            "tags": "",
            "status": "draft",
        }
    )
    data.update(fields)
    return data


def table_row(**fields) -> dict:
    row = {
        "caption": "Boats by month",
        "data": "Month\tBoats\nMay\t12\nJune\t30",
        "is_first_row_header": "on",
        "source_note": "",
        "section": "",
    }
    row.update(fields)
    return row


def errors_of(response, field_id: str) -> list[str]:
    """The error messages shown with the field whose input has ``field_id``."""
    page = lxml.html.fromstring(response.content.decode())
    (control,) = page.xpath(f'//*[@id="{field_id}"]')
    row = control.xpath('ancestor::div[contains(@class, "form-row")][1]')[0]
    return [
        item.text_content()
        for item in row.xpath('.//ul[contains(@class, "errorlist")]/li')
    ]
