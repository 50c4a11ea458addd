from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from articles.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index from every article's stored text, in "
        "batches. Run it after writing articles in bulk (bulk_create, or "
        "QuerySet.update of titles or standfirsts), after restoring a backup, or "
        "if search results look out of date. Readers can keep searching while it "
        "runs: each batch is replaced in one short transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Articles re-indexed per transaction (default 1000).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database to rebuild (default: 'default').",
        )

    def handle(self, *args, batch_size: int, database: str, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"{done:,} of {total:,} articles")

        count = rebuild_index(batch_size=batch_size, using=database, progress=progress)
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} articles."))
