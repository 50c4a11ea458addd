"""`manage.py import_article` and `manage.py load_demo` against a real database."""

import io
import os
import re
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ArticleTable, Author, Category, FaqItem, Section
from tests.factories import make_author, make_category
from tests.pages import parse_page
from tests.subprocesses import manage

PROJECT = Path(__file__).resolve().parents[3]
SAMPLE = PROJECT / "articles/demo_content/peace-talks.txt"
SAMPLE_SLUG = "russia-rejects-western-troops-in-ukraine-as-peace-talks-loom"

SHORT = """Harbour Board Approves New Ferry Timetable
Table of Contents
- 1. Harbour Board Approves New Ferry Timetable
- 2. The Decision
- 3. Reaction
KYIV — The harbour board approved two evening crossings.
The Decision
Nine members voted in favour.
Reaction
Commuters welcomed it.
"""


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_article", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str | bytes, name: str = "article.txt") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Article, Section, ArticleTable, FaqItem, Category, Author)
    )


@pytest.mark.django_db
def test_import_sample_published_with_metadata(anon):
    world = make_category(name="World", slug="world")
    out, err = run(
        str(SAMPLE),
        "--publish",
        "--category",
        "world",
        "--author",
        "Helen Marsh",
        "--author",
        "Ana Silva",
        "--tags",
        "Ukraine, Diplomacy",
        "--tags",
        "ukraine,Security",
    )
    article = Article.objects.get(slug=SAMPLE_SLUG)
    assert article.category == world
    assert article.status == Article.Status.PUBLISHED and article.is_public
    assert [b.author.name for b in article.bylines.all()] == [
        "Helen Marsh",
        "Ana Silva",
    ]
    assert Author.objects.get(name="Ana Silva").slug == "ana-silva"
    assert sorted(t.name for t in article.tags.all()) == [
        "Diplomacy",
        "Security",
        "Ukraine",
    ]
    assert article.dateline == "London"
    assert article.comment_prompt.startswith("Share your thoughts: Do you believe")
    assert article.faq_items.count() == 7
    assert article.body_text and article.excerpt.startswith("Russia has reiterated")
    assert out.strip() == (
        f"{SAMPLE}: imported “{article.title}” as published with 14 headings, "
        f"1 table, 7 FAQ items: {article.get_absolute_url()}"
    )
    # The missing caption and the capitalisation slips, each with its line.
    warnings = err.splitlines()
    assert warnings and all(
        line.startswith(f"{SAMPLE}: warning: line ") for line in warnings
    )
    assert f"{SAMPLE}: warning: line 41: the table has no caption" in err
    assert article.discussion_question.startswith("How might a shift in U.S. policy")
    follow_up = article.sections.get(is_follow_up=True)
    assert follow_up.part_heading.startswith("Russia issues Warning")
    assert follow_up.heading == "Kremlin Condemns “Counterproductive” Discussions"

    html = anon.get(article.get_absolute_url()).content.decode()
    links = parse_page(html).toc_links
    assert len(links) == 15
    for anchor in links:
        assert f'id="{anchor}"' in html
    assert '<aside class="callout" aria-labelledby="did-you-know">' in html
    assert html.count('<th scope="col">') == 2
    assert html.count("<tr>") == 5
    assert html.count('class="faq-item"') == 7
    assert '<span class="dateline">London</span>' in html


@pytest.mark.django_db
def test_import_draft_in_default_category(tmp_path, editor_client, anon):
    out, _ = run(write(tmp_path, SHORT))
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.category.name == "News" and article.category.slug == "news"
    assert article.get_preview_url() in out and "as draft" in out
    assert anon.get(article.get_absolute_url()).status_code == 404
    preview = editor_client.get(article.get_preview_url())
    assert preview.status_code == 200
    assert parse_page(preview.content.decode()).toc_links == [
        "the-decision",
        "reaction",
    ]


@pytest.mark.django_db
def test_category_found_by_name_or_slug(tmp_path):
    science = make_category(name="Science & Tech", slug="science")
    run(write(tmp_path, SHORT), "--category", "science & tech")
    run(
        write(tmp_path, SHORT.replace("Harbour Board", "Port Board"), "b.txt"),
        "--category",
        "SCIENCE",
    )
    assert Article.objects.filter(category=science).count() == 2


