"""The search page's form: the query box, and the filters and order of the results."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.template import TemplateDoesNotExist, loader
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import EARLIEST_PUBLICATION, LATEST_PUBLICATION
from articles.navigation import all_categories

from .backends import SearchFilters
from .query import MAX_QUERY_CHARS, ParsedQuery, clean_query, parse_query

# The days a reader may search between: those an article may be published
# on (the model's bounds), used by the validators, their message and the
# date pickers' min and max.
EARLIEST_DATE = EARLIEST_PUBLICATION.date()
LATEST_DATE = LATEST_PUBLICATION.date() - timedelta(days=1)


class Sort(models.TextChoices):
    RELEVANCE = "relevance", "Best match"
    NEWEST = "newest", "Newest first"


class SearchFormRenderer(DjangoTemplates):
    """The site's templates, where the search form's widgets are
    (templates/articles/search/widgets/), then Django's own form templates."""

    def get_template(self, template_name: str):
        try:
            return loader.get_template(template_name)
        except TemplateDoesNotExist:
            return super().get_template(template_name)


class SearchBoundField(forms.BoundField):
    """Django's aria-invalid and aria-describedby, pointing at this page's ids:
    a field's help text is "<id>-help", its error in the list above the
    results "<id>-error"."""

    @property
    def help_id(self) -> str:
        return f"{self.auto_id}-help"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        described_by = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                described_by.append(self.help_id)
            if self.errors:
                described_by.append(self.error_id)
        return " ".join(described_by)


def _attributes(attrs: dict) -> SafeString:
    """``attrs`` as HTML, in their order: True is the bare name, False leaves it out."""
    return mark_safe(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class _PageMarkup:
    """A Django widget written as the page always has: id, type and name first
    (Django's own templates put the name first), then the other attributes.
    Its template is in templates/articles/search/widgets/."""

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        others = dict(widget["attrs"])
        widget["id"] = others.pop("id", "")
        widget["other_attrs"] = _attributes(others)
        return context


class SearchInput(_PageMarkup, forms.SearchInput):
    template_name = "articles/search/widgets/input.html"


class DateInput(_PageMarkup, forms.DateInput):
    input_type = "date"
    template_name = "articles/search/widgets/input.html"


class Select(_PageMarkup, forms.Select):
    template_name = "articles/search/widgets/select.html"

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        # No option groups: one list of options for the template.
        widget = context["widget"]
        widget["options"] = [
            option
            for _group, options, _index in widget["optgroups"]
            for option in options
        ]
        return context


def _date_field(label: str) -> forms.DateField:
    between = f"Choose a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(
            format="%Y-%m-%d",
            attrs={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()},
        ),
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
        error_messages={
            "invalid": "Enter the date as year-month-day, e.g. 2024-05-31.",
            "min_value": between,
            "max_value": between,
        },
    )


class SearchForm(forms.Form):
    """What to search for, and how to narrow and sort the results.

    The query text is never invalid: ``parse_query`` makes what it can of
    anything, and its cleaned value is the ParsedQuery. The filters can be,
    and then the page answers 400 and lists what to correct.
    """

    default_renderer = SearchFormRenderer()
    bound_field_class = SearchBoundField

    q = forms.CharField(
        label="Search for",
        required=False,
        strip=False,
        help_text="Use “quotation marks” for an exact phrase, a minus sign to leave "
        "a word out (-football) and OR for either word.",
        # Longer queries are cut, not refused (see query.py).
        widget=SearchInput(attrs={"maxlength": MAX_QUERY_CHARS, "autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        widget=Select,
        error_messages={
            "invalid_choice": "There is no category “%(value)s”. Choose one from the list."
        },
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=Sort.choices,
        widget=Select,
        error_messages={
            "invalid_choice": "Results can only be sorted by “Best match” or "
            "“Newest first”. Choose one from the list."
        },
    )

    def __init__(
        self, data: Mapping[str, str], request: HttpRequest | None = None
    ) -> None:
        # The last value of each of the form's parameters, as Django reads them.
        data = {name: data[name] for name in self.base_fields if name in data}
        # The box shows the query as it is searched: no control characters,
        # single spaces, cut at MAX_QUERY_CHARS; no order chosen is "Best match".
        data["q"] = clean_query(data.get("q", ""))
        data["sort"] = data.get("sort") or Sort.RELEVANCE.value
        super().__init__(data, auto_id="search-%s", label_suffix="")
        # Kept with the site's version (a ModelChoiceField would read them
        # twice on every search).
        categories = all_categories(request)
        self._category_ids = {}
        choices = [("", "All categories")]
        for category in categories:
            self._category_ids[category["slug"]] = category["pk"]
            choices.append((category["slug"], category["name"]))
        self.fields["category"].choices = choices

    def clean_q(self) -> ParsedQuery:
        return parse_query(self.cleaned_data["q"])

    def clean_category(self) -> int | None:
        """The chosen category's id."""
        return self._category_ids.get(self.cleaned_data["category"])

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError(
                "The “from” date is after the “to” date.", code="date_order"
            )
        return cleaned

    @property
    def query(self) -> ParsedQuery:
        """The parsed query, whether or not the filters are valid."""
        return self.cleaned_data["q"]

    def filters(self) -> SearchFilters:
        zone = timezone.get_current_timezone()
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        return SearchFilters(
            category_id=self.cleaned_data.get("category"),
            # Dates are the newsroom's days, inclusive at both ends.
            published_from=datetime.combine(start, time.min, zone) if start else None,
            published_before=(
                datetime.combine(end + timedelta(days=1), time.min, zone)
                if end
                else None
            ),
        )

    @property
    def sort_order(self) -> Sort:
        return Sort(self.cleaned_data.get("sort") or Sort.RELEVANCE)

    @property
    def has_filters(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("category") or data.get("from") or data.get("to"))


# "from" is a Python keyword, so these two cannot be written in the class.
SearchForm.base_fields["from"] = _date_field("Published from")
SearchForm.base_fields["to"] = _date_field("Published until")
