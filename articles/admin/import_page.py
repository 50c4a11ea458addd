"""The desk's "Import article" page: the importer behind a two-step form.

Step one reads pasted text or an uploaded file and shows what the importer
found, saving nothing. Step two creates the draft, in one transaction, from
the same text: the preview carries the text it read (an upload's decoded
contents too) in a hidden field, and the draft is parsed again from it. The
parser is deterministic, so the draft has the structure the preview showed;
the hidden text is not signed, because whoever could alter it may add
articles anyway, and the admin's CSRF check keeps anyone else out.

The rules are the ``import_article`` command's: the importer's own reader
and size limit, its default category, tags and authors handled the same
way; but an article already in the category is never replaced from here.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst, slugify

from articles.importer import (
    MAX_FILE_BYTES,
    AlreadyImported,
    ArticleParseError,
    ParsedArticle,
    author_for,
    category_for,
    find_existing,
    parse_article,
    read_article_file,
    save_parsed_article,
)
from articles.importer.store import MARKDOWN_SUFFIXES
from articles.importer.text import one_line
from articles.management.commands.import_article import (
    DEFAULT_CATEGORY,
    MAX_TAG_CHARS,
)

from ..models import Article, Category, Section

logger = logging.getLogger(__name__)

MAX_AUTHOR_CHARS = 120
FORMATS = {"auto": None, "plain": False, "markdown": True}
UPLOAD_SUFFIXES = [".txt", ".md", *sorted(MARKDOWN_SUFFIXES - {".md"})]


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _category_choices(categories: list[Category]) -> list[tuple[str, str]]:
    """Existing categories by slug; the command's default first if it is still to be made."""
    choices = [(category.slug, category.name) for category in categories]
    if _default_category(categories) is None:
        choices.insert(
            0, (slugify(DEFAULT_CATEGORY), f"{DEFAULT_CATEGORY} (new category)")
        )
    return choices


def _default_category(categories: list[Category]) -> Category | None:
    # The category the command's category_for(DEFAULT_CATEGORY) would find.
    slug = slugify(DEFAULT_CATEGORY)
    return next((c for c in categories if c.slug == slug), None) or next(
        (c for c in categories if c.name.casefold() == DEFAULT_CATEGORY.casefold()),
        None,
    )


def _names(value: str, *, limit: int, what: str) -> list[str]:
    """Comma-separated names on one line each, without repeats (case-insensitive)."""
    found: dict[str, str] = {}
    for name in value.split(","):
        name = one_line(name)
        if len(name) > limit:
            raise forms.ValidationError(
                f"{what} may have at most {limit} characters: “{name[:40]}…”."
            )
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


def read_upload(upload: UploadedFile) -> str:
    """The uploaded file's text, read by the importer's own reader.

    The reader works on paths; giving it a copy of the upload means the desk
    refuses exactly what the command refuses (size, UTF-16, binary, not UTF-8,
    empty), in the same words. At most one byte over the limit is copied.
    """
    with tempfile.NamedTemporaryFile(
        prefix="import-", suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR
    ) as copy:
        room = MAX_FILE_BYTES + 1
        for chunk in upload.chunks():
            copy.write(chunk[:room])
            room -= len(chunk)
            if room <= 0:
                break
        copy.flush()
        return read_article_file(copy.name)


