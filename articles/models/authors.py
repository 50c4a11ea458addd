"""Authors: the people in bylines."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from .uploads import check_upload, store_upload


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The author's page is /authors/slug/; changing it breaks links to it.",
    )
    role = models.CharField(
        max_length=120,
        blank=True,
        help_text="Shown under the name, e.g. “Europe correspondent”.",
    )
    bio = models.TextField(
        blank=True, help_text="A few sentences for the author's page."
    )
    photo = models.ImageField(
        upload_to="authors/",
        blank=True,
        help_text="A square portrait works best. Location data is removed on upload.",
    )
    user = models.OneToOneField(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account that writes as this author, if any.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        store_upload(self.photo)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})

    def clean(self) -> None:
        check_upload(self.photo, "photo")
