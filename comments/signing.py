"""Signed tokens the comments app hands out: form timestamps and e-mail links."""

from __future__ import annotations

import time

from django.core import signing

_FORM_SALT = "comments.form-timestamp"
_EMAIL_SALT = "comments.email"
_POSTED_SALT = "comments.posted"


def form_timestamp(now: float | None = None) -> str:
    """A signed "the form was shown at" stamp for the comment form."""
    return signing.dumps(int(now if now is not None else time.time()), salt=_FORM_SALT)


def form_age(token: str, now: float | None = None) -> float | None:
    """Seconds since the form was shown, or None when the stamp is forged or garbled."""
    try:
        shown = signing.loads(token, salt=_FORM_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(shown, int):
        return None
    return (now if now is not None else time.time()) - shown


def email_token(email: str, purpose: str = "unsubscribe") -> str:
    return signing.dumps(
        {"e": email.lower(), "p": purpose}, salt=_EMAIL_SALT, compress=True
    )


def email_from_token(
    token: str, purpose: str, max_age: int | None = None
) -> str | None:
    try:
        data = signing.loads(token, salt=_EMAIL_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("p") != purpose
        or not isinstance(data.get("e"), str)
    ):
        return None
    return data["e"]


def posted_token(comment_id: int) -> str:
    """Lets the poster (and only them) see what became of their comment for a while."""
    return signing.dumps(comment_id, salt=_POSTED_SALT)


def comment_from_posted_token(token: str, max_age: int = 60 * 60 * 24) -> int | None:
    try:
        value = signing.loads(token, salt=_POSTED_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return value if isinstance(value, int) else None


_COMMENTER_SALT = "comments.commenter"
COMMENTER_COOKIE = "newsroom_commenter"


def commenter_token(email: str) -> str:
    """Proof, kept by the reader's browser, that it posted as ``email`` before."""
    return signing.dumps(email.lower(), salt=_COMMENTER_SALT)


def commenter_email(token: str | None) -> str | None:
    if not token:
        return None
    try:
        value = signing.loads(token, salt=_COMMENTER_SALT, max_age=60 * 60 * 24 * 400)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return value if isinstance(value, str) else None