class ImportForm(forms.Form):
    text = forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 18, "cols": 80, "class": "vLargeTextField"}
        ),
        help_text="Paste the whole article: its title on the first line, then the "
        "text. Nothing is saved until you create the draft.",
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        widget=forms.FileInput(
            attrs={
                "accept": ",".join([*UPLOAD_SUFFIXES, "text/plain", "text/markdown"])
            }
        ),
        help_text=f"A UTF-8 text or Markdown file ({', '.join(UPLOAD_SUFFIXES)}) "
        f"of at most {_megabytes(MAX_FILE_BYTES)}.",
    )
    format = forms.ChoiceField(
        choices=[
            ("auto", "Guess"),
            ("plain", "Plain text"),
            ("markdown", "Markdown"),
        ],
        initial="auto",
        help_text="Guess reads Markdown files (.md) and text with “#” headings as "
        "Markdown, anything else as plain text.",
    )
    category = forms.ChoiceField(
        help_text=f"“{DEFAULT_CATEGORY}” is created when the draft is saved if it "
        "does not exist yet.",
    )
    authors = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Names separated by commas; unknown names become new authors. "
        "Leave empty to use the “By …” line under the title.",
    )
    tags = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Separated by commas.",
    )

    fieldsets = [
        ("Text or file", {"fields": ["text", "file", "format"]}),
        ("Where it goes", {"fields": ["category", "authors", "tags"]}),
    ]

    def __init__(
        self, *args, categories: list[Category] | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if categories is None:
            categories = list(Category.objects.only("name", "slug"))
        self.categories = categories
        self.fields["category"].choices = _category_choices(categories)
        if "category" not in self.initial:
            default = _default_category(categories)
            self.initial["category"] = (
                default.slug if default else slugify(DEFAULT_CATEGORY)
            )
        self.parsed: ParsedArticle | None = None
        self.source = ""
        self.markdown: bool | None = None

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(text.encode()) > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The text is larger than {_megabytes(MAX_FILE_BYTES)}; an article "
                "should be a few dozen kilobytes."
            )
        return text

    def clean_authors(self) -> list[str]:
        return _names(
            self.cleaned_data["authors"], limit=MAX_AUTHOR_CHARS, what="A name"
        )

    def clean_tags(self) -> list[str]:
        return _names(self.cleaned_data["tags"], limit=MAX_TAG_CHARS, what="A tag")

    def clean(self) -> dict:
        cleaned = super().clean()
        if "text" in self.errors or "file" in self.errors:
            return cleaned
        text, upload = cleaned.get("text", ""), cleaned.get("file")
        if upload and text.strip():
            self.add_error(
                "file",
                "Paste the text or upload a file, not both: empty the text box "
                "to read the file.",
            )
            return cleaned
        if not upload and not text.strip():
            self.add_error(
                "text", "Paste the article’s text here, or upload a file below."
            )
            return cleaned
        source_field = "file" if upload else "text"
        markdown = FORMATS.get(cleaned.get("format", "auto"))
        try:
            if upload:
                text = read_upload(upload)
                if markdown is None and Path(upload.name).suffix.lower() in (
                    MARKDOWN_SUFFIXES
                ):
                    markdown = True
            self.parsed = parse_article(text, markdown=markdown)
        except ArticleParseError as error:
            problem = capfirst(str(error))
            if upload:
                problem = f"{one_line(upload.name)[:80]}: {error}"
            self.add_error(source_field, problem)
            return cleaned
        self.source, self.markdown = text, markdown
        return cleaned

    def follow_up(self, *, hidden: bool) -> ImportForm:
        """A new form holding what this one read, for the step after a preview.

        Hidden, it is the "Create draft" form; shown, the editor can change the
        text and preview again. An upload is carried as its text, with the
        format the file's name implied, so parsing it again finds the same
        structure.
        """
        follow_up = ImportForm(
            initial={
                "text": self.source,
                "format": {None: "auto", False: "plain", True: "markdown"}[
                    self.markdown
                ],
                "category": self.cleaned_data["category"],
                "authors": ", ".join(self.cleaned_data["authors"]),
                "tags": ", ".join(self.cleaned_data["tags"]),
            },
            auto_id="create_%s" if hidden else "id_%s",
            categories=self.categories,
        )
        if hidden:
            del follow_up.fields["file"]
            for carried in follow_up.fields.values():
                carried.widget = forms.HiddenInput()
        return follow_up

    def existing_category(self) -> Category | None:
        """The chosen category, if it exists already (nothing is created)."""
        slug = self.cleaned_data["category"]
        return next((c for c in self.categories if c.slug == slug), None)

    def save(self, created_by=None) -> Article:
        """The new draft with all its parts, in one transaction; ``created_by``
        makes it that writer's own.

        Raises AlreadyImported when the category holds an article with the
        same address, ArticleParseError for an author or category that cannot
        be made, DatabaseError when saving fails; nothing is left behind.
        """
        assert self.parsed is not None
        value = self.cleaned_data["category"]
        with transaction.atomic():
            if value == slugify(DEFAULT_CATEGORY):
                category = category_for(DEFAULT_CATEGORY, create=True)
            else:
                category = Category.objects.filter(slug=value).first()
                if category is None:
                    raise ArticleParseError("the category no longer exists")
            names = self.cleaned_data["authors"] or self.parsed.byline
            article = save_parsed_article(
                self.parsed,
                category=category,
                authors=[author_for(name) for name in names],
                tags=self.cleaned_data["tags"],
                publish=False,
            )
            if created_by is not None:
                Article.objects.filter(pk=article.pk).update(created_by=created_by)
                article.created_by = created_by
            return article


