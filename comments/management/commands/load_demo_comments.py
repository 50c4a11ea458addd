"""A few approved comments and a reply under the demo articles (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

# (article slug, [(name, body, [(reply name, reply body)])]); all invented.
DEMO_COMMENTS = [
    (
        "russia-rejects-western-troops-in-ukraine-as-peace-talks-loom",
        [
            (
                "Margaret Ellison",
                "Any settlement that both sides cannot enforce will only pause the "
                "fighting. The guarantees matter more than the headlines.\n\n"
                "I would like to see who actually signs them.",
                [
                    (
                        "Jonas Berg",
                        "Agreed. The article's table of who wants what makes the gap "
                        "very clear.",
                    )
                ],
            ),
            (
                "Samir Haddad",
                "A useful explainer. The FAQ answered the question I had about "
                "monitoring missions.",
                [],
            ),
            (
                "Claire Dubois",
                "Talks that start with a list of refusals can still end somewhere. "
                "It has happened before.",
                [],
            ),
        ],
    ),
    (
        "veldhaven-votes-to-extend-its-tram-line-to-the-harbour",
        [
            (
                "Pieter Smit",
                "About time. The harbour buses are full every morning.",
                [],
            ),
        ],
    ),
]


class Command(BaseCommand):
    help = (
        "Add a few approved demo comments (with a reply) to the demo articles. "
        "Articles that already have comments are left alone."
    )

    def handle(self, *args, **options) -> None:
        added = 0
        with transaction.atomic():
            for slug, threads in DEMO_COMMENTS:
                article = Article.objects.published().filter(slug=slug).first()
                if article is None or article.comments.exists():
                    continue
                # After publication, and never in the future.
                moment = max(article.published_at, timezone.now() - timedelta(hours=6))
                for name, body, replies in threads:
                    parent = self._add(article, None, name, body, moment)
                    added += 1
                    for reply_name, reply_body in replies:
                        moment += timedelta(minutes=20)
                        self._add(article, parent, reply_name, reply_body, moment)
                        added += 1
                    moment += timedelta(minutes=45)
        self.stdout.write(
            f"Demo comments: {added} added."
            if added
            else "Demo comments already there; nothing changed."
        )

    def _add(self, article, parent, name, body, moment) -> Comment:
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            author_name=name,
            body=body,
            status=Comment.Status.APPROVED,
            rule=Comment.Rule.MODERATOR,
            reason="Demo content.",
        )
        # created_at is set on insert; place the demo comments after publication.
        Comment.objects.filter(pk=comment.pk).update(created_at=moment)
        return comment
