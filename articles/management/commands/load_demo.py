from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.importer import (
    AlreadyImported,
    ArticleParseError,
    parse_article_file,
    save_parsed_article,
)
from articles.models import Article, Author, Category

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_content"

# (name, slug, description), in navigation order.
CATEGORIES = [
    ("World", "world", "International news, diplomacy and conflict."),
    ("Europe", "europe", "Cities, regions and governments across Europe."),
    (
        "Politics",
        "politics",
        "Parliaments, elections and the decisions that shape public life.",
    ),
    ("Business", "business", "Markets, companies and the economy."),
    ("Science", "science", "Research, discovery and the environment."),
    ("Culture", "culture", "Arts, festivals, books and ideas."),
]

# (name, slug, role, bio); the bylines are fictional.
AUTHORS = [
    (
        "Helen Marsh",
        "helen-marsh",
        "Diplomatic editor",
        "Helen Marsh covers diplomacy and security. She has reported from summits "
        "and negotiating rooms across Europe for fifteen years.",
    ),
    (
        "Tomás Ferreira",
        "tomas-ferreira",
        "Europe correspondent",
        "Tomás Ferreira writes about cities, transport and regional politics "
        "from the newsroom's European desk.",
    ),
    (
        "Priya Raman",
        "priya-raman",
        "Science and environment reporter",
        "Priya Raman reports on ocean science, climate and public health.",
    ),
    (
        "Daniel Okafor",
        "daniel-okafor",
        "Business editor",
        "Daniel Okafor follows markets, farming and the energy industry.",
    ),
    (
        "Ingrid Solberg",
        "ingrid-solberg",
        "Culture writer",
        "Ingrid Solberg reviews festivals, music and the visual arts.",
    ),
]


@dataclass(frozen=True)
class DemoArticle:
    file: str
    category: str  # slug
    authors: tuple[str, ...]  # slugs
    tags: tuple[str, ...]
    hours_ago: int
    standfirst: str
    # Captions an editor wrote for tables the text gave none, in order.
    table_captions: tuple[str, ...] = ()


# Newest first. The front page shows the seven newest stories on top, then the
# four newest of each category that are not among them: the offsets below keep
# at most one story of a three-story category, and at most two of a four-story
# one, in the top seven, so every category block has at least two stories.
ARTICLES = [
    DemoArticle(
        "peace-talks.txt",
        "world",
        ("helen-marsh",),
        ("Ukraine", "Russia", "Diplomacy", "Security", "Europe"),
        2,
        "Moscow rules out any Western military presence as European leaders meet "
        "in Paris ahead of a call with Washington.",
        table_captions=("The leaders whose positions shape the talks",),
    ),
    DemoArticle(
        "tram-extension.md",
        "europe",
        ("tomas-ferreira",),
        ("Transport", "Cities", "Europe", "Veldhaven"),
        5,
        "A three-kilometre extension will link the station with the harbour "
        "district for the first time.",
    ),
    DemoArticle(
        "city-budget.txt",
        "politics",
        ("tomas-ferreira",),
        ("Veldhaven", "Economy", "Education"),
        8,
        "Spending on schools rises by 9% while property tax goes up by less than "
        "inflation.",
    ),
    DemoArticle(
        "grain-harvest.txt",
        "business",
        ("daniel-okafor",),
        ("Economy", "Farming", "Food prices"),
        11,
        "A mild spring lifts yield forecasts, but shoppers may wait months for "
        "cheaper bread.",
    ),
    DemoArticle(
        "comet-discovery.md",
        "science",
        ("priya-raman",),
        ("Space", "Research", "Veldhaven"),
        15,
        "Two volunteers spotted the faint object on images taken during a routine "
        "search for asteroids.",
    ),
    DemoArticle(
        "library-reopens.md",
        "culture",
        ("ingrid-solberg",),
        ("Books", "Education", "Veldhaven"),
        19,
        "A glass-roofed children's library, a makers' floor and 650 seats greet "
        "more than 6,000 visitors on the first day.",
    ),
    DemoArticle(
        "river-treaty.txt",
        "world",
        ("helen-marsh", "priya-raman"),
        ("Diplomacy", "Climate", "Farming"),
        23,
        "Arvenia, Teskar and Lodrava agree how to share the river's water when "
        "drought strikes.",
    ),
    DemoArticle(
        "seamount-survey.md",
        "science",
        ("priya-raman",),
        ("Oceans", "Climate", "Research", "Wildlife"),
        28,
        "Nine underwater mountains appear on the map after a 19-day survey.",
    ),
    DemoArticle(
        "permit-reform.txt",
        "politics",
        ("tomas-ferreira", "helen-marsh"),
        ("Housing", "Cities", "Economy"),
        34,
        "Most small projects will get an answer within eight weeks under the new rules.",
    ),
    DemoArticle(
        "night-trains.md",
        "europe",
        ("tomas-ferreira",),
        ("Transport", "Europe", "Veldhaven"),
        41,
        "Sleeper carriages to Salvora, Ostelin and Brenmark return after more than "
        "twenty years.",
    ),
    DemoArticle(
        "sodium-battery.md",
        "business",
        ("daniel-okafor", "priya-raman"),
        ("Energy", "Technology", "Climate", "Economy"),
        50,
        "A pilot line tests whether cells made from common salt can compete with lithium.",
    ),
    DemoArticle(
        "lantern-festival.txt",
        "culture",
        ("ingrid-solberg",),
        ("Festivals", "Music", "Cities"),
        58,
        "More than 120 events, a third of them free, along the riverside this weekend.",
    ),
    DemoArticle(
        "cyclone-recovery.md",
        "world",
        ("helen-marsh",),
        ("Climate", "Weather", "Security"),
        70,
        "Aid reaches the outer islands by small boat as the government plans "
        "stronger homes.",
    ),
    DemoArticle(
        "heat-plan.txt",
        "europe",
        ("priya-raman",),
        ("Climate", "Health", "Cities", "Weather"),
        86,
        "Libraries and museums become places to escape the heat during the hottest hours.",
    ),
    DemoArticle(
        "voting-age.md",
        "politics",
        ("tomas-ferreira",),
        ("Elections", "Education"),
        104,
        "The bill needs a two-thirds majority, and the governing coalition is "
        "eleven votes short.",
    ),
    DemoArticle(
        "port-cargo.txt",
        "business",
        ("daniel-okafor",),
        ("Economy", "Transport", "Veldhaven"),
        125,
        "Containers drive a 6% rise as the Westmole terminal opens to larger ships.",
    ),
    DemoArticle(
        "wild-bees.txt",
        "science",
        ("priya-raman",),
        ("Wildlife", "Research", "Cities"),
        150,
        "Volunteers record 74 species, four of them new to the area, but meadow "
        "bumblebees are in decline.",
    ),
    DemoArticle(
        "book-prize.txt",
        "culture",
        ("ingrid-solberg",),
        ("Books", "Veldhaven"),
        180,
        "The Tide Table, written before early hospital shifts, follows three "
        "generations of harbour pilots.",
    ),
    DemoArticle(
        "election-observers.txt",
        "world",
        ("helen-marsh",),
        ("Elections", "Diplomacy"),
        215,
        "Voting was orderly, the mission says, but state television favoured the "
        "governing party's candidate.",
    ),
    DemoArticle(
        "ambulance-border.txt",
        "europe",
        ("tomas-ferreira", "priya-raman"),
        ("Health", "Europe"),
        265,
        "The nearest crew will answer a call, whichever side of the frontier it is "
        "based on.",
    ),
    DemoArticle(
        "mayor-race.md",
        "politics",
        ("tomas-ferreira",),
        ("Elections", "Housing", "Veldhaven"),
        340,
        "Residents will choose the mayor directly for the first time, ranking the "
        "candidates in order of preference.",
    ),
    DemoArticle(
        "long-street-shops.md",
        "business",
        ("daniel-okafor", "tomas-ferreira"),
        ("Economy", "Cities", "Veldhaven"),
        460,
        "Cheap one-year leases bring bakeries, a repair café and a bicycle workshop "
        "to the old shopping street.",
    ),
]


