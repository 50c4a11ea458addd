"""The pages behind the links in comment e-mail: confirm an address, unsubscribe.

A GET only shows a button: mail scanners and link previews fetch every link
in a message, and must not confirm or unsubscribe anyone. The POST does it.
The signed token in the address is the only protection needed, so these
views take no CSRF token: mail clients send RFC 8058 one-click unsubscribe
POSTs from outside the site, with no token and no cookie. The pages set no
cookies and are never cached.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Subscriber
from .signing import email_from_token
from .tasks import CONFIRM_MAX_AGE, subscriber_for


def _page(
    request: HttpRequest,
    heading: str,
    message: str,
    *,
    button: str = "",
    email: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "comments/subscription.html",
        {"heading": heading, "message": message, "button": button, "email": email},
        status=status,
    )


def _bad_link(request: HttpRequest, message: str) -> HttpResponse:
    return _page(request, "This link does not work", message, status=400)


@csrf_exempt  # the signed token is the protection (see the module docstring)
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    email = email_from_token(token, "unsubscribe")
    if email is None:
        return _bad_link(
            request,
            "This unsubscribe link is damaged. Please copy the whole link from "
            "the e-mail into your browser.",
        )
    subscriber = subscriber_for(email)
    if subscriber is not None and subscriber.unsubscribed_at is not None:
        return _page(
            request,
            "You are unsubscribed",
            "We send no e-mail to this address.",
            email=email,
        )
    if request.method == "GET":
        return _page(
            request,
            "Unsubscribe",
            "Stop all e-mail from us to this address: replies to your "
            "comments and news of their moderation.",
            button="Unsubscribe",
            email=email,
        )
    if subscriber is None:
        # Addresses that never asked for mail (moderators) may unsubscribe too.
        subscriber = subscriber_for(email, create=True)
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    return _page(
        request,
        "You are unsubscribed",
        "We will send no more e-mail to this address.",
        email=email,
    )


@csrf_exempt  # the signed token is the protection (see the module docstring)
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    email = email_from_token(token, "confirm", max_age=CONFIRM_MAX_AGE)
    if email is None:
        return _bad_link(
            request,
            "This confirmation link is damaged or has expired. Tick “E-mail me "
            "when someone replies or a moderator decides” when you next comment, "
            "and we will send you a new one.",
        )
    subscriber = subscriber_for(email)
    if subscriber is None:
        return _page(
            request,
            "Nothing to confirm",
            "We have no record of this address any more.",
            email=email,
        )
    if subscriber.unsubscribed_at is not None:
        return _page(
            request,
            "Nothing to confirm",
            "This address has unsubscribed; we send no e-mail to it.",
            email=email,
        )
    if subscriber.confirmed_at is not None:
        return _page(
            request,
            "Address confirmed",
            "This address is confirmed already.",
            email=email,
        )
    if request.method == "GET":
        return _page(
            request,
            "Confirm your e-mail address",
            "Confirm that you would like e-mail about your comments: when a "
            "moderator decides on one, and when someone replies.",
            button="Confirm my address",
            email=email,
        )
    Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    return _page(
        request,
        "Address confirmed",
        "Thank you. We will e-mail you about your comments from now on.",
        email=email,
    )
