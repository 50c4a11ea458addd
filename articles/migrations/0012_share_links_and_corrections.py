"""Review links for unpublished articles, and the log of corrections and
updates that replaces the single "correction or update note"."""

import re

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# A note that speaks of correcting was a correction; any other, an update.
_CORRECTED = re.compile(r"\bcorrect", re.IGNORECASE)


def update_notes_to_corrections(apps, schema_editor):
    """Each article's old update note becomes the first entry of its log.

    Dated by the article's last save, the best time the old field knew. The
    note itself is left as it was, so that undoing this migration loses
    nothing; readers' pages no longer show it.
    """
    Article = apps.get_model("articles", "Article")
    Correction = apps.get_model("articles", "Correction")
    using = schema_editor.connection.alias
    articles = (
        Article.objects.using(using)
        .exclude(update_note="")
        .values_list("pk", "update_note", "updated_at")
    )
    notes = []
    for article_id, note, updated_at in articles.iterator():
        text = note.strip()
        if not text:
            continue
        if (
            Correction.objects.using(using)
            .filter(article_id=article_id, text=text)
            .exists()
        ):
            continue
        kind = "correction" if _CORRECTED.search(text) else "update"
        notes.append(
            Correction(article_id=article_id, kind=kind, text=text, noted_at=updated_at)
        )
    Correction.objects.using(using).bulk_create(notes, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_media_library"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ShareLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "selector",
                    models.CharField(editable=False, max_length=32, unique=True),
                ),
                ("secret_hash", models.CharField(editable=False, max_length=64)),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="Who the link is for, e.g. “Legal review”. Only the desk sees this.",
                        max_length=120,
                        verbose_name="for",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False
                    ),
                ),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, editable=False, null=True),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="share_links",
                        to="articles.article",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "review link",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="articles_sharelink_expires_after_creation",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Correction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("correction", "Correction"), ("update", "Update")],
                        default="correction",
                        help_text="A correction fixes something that was wrong; an update adds what happened since.",
                        max_length=12,
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="Shown to readers under the headline, e.g. “An earlier version of this article gave the wrong date for the vote.”",
                        max_length=2000,
                    ),
                ),
                (
                    "noted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        help_text="Shown with the note. The latest note's time is the article's modification time for search engines.",
                        verbose_name="time",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="corrections",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "correction or update",
                "verbose_name_plural": "corrections and updates",
                "ordering": ["-noted_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["article", "-noted_at"],
                        name="articles_correction_log_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(
            update_notes_to_corrections, migrations.RunPython.noop, elidable=True
        ),
    ]