class Command(BaseCommand):
    help = (
        "Load the demo categories, authors and published articles. Safe to run "
        "again: what exists already is left as it is, so editors' changes survive."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        with transaction.atomic():
            categories, new_categories = self.categories()
            authors, new_authors = self.authors()
            added = 0
            for item in ARTICLES:
                added += self.article(item, categories, authors, now)
        present = len(ARTICLES) - added
        if not (added or new_categories or new_authors):
            self.stdout.write(
                f"Demo content already loaded ({len(ARTICLES)} articles); nothing changed."
            )
            return
        self.stdout.write(
            f"Demo content: {added} articles added ({present} already there), "
            f"{new_categories} categories and {new_authors} authors created."
        )

    def categories(self) -> tuple[dict[str, Category], int]:
        # Found by slug or by name, so a category an editor renamed or moved is reused.
        found, created = {}, 0
        for position, (name, slug, description) in enumerate(CATEGORIES, start=1):
            category = (
                Category.objects.filter(slug=slug).first()
                or Category.objects.filter(name__iexact=name).first()
            )
            if category is None:
                category = Category.objects.create(
                    name=name, slug=slug, description=description, position=position
                )
                created += 1
            found[slug] = category
        return found, created

    def authors(self) -> tuple[dict[str, Author], int]:
        found, created = {}, 0
        for name, slug, role, bio in AUTHORS:
            author = (
                Author.objects.filter(slug=slug).first()
                or Author.objects.filter(name__iexact=name).first()
            )
            if author is None:
                author = Author.objects.create(name=name, slug=slug, role=role, bio=bio)
                created += 1
            found[slug] = author
        return found, created

    def article(
        self,
        item: DemoArticle,
        categories: dict[str, Category],
        authors: dict[str, Author],
        now: datetime,
    ) -> bool:
        try:
            parsed = parse_article_file(DEMO_DIR / item.file)
        except ArticleParseError as error:
            raise CommandError(f"demo article {item.file}: {error}") from None
        published_at = now - timedelta(hours=item.hours_ago)
        try:
            article = save_parsed_article(
                parsed,
                category=categories[item.category],
                authors=[authors[slug] for slug in item.authors],
                tags=item.tags,
                publish=True,
                published_at=published_at,
                standfirst=item.standfirst,
            )
        except AlreadyImported:
            return False
        uncaptioned = article.tables.filter(caption="").order_by("position", "pk")
        for table, caption in zip(uncaptioned, item.table_captions, strict=False):
            table.caption = caption
            table.save(update_fields=["caption"])
        # Loading the demo is not an update readers should be told about.
        Article.objects.filter(pk=article.pk).update(updated_at=published_at)
        return True
