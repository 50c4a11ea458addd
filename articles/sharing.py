"""Review links: how they are made and how a link someone opens is checked.

A link's token carries two random halves, the *selector* (stored, looked up)
and the *secret* (only its SHA-256 is stored), signed with the site's secret
key and the time it was made::

    <selector>.<secret>.<timestamp>.<signature>

A token is accepted only if the signature holds, it is younger than the
longest a link may live, the selector names a stored link, the secret's hash
matches the stored one (compared in constant time) and the link is neither
revoked nor past its expiry. Anyone who reads the database learns no
working link; changing ``SECRET_KEY`` closes every link at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import Article, ShareLink

DEFAULT_DAYS = 7
MOST_DAYS = 30

_SALT = "articles.share-link"
_SEP = "."
# Longer than any token this module makes; anything longer is not looked at.
_LONGEST_TOKEN = 200


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT, sep=_SEP)


def _hash(secret: str) -> str:
    # The secret is 256 random bits: a plain hash cannot be searched backwards.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_link(
    article: Article,
    *,
    days: int = DEFAULT_DAYS,
    created_by=None,
    label: str = "",
    now: datetime | None = None,
) -> tuple[ShareLink, str]:
    """A new link to ``article`` open for ``days`` days, and its token.

    The token is returned once and never stored: show it to the editor now.
    """
    if not 1 <= days <= MOST_DAYS:
        raise ValueError(f"A review link lasts 1 to {MOST_DAYS} days, not {days}.")
    now = now or timezone.now()
    selector = secrets.token_hex(12)
    secret = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        article=article,
        selector=selector,
        secret_hash=_hash(secret),
        label=label,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return link, _signer().sign(f"{selector}{_SEP}{secret}")


@dataclass(frozen=True)
class Verdict:
    """What a token opens: a link and its state, or nothing (``link`` is None)."""

    state: str  # ShareLink.State, or "unknown" for a token that is not ours
    link: ShareLink | None = None

    @property
    def is_open(self) -> bool:
        return self.state == ShareLink.State.OPEN


UNKNOWN = Verdict("unknown")


def check_token(token: str, now: datetime | None = None) -> Verdict:
    """Whether ``token`` opens its article now; one query at most."""
    if not token or len(token) > _LONGEST_TOKEN:
        return UNKNOWN
    try:
        value = _signer().unsign(token, max_age=timedelta(days=MOST_DAYS))
    except signing.SignatureExpired:
        # Authentic but older than any link may live.
        return Verdict(ShareLink.State.EXPIRED)
    except signing.BadSignature:
        return UNKNOWN
    selector, _, secret = value.partition(_SEP)
    if not selector or not secret:
        return UNKNOWN
    link = ShareLink.objects.filter(selector=selector).first()
    if link is None or not constant_time_compare(link.secret_hash, _hash(secret)):
        return UNKNOWN
    return Verdict(link.state(now), link)


def revoke(link: ShareLink, *, by=None, now: datetime | None = None) -> bool:
    """Close ``link`` for good; False if it was already revoked."""
    updated = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_by=by
    )
    if updated:
        link.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return bool(updated)
