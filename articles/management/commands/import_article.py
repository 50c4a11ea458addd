from __future__ import annotations

import argparse
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from articles.importer import (
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
from articles.importer.summary import describe
from articles.importer.text import one_line
from articles.models import Article

DEFAULT_CATEGORY = "News"
MAX_TAG_CHARS = 100


class Command(BaseCommand):
    help = (
        "Import plain-text or Markdown articles as structured drafts: the standfirst, "
        "sections and parts from the table of contents, # headings or lines shaped "
        "like headings, the dateline, pipe tables, the “Did you know?” box, the FAQ, "
        "the “Share your thoughts:” prompt and its question, and a follow-up story. "
        "Each file is imported on its own: a file that fails leaves nothing behind "
        "and the others still go in (the exit status is 1 if any failed). "
        "Importing a file again finds the article by its title's slug in the "
        "category and changes nothing unless --update is given."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="UTF-8 text or Markdown files."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish at once (default: save as a draft to review in the admin).",
        )
        parser.add_argument(
            "--category",
            default="",
            metavar="NAME",
            help=f"Category name or slug (default: “{DEFAULT_CATEGORY}”, made if missing). "
            "Any other category must exist, or be made with --create-category.",
        )
        parser.add_argument(
            "--create-category",
            action="store_true",
            help="Create the --category if it does not exist yet.",
        )
        parser.add_argument(
            "--author",
            action="append",
            default=[],
            metavar="NAME",
            help="Byline; repeat for several authors. Unknown names are created. "
            "Without it a “By …” line under the title is used.",
        )
        parser.add_argument(
            "--tags",
            action="append",
            default=[],
            metavar="'A, B'",
            help="Comma-separated tags; may be repeated.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace the text of an article imported before. Its address is kept, "
            "so is its status unless --publish is given, and so are its authors and "
            "tags unless given again.",
        )
        parser.add_argument(
            "--format",
            choices=["auto", "plain", "markdown"],
            default="auto",
            help="How to read the files (default: Markdown for .md files or files "
            "with # headings, plain text otherwise).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show the structure found and every warning without saving anything; "
            "with -v 2 each piece says which line and rule placed it.",
        )

    def handle(self, *args, **options) -> None:
        files: list[str] = options["files"]
        tags = self.tags(options["tags"])
        failures = 0
        for name in files:
            try:
                self.stdout.write(self.import_one(Path(name), tags, options))
            except ArticleParseError as error:
                if len(files) == 1:
                    raise CommandError(f"{name}: {error}") from None
                self.stderr.write(f"{name}: {error}")
                failures += 1
        if failures:
            raise CommandError(
                f"{failures} of {len(files)} files could not be imported"
            )

    def tags(self, values: list[str]) -> list[str]:
        found: dict[str, str] = {}
        for value in values:
            for tag in value.split(","):
                tag = one_line(tag)
                if len(tag) > MAX_TAG_CHARS:
                    raise CommandError(
                        f"a tag may have at most {MAX_TAG_CHARS} characters: “{tag[:40]}…”"
                    )
                if tag:
                    found.setdefault(tag.casefold(), tag)
        return list(found.values())

    def parse(self, path: Path, options: dict) -> ParsedArticle:
        text = read_article_file(path)
        markdown = {"plain": False, "markdown": True}.get(options["format"])
        if markdown is None and path.suffix.lower() in MARKDOWN_SUFFIXES:
            markdown = True
        return parse_article(text, markdown=markdown)

    def import_one(self, path: Path, tags: list[str], options: dict) -> str:
        parsed = self.parse(path, options)
        if options["dry_run"]:
            return self.outline(path, parsed, rules=options["verbosity"] >= 2)
        for warning in parsed.warnings:
            self.stderr.write(self.style.WARNING(f"{path}: warning: {warning}"))
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_comment("Imported with manage.py import_article")
                category = category_for(
                    options["category"] or DEFAULT_CATEGORY,
                    create=options["create_category"] or not options["category"],
                )
                names = options["author"] or parsed.byline
                existed = find_existing(parsed, category) is not None
                article = save_parsed_article(
                    parsed,
                    category=category,
                    authors=[author_for(name) for name in names],
                    tags=tags,
                    publish=options["publish"],
                    replace=options["update"],
                )
        except AlreadyImported as existing:
            return (
                f"{path}: already imported: {self.address(existing.article)}; "
                "use --update to replace its text"
            )
        except DatabaseError as error:
            first_line = (
                str(error).strip().splitlines()[0] if str(error).strip() else ""
            )
            raise ArticleParseError(f"could not be saved ({first_line})") from None
        verb = "updated" if existed else "imported"
        return (
            f"{path}: {verb} “{article.title}” as {article.get_status_display().lower()} "
            f"with {self.counts(parsed)}: {self.address(article)}"
        )

    def address(self, article: Article) -> str:
        if article.is_public:
            return article.get_absolute_url()
        return f"{article.get_preview_url()} (staff preview)"

    def counts(self, parsed: ParsedArticle) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return ", ".join(
            [
                plural(len(parsed.table_of_contents), "heading"),
                plural(len(parsed.tables), "table"),
                plural(len(parsed.faq_items), "FAQ item"),
            ]
        )

    def outline(self, path: Path, parsed: ParsedArticle, *, rules: bool) -> str:
        """The structure found, warnings included: a dry run saves nothing to show them."""
        lines = [f"{path}: “{parsed.title}” ({self.counts(parsed)}; nothing saved)"]
        lines += [f"  {line}" for line in describe(parsed, rules=rules)]
        return "\n".join(lines)
