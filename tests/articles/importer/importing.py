"""Shared helpers for the importer's parser tests."""

import multiprocessing
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import pytest
from django.core.management import CommandError

from articles.importer import ArticleParseError, ParsedArticle
from articles.markup import markdown_to_text


def section(article: ParsedArticle, heading: str):
    return next(s for s in article.sections if s.heading == heading)


def flat(text: str) -> str:
    return " ".join(text.split())


def visible_text(article: ParsedArticle) -> str:
    """Everything a reader of the imported article can see, as plain text."""
    parts = [article.title, article.standfirst, article.dateline]
    parts += [article.comment_prompt, article.discussion_question]
    for part in article.sections:
        parts += [part.part_heading, part.heading, markdown_to_text(part.body)]
        parts += [cell for table in part.tables for row in table.rows for cell in row]
        parts += [table.caption for table in part.tables]
        parts += [table.source_note for table in part.tables]
    for item in article.faq_items:
        parts += [item.question, markdown_to_text(item.answer)]
    return flat("\n".join(parts))


def within(seconds: float, function: Callable[..., Any], *args: Any, **kwargs: Any):
    """``function(*args, **kwargs)``, failing the test if it is still running after ``seconds``.

    It runs in a forked child that is killed at the deadline: a thread could
    not be stopped, and a regular expression lost in backtracking holds the
    GIL, so even ``join(timeout)`` would wait for it. An ArticleParseError or
    CommandError in the child is raised again here.
    """
    context = multiprocessing.get_context("fork")
    answer, reply = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(reply, function, args, kwargs))
    with warnings.catch_warnings():
        # Another thread may be running (the live server, when the browser
        # tests share the run). The warning is about the child needing a lock
        # that thread held; the child only reads and parses text.
        warnings.filterwarnings(
            "ignore", r"This process .* is multi-threaded", DeprecationWarning
        )
        child.start()
    reply.close()
    try:
        if not answer.poll(seconds):
            child.kill()
            pytest.fail(f"{function.__name__} was still running after {seconds} s")
        try:
            failed, value = answer.recv()
        except EOFError:
            child.join()
            pytest.fail(f"{function.__name__} died (exit code {child.exitcode})")
    finally:
        child.join()
        answer.close()
    if failed:
        raise value
    return value


def _answer(reply: Connection, function: Callable, args: tuple, kwargs: dict) -> None:
    try:
        reply.send((False, function(*args, **kwargs)))
    except (ArticleParseError, CommandError) as error:
        reply.send((True, error))