@pytest.mark.django_db
def test_unknown_category_is_refused_unless_asked_to_create(tmp_path):
    make_category(name="World", slug="world")
    before = counts()
    with pytest.raises(
        CommandError, match=r"there is no category “Wrold” .*World.*--create-category"
    ):
        run(write(tmp_path, SHORT), "--category", "Wrold")
    assert counts() == before
    run(write(tmp_path, SHORT), "--category", "Local News", "--create-category")
    assert Article.objects.get().category.slug == "local-news"


@pytest.mark.django_db
def test_reserved_category_slug_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot create category “Admin”"):
        run(write(tmp_path, SHORT), "--category", "Admin", "--create-category")
    assert counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_byline_line_is_used_when_no_author_is_given(tmp_path):
    existing = make_author(name="Ana Silva", slug="ana-silva")
    run(write(tmp_path, "Title Here\nBy Ana Silva and Tom Reed\nText.\n"))
    article = Article.objects.get()
    assert article.bylines.first().author == existing
    assert [b.author.slug for b in article.bylines.all()] == ["ana-silva", "tom-reed"]
    assert "By Ana" not in article.body_text


@pytest.mark.django_db
def test_reimport_changes_nothing(tmp_path):
    path = write(tmp_path, SHORT)
    run(path, "--tags", "Ferries")
    article = Article.objects.get()
    before, updated_at = counts(), article.updated_at
    out, _ = run(path, "--publish", "--tags", "Other")
    assert out.strip() == (
        f"{path}: already imported: {article.get_preview_url()} (staff preview); "
        "use --update to replace its text"
    )
    assert counts() == before
    article.refresh_from_db()
    assert article.updated_at == updated_at and article.status == Article.Status.DRAFT
    assert [t.name for t in article.tags.all()] == ["Ferries"]


@pytest.mark.django_db
def test_update_replaces_text_and_keeps_address_status_authors_and_anchors(tmp_path):
    path = write(tmp_path, SHORT)
    run(path, "--publish", "--author", "Helen Marsh", "--tags", "Ferries")
    article = Article.objects.get()
    anchors = dict(article.sections.values_list("heading", "anchor"))
    Section.objects.filter(article=article, heading="Reaction").update(
        anchor="first-reactions"
    )
    published_at = article.published_at
    changed = SHORT.replace("Commuters welcomed it.", "Commuters welcomed it warmly.")
    changed += "Did you know? The ferry is older than the bridge.\n"
    out, _ = run(write(tmp_path, changed), "--update")
    assert "updated “Harbour Board Approves New Ferry Timetable” as published" in out
    article.refresh_from_db()
    assert Article.objects.count() == 1
    assert (article.status, article.published_at) == (
        Article.Status.PUBLISHED,
        published_at,
    )
    assert [b.author.name for b in article.bylines.all()] == ["Helen Marsh"]
    assert [t.name for t in article.tags.all()] == ["Ferries"]
    sections = list(article.sections.values_list("heading", "anchor", "body"))
    assert (
        "The Decision",
        anchors["The Decision"],
        "Nine members voted in favour.",
    ) in sections
    assert ("Reaction", "first-reactions", "Commuters welcomed it warmly.") in sections
    assert article.sections.filter(kind="callout").count() == 1
    assert "welcomed it warmly" in article.body_text


@pytest.mark.django_db
def test_update_can_publish_a_draft(tmp_path):
    path = write(tmp_path, SHORT)
    run(path)
    run(path, "--update", "--publish")
    assert Article.objects.get().is_public


@pytest.mark.django_db
def test_dry_run_saves_nothing(tmp_path):
    out, _ = run(write(tmp_path, SHORT), "--dry-run")
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert "“Harbour Board Approves New Ferry Timetable” (2 headings, 0 tables" in out
    assert "  dateline: KYIV\n" in out and ". The Decision [text]\n" in out


