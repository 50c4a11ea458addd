"""The article lists on the desk's home page (templates/admin/index.html).

Everyone who may see articles gets their drafts, the articles waiting for
review (editors: all of them; writers: their own) and what is scheduled.
Editors also get the live articles with changes not yet live, which only
they publish or discard.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from ..models import Article
from ..roles import PUBLISH_PERMISSION
from .workflow import own_articles

PUBLISHED, REVIEW, DRAFT = (
    Article.Status.PUBLISHED,
    Article.Status.REVIEW,
    Article.Status.DRAFT,
)

# How many articles or comments each list on the desk's home page shows.
DESK_LIST_LENGTH = 5


@dataclass
class DeskList:
    title: str
    count: int
    articles: list[Article]
    link: str
    # What the list holds, for the template: drafts, review, scheduled, pending.
    kind: str = ""


def desk_home(user) -> list[DeskList]:
    """The article lists on the desk's home page: my drafts, waiting for review,
    scheduled and, for editors, changes not yet live. At most five queries:
    the counts, then each list that is not empty."""
    now = timezone.now()
    mine = own_articles(user)
    may_publish = user.has_perm(PUBLISH_PERMISSION)
    drafts = Q(status=DRAFT) & mine
    review = Q(status=REVIEW) if may_publish else Q(status=REVIEW) & mine
    scheduled = Q(status=PUBLISHED, published_at__gt=now)
    # Only editors publish or discard changes to a live article.
    pending = Q(pending_edit__isnull=False) if may_publish else Q(pk__in=[])
    counts = Article.objects.filter(drafts | review | scheduled | pending).aggregate(
        drafts=Count("pk", filter=drafts),
        review=Count("pk", filter=review),
        scheduled=Count("pk", filter=scheduled),
        pending=Count("pk", filter=pending),
    )
    changelist = reverse("admin:articles_article_changelist")
    lists = [
        (
            "My drafts",
            "drafts",
            drafts,
            ["-updated_at"],
            "?queue=mine&status__exact=draft",
        ),
        (
            "Waiting for review" if may_publish else "My articles in review",
            "review",
            review,
            # The longest waiting first.
            ["updated_at"],
            "?queue=review" if may_publish else "?queue=mine&status__exact=review",
        ),
        ("Scheduled", "scheduled", scheduled, ["published_at"], "?queue=scheduled"),
    ]
    if may_publish:
        lists.append(
            (
                "Changes not yet live",
                "pending",
                pending,
                # The longest waiting first.
                ["pending_edit__saved_at"],
                "?queue=pending",
            )
        )
    home = []
    for title, key, condition, order, query in lists:
        count = counts[key]
        articles = []
        if count:
            listed = Article.objects.filter(condition)
            if key == "pending":
                listed = listed.annotate(changes_saved_at=F("pending_edit__saved_at"))
            articles = list(
                listed.order_by(*order, "pk").only(
                    "pk", "title", "status", "published_at", "updated_at"
                )[:DESK_LIST_LENGTH]
            )
        home.append(DeskList(title, count, articles, changelist + query, key))
    return home
