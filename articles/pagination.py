"""Page numbers from the address bar, checked once for every paginated page."""

from __future__ import annotations

import re

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

PER_PAGE = 20
# Deeper pages are refused rather than making the database skip millions of rows.
MAX_PAGE = 500

# Short ASCII digits, no sign, no leading zero; anything else is not a page of ours.
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}\Z")


def page_number(
    request: HttpRequest, name: str = "page", maximum: int = MAX_PAGE
) -> int:
    """The page asked for (1 when absent); Http404 for anything malformed or too deep."""
    raw = request.GET.get(name, "1")
    if not _PAGE_NUMBER.match(raw) or int(raw) > maximum:
        raise Http404("No such page.")
    return int(raw)


def paginate(
    request: HttpRequest, items: QuerySet | list, per_page: int = PER_PAGE
) -> Page:
    """The requested page of ``items``; a malformed or missing page is a 404."""
    number = page_number(request)
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    if number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)