@pytest.mark.django_db
def test_warnings_go_to_stderr(tmp_path):
    text = SHORT.replace("- 3. Reaction", "- 3. Reaction\n- 4. Lost Heading")
    out, err = run(write(tmp_path, text))
    assert "warning: line 6: “Lost Heading” is listed in the table of contents" in err
    assert "imported" in out


@pytest.mark.django_db
def test_dry_run_prints_the_warnings_with_the_structure(tmp_path):
    text = SHORT.replace("- 3. Reaction", "- 3. Reaction\n- 4. Lost Heading")
    out, err = run(write(tmp_path, text), "--dry-run")
    assert err == ""
    assert "  warnings: 1\n    line 6: “Lost Heading” is listed in the" in out


def error_cases(tmp_path: Path) -> list[tuple[str, str]]:
    (tmp_path / "folder").mkdir()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "socket.txt"))
    (tmp_path / "zeros.txt").symlink_to("/dev/zero")
    return [
        (str(tmp_path / "missing.txt"), "no such file"),
        (str(tmp_path / "folder"), "is a directory, not an article file"),
        (str(tmp_path / "socket.txt"), "is a socket, not an article file"),
        (str(tmp_path / "zeros.txt"), "is a device, not an article file"),
        (write(tmp_path, "", "empty.txt"), "the file is empty"),
        (write(tmp_path, " \n\r\n\t\n", "blank.txt"), "the file is empty"),
        (
            write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt"),
            "looks like a binary file",
        ),
        (
            write(tmp_path, "Title\nText with a NUL\x00 byte.\n", "nul.txt"),
            "looks like a binary file",
        ),
        (
            write(tmp_path, "Caf\xe9 news\nText.\n".encode("latin-1"), "latin.txt"),
            "is not UTF-8 text (byte 0xe9 at position 3)",
        ),
        (
            write(tmp_path, "Title\nText.\n".encode("utf-16"), "utf16.txt"),
            "is UTF-16 text",
        ),
        (
            write(tmp_path, b"Title\n" + b"word " * 1_100_000, "huge.txt"),
            "is larger than 2 MB",
        ),
        (
            write(tmp_path, "| a | b |\n| c | d |\n", "table.txt"),
            "the first line must be the article's title",
        ),
        (
            write(tmp_path, "Just a title\n", "title.txt"),
            "there is no article text after the title",
        ),
    ]


@pytest.mark.django_db
def test_bad_files_give_one_line_and_write_nothing(tmp_path):
    make_category(name="News", slug="news")
    before = counts()
    cases = error_cases(tmp_path)
    assert cases
    for path, message in cases:
        with pytest.raises(CommandError) as error:
            run(path, "--publish", "--author", "Someone New", "--tags", "x")
        assert str(error.value).startswith(f"{path}: {message}"), str(error.value)
        assert "\n" not in str(error.value)
        assert counts() == before


@pytest.mark.django_db
def test_failure_while_saving_rolls_everything_back(tmp_path):
    before = counts()
    with pytest.raises(CommandError, match="an author's name may have at most 120"):
        run(
            write(tmp_path, SHORT),
            "--category",
            "Brand New",
            "--create-category",
            "--author",
            "x" * 121,
        )
    assert counts() == before


@pytest.mark.django_db
def test_tag_too_long_is_refused(tmp_path):
    with pytest.raises(CommandError, match="a tag may have at most 100 characters"):
        run(write(tmp_path, SHORT), "--tags", "t" * 101)
    assert counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_several_files_each_stand_alone(tmp_path):
    good = write(tmp_path, SHORT, "good.txt")
    bad = write(tmp_path, b"\x00\x01", "bad.bin")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"^1 of 2 files could not be imported$"):
        call_command("import_article", bad, good, stdout=out, stderr=err)
    assert f"{bad}: looks like a binary file" in err.getvalue()
    assert f"{good}: imported" in out.getvalue()
    assert Article.objects.count() == 1


@pytest.mark.slow  # each runs manage.py in a child process
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"\xff\xfe\x00\x00", "is UTF-16 text"),
        (b"\x00bin", "looks like a binary file"),
    ],
)
def test_command_line_errors_are_one_line_without_traceback(tmp_path, content, message):
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    result = manage("import_article", str(path), DATABASE_URL=database)
    assert result.returncode == 1
    assert result.stderr.startswith(f"CommandError: {path}: {message}")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


