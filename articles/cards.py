"""Facts other apps add to the article cards on list pages (a comment count…).

An app registers a function taking the request and the articles about to be
shown; it sets attributes on them in a fixed number of queries. The articles
app thus shows what other apps know without importing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest

from .models import Article

CardDecorator = Callable[[HttpRequest, list[Article]], None]
_decorators: list[CardDecorator] = []


def register_card_decorator(decorator: CardDecorator) -> None:
    if decorator not in _decorators:
        _decorators.append(decorator)


def decorate_cards(request: HttpRequest, *groups: Iterable[Article]) -> None:
    articles = [article for group in groups for article in group if article]
    if not articles:
        return
    for decorator in _decorators:
        decorator(request, articles)
