"""Whatever text or bytes an article file holds, the importer builds an article
from it or says in one line why it cannot; it never fails in any other way."""

from __future__ import annotations

import codecs
import io
import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import event, given, settings
from hypothesis import strategies as st

from articles.importer import (
    ArticleParseError,
    ParsedArticle,
    parse_article,
    parse_article_file,
)
from tests.fuzz.profile import FUZZ_EXAMPLES

# Lines the importer gives meaning to, mixed with anything at all, so the
# examples reach the tables, lists, FAQ and headings and not only "no title".
CONVENTIONS = [
    "Table of Contents",
    "- 1. A heading",
    "# A heading",
    "## Where the money goes",
    "### ",
    "Table: Main spending areas",
    "| Department | Budget |",
    "|---|---|",
    "| a | b | c |",
    "Source: the council",
    "Did you know?",
    "Frequently asked questions",
    "FAQ",
    "Q: Why?",
    "A: Because.",
    "Share your thoughts: What do you think?",
    "By Helen Marsh and Priya Raman",
    "VELDHAVEN – The council met.",
    "Property tax: Up 2.5%.",
    "* item",
    "1. item",
    "> a quotation",
    "```",
    "---",
    "<script>alert(1)</script>",
    "[link](javascript:alert(1))",
    "![image](http://example.com/x.png)",
    "\u202eevil\u202c",
    "\ufeff",
    "",
]

any_line = st.one_of(st.sampled_from(CONVENTIONS), st.text(max_size=80))
article_text = st.one_of(
    st.text(max_size=2000),
    st.lists(any_line, max_size=40).map("\n".join),
    st.lists(any_line, max_size=40).map("\r\n".join),
)
# Anything a file may hold: raw bytes, and text in the encodings people use.
file_bytes = st.one_of(
    st.binary(max_size=2000),
    st.tuples(
        article_text,
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]),
    ).map(lambda pair: pair[0].encode(pair[1], errors="replace")),
    st.tuples(
        st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\x00"]),
        article_text.map(lambda text: text.encode("utf-8", errors="surrogatepass")),
    ).map(b"".join),
)


def check_article(article: ParsedArticle) -> None:
    event("an article")
    assert isinstance(article, ParsedArticle)
    assert article.title.strip()
    assert "\n" not in article.title
    assert article.sections or article.faq_items
    assert article.slug


def check_error(error: ArticleParseError) -> None:
    message = str(error)
    event(f"refused: {message.split('(')[0][:40]}")
    assert message.strip()
    assert "\n" not in message


@given(text=article_text, markdown=st.sampled_from([None, True, False]))
def test_parse_article_builds_an_article_or_says_why(text, markdown):
    try:
        article = parse_article(text, markdown=markdown)
    except ArticleParseError as error:
        check_error(error)
    else:
        check_article(article)


@given(
    text=st.lists(
        st.text(alphabet=st.characters(codec=None), min_size=1, max_size=60),
        min_size=1,
        max_size=15,
    ).map("\n".join)
)
def test_even_lone_surrogates_give_an_article_or_a_reason(text):
    try:
        article = parse_article(text)
    except ArticleParseError as error:
        check_error(error)
    else:
        check_article(article)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="newsroom-fuzz-") as folder:
        yield Path(folder)


@given(
    data=file_bytes,
    suffix=st.sampled_from([".txt", ".md", ".markdown", ""]),
)
def test_any_file_gives_an_article_or_a_one_line_reason(scratch, data, suffix):
    path = scratch / f"article{suffix}"
    path.write_bytes(data)
    try:
        article = parse_article_file(path)
    except ArticleParseError as error:
        check_error(error)
    else:
        check_article(article)


@pytest.mark.slow  # a second or more: many saves
@pytest.mark.django_db
@settings(max_examples=max(1, FUZZ_EXAMPLES // 4))
@given(data=file_bytes, publish=st.booleans())
def test_the_import_command_imports_or_fails_in_one_line(scratch, data, publish):
    path = scratch / "article.txt"
    path.write_bytes(data)
    args = [os.fspath(path), *(["--publish"] if publish else [])]
    out, err = io.StringIO(), io.StringIO()
    # Each example starts from the same empty database.
    with transaction.atomic():
        try:
            call_command("import_article", *args, stdout=out, stderr=err)
        except CommandError as error:
            message = str(error)
            assert message.startswith(f"{path}: ")
            assert "\n" not in message
        else:
            assert out.getvalue().startswith(f"{path}: ")
            assert "imported" in out.getvalue()
        transaction.set_rollback(True)
