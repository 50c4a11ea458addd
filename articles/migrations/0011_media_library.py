"""The image library (pictures with alt text, caption, credit and focal point),
figures placed in sections, and an article's lead picture from the library."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_desk_revisions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Image",
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
                    "file",
                    models.ImageField(
                        height_field="height",
                        help_text="A JPEG, PNG, WebP or GIF image. Location data and other metadata are removed on upload. Replacing it changes the picture everywhere it is used.",
                        upload_to="library/%Y/%m/",
                        verbose_name="picture",
                        width_field="width",
                    ),
                ),
                (
                    "width",
                    models.PositiveIntegerField(blank=True, editable=False, null=True),
                ),
                (
                    "height",
                    models.PositiveIntegerField(blank=True, editable=False, null=True),
                ),
                (
                    "alt_text",
                    models.CharField(
                        help_text="Describe the picture for readers who cannot see it, e.g. “Fishing boats moored in the harbour at dawn”. Not a file name.",
                        max_length=300,
                        verbose_name="alt text",
                    ),
                ),
                (
                    "caption",
                    models.CharField(
                        blank=True,
                        help_text="Shown under the picture, unless the article gives its own.",
                        max_length=300,
                    ),
                ),
                (
                    "credit",
                    models.CharField(
                        blank=True,
                        help_text="Photographer or agency, shown after the caption.",
                        max_length=200,
                    ),
                ),
                (
                    "focal_x",
                    models.PositiveSmallIntegerField(
                        default=50,
                        help_text="Per cent from the left edge: 50 is the middle. Cropped thumbnails keep this point of the picture in view.",
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="focal point across",
                    ),
                ),
                (
                    "focal_y",
                    models.PositiveSmallIntegerField(
                        default=50,
                        help_text="Per cent from the top edge: 50 is the middle. Cropped thumbnails keep this point of the picture in view.",
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="focal point down",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="uploaded"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "uploaded_by",
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
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Figure",
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
                    "position",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Order among pictures placed in the same section.",
                    ),
                ),
                (
                    "alt_text",
                    models.CharField(
                        blank=True,
                        help_text="Only if the picture needs another description in this article; empty: the library's alt text.",
                        max_length=300,
                        verbose_name="alt text here",
                    ),
                ),
                (
                    "caption",
                    models.CharField(
                        blank=True,
                        help_text="Empty: the library's caption.",
                        max_length=300,
                        verbose_name="caption here",
                    ),
                ),
                (
                    "credit",
                    models.CharField(
                        blank=True,
                        help_text="Empty: the library's credit.",
                        max_length=200,
                        verbose_name="credit here",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="figures",
                        to="articles.article",
                    ),
                ),
                (
                    "section",
                    models.ForeignKey(
                        blank=True,
                        help_text="The picture appears after this section's text. Without one it goes at the end of the article.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="figures",
                        to="articles.section",
                    ),
                ),
                (
                    "image",
                    models.ForeignKey(
                        help_text="Type to search the image library by alt text, caption or credit.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="figures",
                        to="articles.image",
                        verbose_name="picture",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "id"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="lead_picture",
            field=models.ForeignKey(
                blank=True,
                help_text="A picture from the library becomes the lead image, with its alt text, caption and credit unless you change them here. Uploading a file above instead uses that file.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lead_articles",
                to="articles.image",
                verbose_name="from the image library",
            ),
        ),
        migrations.AddIndex(
            model_name="image",
            index=models.Index(
                fields=["-created_at", "-id"], name="articles_image_new_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="image",
            index=models.Index(fields=["file"], name="articles_image_file_idx"),
        ),
        migrations.AddConstraint(
            model_name="image",
            constraint=models.CheckConstraint(
                condition=models.Q(("focal_x__lte", 100), ("focal_y__lte", 100)),
                name="articles_image_focal_point_inside",
                violation_error_message="The focal point must lie inside the picture (0 to 100 per cent).",
            ),
        ),
    ]