@pytest.mark.slow
def test_fifo_is_refused_in_one_line_instead_of_waiting(tmp_path):
    # A child process, so that a regression fails at manage()'s timeout
    # instead of hanging the test run on a FIFO nobody writes to.
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    result = manage("import_article", str(fifo), DATABASE_URL=database)
    assert result.returncode == 1
    assert result.stderr == (
        f"CommandError: {fifo}: is a named pipe (FIFO), not an article file\n"
    )
    assert result.stdout == ""


@pytest.mark.django_db
def test_bom_crlf_and_odd_unicode_survive(tmp_path, editor_client):
    text = (
        "Фестиваль у моря 🎉\r\nTable of Contents\r\n- 1. Фестиваль у моря 🎉\r\n"
        "- 2. مرحبا بالعالم\r\n- 3. Cafe\u0301 society ☕\r\n- 4. Cafe\u0301 society ☕\r\n"
        "مرحبا بالعالم\r\nنص عربي هنا.\r\nCafé society ☕\r\nZa\u0308hlen 👩‍👩‍👧.\r\n"
        "Café society ☕\r\nAgain.\r\n"
    )
    run(write(tmp_path, "\ufeff" + text))
    article = Article.objects.get()
    assert article.title == "Фестиваль у моря 🎉"
    assert re.fullmatch(r"article-[0-9a-f]{10}", article.slug)
    headings = list(
        article.sections.exclude(heading="").values_list("heading", "anchor")
    )
    assert headings == [
        ("مرحبا بالعالم", "مرحبا-بالعالم"),
        ("Café society ☕", "café-society"),
        ("Café society ☕", "café-society-2"),
    ]
    html = editor_client.get(article.get_preview_url()).content.decode()
    assert "Фестиваль у моря 🎉" in html and "Za\u0308hlen 👩‍👩‍👧." in html
    links = parse_page(html).toc_links
    assert links
    assert all(f'id="{anchor}"' in html for anchor in links)
    assert "\r" not in article.body_text


@pytest.mark.django_db
def test_bidi_controls_are_removed_from_title_byline_tags_and_category(
    tmp_path, editor_client
):
    rlo, pdf, rli, pdi = "\u202e", "\u202c", "\u2067", "\u2069"
    text = (
        f"Board minutes_{rlo}fdp.exe\nBy Ana {rlo}Silva{pdf}\nThe {rli}نص{pdi} text.\n"
    )
    run(
        write(tmp_path, text),
        "--tags",
        f"{rlo}Budget{pdf}, {rli}مالية{pdi}",
        "--category",
        f"{rlo}City Hall",
        "--create-category",
    )
    article = Article.objects.select_related("category").get()
    assert article.title == "Board minutes_fdp.exe"
    assert [b.author.name for b in article.bylines.all()] == ["Ana Silva"]
    assert sorted(t.name for t in article.tags.all()) == ["Budget", "مالية"]
    assert article.category.name == "City Hall"
    html = editor_client.get(article.get_preview_url()).content.decode()
    assert "Board minutes_fdp.exe" in html and rlo not in html
    assert f"The {rli}نص{pdi} text." in html  # prose keeps its isolates


@pytest.mark.django_db
def test_markdown_file_imports_with_format_detection(tmp_path):
    markdown = (
        "Plain *Looking* Title\n\nIntro with *emphasis*.\n\n## Part one\n\nText.\n"
    )
    run(write(tmp_path, markdown, "story.md"))
    article = Article.objects.get()
    assert article.title == "Plain Looking Title"
    assert "<em>emphasis</em>" in article.sections.first().body_html
    run(
        write(tmp_path, markdown.replace("Title", "Heading"), "story.txt"),
        "--format",
        "plain",
    )
    literal = Article.objects.get(slug="plain-looking-heading")
    assert literal.title == "Plain *Looking* Heading"


# -- load_demo -------------------------------------------------------------
