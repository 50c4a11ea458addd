"""Corrections and updates on the article's change form: a dated log, newest first.

``CorrectionsMixin`` goes among ArticleAdmin's bases; it adds the log once
the article exists (a story not yet written has nothing to correct).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from ..models import Correction


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["kind", "noted_at", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class CorrectionInline(admin.StackedInline):
    model = Correction
    form = CorrectionForm
    extra = 0
    fields = [("kind", "noted_at"), "text"]
    classes = ["corrections-inline"]
    # The log is seen on the article's page, not on a page of its own.
    view_on_site = False
    verbose_name = "correction or update"
    verbose_name_plural = "corrections and updates (readers see them, newest first)"


class CorrectionsMixin:
    """For ArticleAdmin: the corrections log, after the article's parts."""

    def get_inlines(self, request: HttpRequest, obj=None) -> list:
        inlines = list(super().get_inlines(request, obj))
        if obj is not None and obj.pk is not None:
            inlines.append(CorrectionInline)
        return inlines
