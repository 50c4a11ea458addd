"""The newsroom desk's defences: its login, its lockout page, and its lists.

- Login: one message for every refusal, whichever part of the credentials
  was wrong (or if the account may not use the desk).
- Lockout: django-axes counts failed logins per address and per username
  (settings.py); a locked-out login gets the 429 page, never a password check.
- Lists: a hand-made filter, ordering or page number in a change list's
  address gets a 400 page or is ignored, never a 500
  (``AdminInputGuardMiddleware``).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.main import IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import DataError, NotSupportedError
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from comments.abuse import client_ip

logger = logging.getLogger(__name__)

LOGIN_REFUSED = (
    "That username and password do not match an account that may use the "
    "newsroom desk. Check both and try again."
)


class NewsroomLoginForm(AdminAuthenticationForm):
    """The desk's login form: a wrong username, a wrong password, an inactive
    account and one that is not staff all get the same words."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": LOGIN_REFUSED,
        "inactive": LOGIN_REFUSED,
    }


def login_address(request: HttpRequest) -> str | None:
    """The address failed logins are counted against (django-axes' client IP).

    The same address the comments' rate limits and bans use: the connection's,
    or the trusted proxy's header (NEWSROOM_CLIENT_IP_HEADER). An IPv6 client
    can pick any address of its /64 network, so the network's first address
    stands for all of them.
    """
    address = client_ip(request)
    if address and ":" in address:
        network = ipaddress.ip_network(f"{address}/64", strict=False)
        return str(network.network_address)
    return address


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The 429 page for a login refused because of too many failures.

    It says how long to wait and whom to ask, and never which username or
    address was locked, nor whether the account exists.
    """
    cool_off: timedelta | None = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    content = render_to_string(
        "429.html", {"cool_off_minutes": minutes}, request=request
    )
    response = HttpResponse(content, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response


# Lookups the desk's own filters, date drill-down and links use. Anything else
# typed into a list's address (regular expressions, which SQLite runs in
# Python and a crafted one can keep busy for minutes; full-text or accent
# functions a database may not have) is refused with a 400.
ALLOWED_LOOKUPS = frozenset(
    {
        "exact",
        "iexact",
        "in",
        "isnull",
        "isempty",  # the admin's "empty / not empty" filter
        "gt",
        "gte",
        "lt",
        "lte",
        "year",
        "month",
        "day",
        "date",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
    }
)
# A search in a list (?q=) or an autocomplete box (?term=) longer than this,
# or of more words, is refused: each word is matched against every search
# field, and nobody types this much into a search box.
SEARCH_MAX_CHARS = 500
SEARCH_MAX_WORDS = 20
# What Django raises when a hand-made filter, page, ordering or selection
# reaches the query or the form: the input's fault, so a 400 and not a 500.
INPUT_ERRORS = (
    ValueError,  # a malformed number or date (UnicodeError among them)
    OverflowError,  # a number too large for Python's datetime or for SQLite
    TypeError,
    AttributeError,  # a string where a date belongs (initial values of a form)
    LookupError,  # IndexError, KeyError
    ValidationError,
    FieldError,
    DataError,  # PostgreSQL: a value out of range for its column
    NotSupportedError,
)


def _bad_request(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("400.html", request=request), status=400)
    add_never_cache_headers(response)
    return response


def _refused_lookup(model: type[Model], key: str) -> bool:
    """Does ``key`` (e.g. ``title__regex``) name fields of ``model`` followed by
    a lookup outside ALLOWED_LOOKUPS? Keys that name no field (the desk's own
    filters, such as ``queue``) are left to the admin, which refuses unknown ones."""
    parts = key.split(LOOKUP_SEP)
    opts = model._meta
    fields = 0
    for part in parts:
        if opts is None:
            break
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            break
        fields += 1
        related = field.related_model if field.is_relation else None
        opts = related._meta if isinstance(related, type) else None
    if not fields:
        return False
    return any(lookup not in ALLOWED_LOOKUPS for lookup in parts[fields:])


def _too_long(text: str) -> bool:
    return len(text) > SEARCH_MAX_CHARS or len(text.split()) > SEARCH_MAX_WORDS


class AdminInputGuardMiddleware:
    """Hostile input to the desk gets a 400, like hostile input to the public site.

    Before the view: a list's filters may use only ALLOWED_LOOKUPS, and
    searches are bounded. After: an INPUT_ERRORS exception is answered with
    the 400 page when the request can only have caused it through its input,
    that is a GET (or HEAD) with a query string, or a POST to a list (an
    action on a hand-made selection, an edited list with a forged row). It is
    logged as a warning with its traceback: staff alone reach these views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != admin.site.name:
            return None
        request.newsroom_admin_view = match.url_name or ""
        if match.url_name == "autocomplete":
            if _too_long(request.GET.get("term", "")):
                return _bad_request(request)
            return None
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or not (match.url_name or "").endswith("_changelist"):
            return None
        if _too_long(request.GET.get(SEARCH_VAR, "")):
            return _bad_request(request)
        for key in request.GET:
            if key in IGNORED_PARAMS or key == PAGE_VAR:
                continue
            if _refused_lookup(model_admin.model, key):
                return _bad_request(request)
        return None

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        view = getattr(request, "newsroom_admin_view", None)
        if view is None or not isinstance(exception, INPUT_ERRORS):
            return None
        from_input = (request.method in ("GET", "HEAD") and request.GET) or (
            request.method == "POST" and view.endswith("_changelist")
        )
        if not from_input:
            return None
        logger.warning(
            "Hostile input to the desk; 400 for %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).splitlines()[0][:200] if str(exception) else "",
            exc_info=exception,
        )
        return _bad_request(request)


def configure_site(site: admin.AdminSite) -> None:
    """The desk's login page: "Newsroom login", with the form above."""
    site.login_form = NewsroomLoginForm
    site.login_template = "admin/newsroom_login.html"