@dataclass
class TableOutline:
    caption: str
    rows: int
    columns: int


@dataclass
class SectionOutline:
    label: str
    kind: str
    part_heading: str = ""
    is_follow_up: bool = False
    tables: list[TableOutline] = field(default_factory=list)


def outline(parsed: ParsedArticle) -> list[SectionOutline]:
    """The sections the preview lists: heading (or its place), kind and tables."""
    kinds = {kind.value: kind.label.split(" (")[0] for kind in Section.Kind}
    sections = []
    for n, part in enumerate(parsed.sections):
        sections.append(
            SectionOutline(
                label=part.heading or ("Lead" if n == 0 else "Continued, no heading"),
                kind="" if part.kind == Section.Kind.TEXT else kinds[part.kind],
                part_heading=getattr(part, "part_heading", ""),
                is_follow_up=getattr(part, "is_follow_up", False),
                tables=[
                    TableOutline(
                        caption=table.caption,
                        rows=len(table.rows),
                        columns=max((len(row) for row in table.rows), default=0),
                    )
                    for table in part.tables
                ],
            )
        )
    return sections


def _change_url(model_admin: admin.ModelAdmin, article: Article) -> str:
    opts = model_admin.opts
    return reverse(
        f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
        args=[quote(article.pk)],
    )


def import_article_view(
    request: HttpRequest, model_admin: admin.ModelAdmin
) -> HttpResponse:
    """Preview (nothing saved) or create a draft from pasted text or a file."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    existing: Article | None = None
    save_error = ""
    if form.is_bound and form.is_valid():
        if "_create" in request.POST:
            try:
                article = form.save(created_by=request.user)
            except AlreadyImported as already:
                existing = already.article
            except ArticleParseError as error:
                save_error = f"The draft could not be created: {error}."
            except DatabaseError as error:
                logger.warning("Import from the desk failed", exc_info=error)
                first = str(error).strip().splitlines()[0] if str(error).strip() else ""
                save_error = "The draft could not be saved, and nothing was kept" + (
                    f" ({first[:200]})." if first else "."
                )
            else:
                model_admin.message_user(
                    request,
                    f"The draft “{article.title}” was created from the imported text. "
                    "Check it here, then publish it when it is ready.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(_change_url(model_admin, article))
        elif category := form.existing_category():
            existing = find_existing(form.parsed, category)
    preview = form.parsed if form.is_bound and form.is_valid() else None
    carried = None
    if preview:
        carried = form.follow_up(hidden=True) if existing is None else None
        form = form.follow_up(hidden=False)
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import article",
        "opts": opts,
        "has_view_permission": model_admin.has_view_permission(request),
        "adminform": helpers.AdminForm(form, form.fieldsets, {}),
        "errors": helpers.AdminErrorList(form, []),
        "parsed": preview,
        "standfirst": getattr(preview, "standfirst", ""),
        "discussion_question": getattr(preview, "discussion_question", ""),
        "sections": outline(preview) if preview else [],
        "carried": carried,
        "existing": existing,
        "existing_url": _change_url(model_admin, existing) if existing else "",
        "save_error": save_error,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request, "admin/articles/article/import_article.html", context
    )
