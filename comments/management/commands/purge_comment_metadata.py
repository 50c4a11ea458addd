"""Forget where old comments came from: their network address and browser."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Privacy: blank the network address and browser description stored with "
        "reader comments older than --days days. They are kept only to deal with "
        "abuse while a comment is new; afterwards they are personal data the site "
        "no longer needs. Run it daily from cron."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.NEWSROOM_COMMENT_METADATA_DAYS,
            help="Keep the data of comments younger than this many days "
            "(default: NEWSROOM_COMMENT_METADATA_DAYS, now %(default)s).",
        )

    def handle(self, *args, days: int, **options) -> None:
        if days < 0:
            raise CommandError("--days cannot be negative.")
        cutoff = timezone.now() - timedelta(days=days)
        # No page shows these fields, so a bulk update needs no page refresh.
        purged = (
            Comment.objects.filter(created_at__lt=cutoff)
            .filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))
            .update(ip_address=None, user_agent="")
        )
        noun = "comment" if purged == 1 else "comments"
        self.stdout.write(
            f"Purged the network address and browser of {purged} {noun} "
            f"older than {days} days."
        )
