"""Chromium through Playwright against pytest-django's live server.

One browser is started for the whole run; each test gets fresh pages (a new
context, so no cookies or cache leak between tests). Chromium comes from the
operating system (Debian's ``chromium`` package), never from Playwright's own
download.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    sync_playwright,
)

from articles.models import Article, Section
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_faq_item,
    make_section,
    make_table,
)

CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# Collects what a reader's browser would complain about: script errors,
# console errors and Content Security Policy violations. Playwright injects
# init scripts itself, so the page's own CSP does not block this one.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

# Every colour the page computes, as [r, g, b, a] with 0-255 channels: a
# canvas understands any CSS colour syntax, so new notations in the
# stylesheet cannot break the contrast checks.
_COLOURS_JS = """
(element) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    layers.push(rgba(getComputedStyle(node).backgroundColor));
  }
  return { text: rgba(getComputedStyle(element).color), backgrounds: layers };
}
"""


@dataclass
class BrowserPage:
    """A page plus everything it reported while the test drove it."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    # Requests that failed or came back with an error status.
    failed_requests: list[str] = field(default_factory=list)

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None
        return response

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install the 'chromium' package "
            "or set NEWSROOM_CHROMIUM."
        )
    # Playwright's sync API runs an event loop in the test thread; Django's
    # ORM refuses to run beside one unless told the access is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser: Browser, live_server) -> Iterator[Callable[..., BrowserPage]]:
    """Make a fresh page: ``open_page(viewport=PHONE, color_scheme="dark")``."""
    contexts = []

    def factory(
        viewport: dict | None = None, color_scheme: str = "light", **options
    ) -> BrowserPage:
        context = browser.new_context(
            viewport=viewport or DESKTOP, color_scheme=color_scheme, **options
        )
        context.set_default_timeout(10_000)
        context.add_init_script(_WATCH_CSP)
        contexts.append(context)
        page = context.new_page()
        wrapped = BrowserPage(page=page, base_url=live_server.url)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                wrapped.errors.append(f"console: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: wrapped.errors.append(f"script: {error}"))

        def on_request_failed(request: Request) -> None:
            # Leaving a page cancels what it was still fetching (often the
            # favicon); that is not a failure a reader would see.
            if request.failure != "net::ERR_ABORTED":
                wrapped.failed_requests.append(f"{request.failure} {request.url}")

        page.on("requestfailed", on_request_failed)

        def on_response(response: Response) -> None:
            if response.status >= 400:
                wrapped.failed_requests.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        return wrapped

    yield factory
    for context in contexts:
        context.close()


def _composite(top: list[float], bottom: tuple[float, float, float]) -> tuple:
    alpha = top[3]
    return tuple(top[i] * alpha + bottom[i] * (1 - alpha) for i in range(3))


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ratio(a: tuple, b: tuple) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass
class Contrast:
    text: tuple
    background: tuple
    ratio: float

    @property
    def background_luminance(self) -> float:
        return _luminance(self.background)

    @property
    def text_luminance(self) -> float:
        return _luminance(self.text)


def measure_contrast(page: Page, selector: str) -> Contrast:
    """Contrast of the first element matching ``selector`` against what lies behind it."""
    colours = page.locator(selector).first.evaluate(_COLOURS_JS)
    background: tuple = (255.0, 255.0, 255.0)
    for layer in reversed(colours["backgrounds"]):
        background = _composite(layer, background)
    text = _composite(colours["text"], background)
    return Contrast(text, background, round(_ratio(text, background), 2))


_FILLER = (
    "negotiators met again on Thursday as ministers from across the continent "
    "arrived in the capital with modest hopes while officials said the draft "
    "text remained open on the timetable for elections and the role of outside "
    "observers in the months ahead"
)
_WORDS = _FILLER.split(" ")


def prose(paragraphs: int, seed: int) -> str:
    """Several paragraphs of plausible filler, different for each ``seed``."""
    out = []
    for p in range(paragraphs):
        words = [_WORDS[(seed * 7 + p * 5 + i * 3) % len(_WORDS)] for i in range(70)]
        out.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(out)


def fill_like_reporting(
    article: Article,
    *,
    opening: str,
    parts: list[tuple[str, int]],
    callout: tuple[str, str],
    callout_position: int,
    table: tuple[str, list[list[str]]],
    table_in_part: int,
    questions: list[str],
) -> None:
    """Give ``article`` the shape of real reporting: an unheaded opening, headed
    parts of ``(heading, paragraphs)``, a callout, a table placed in part
    ``table_in_part`` (counted from 1) and an FAQ."""
    make_section(article, heading="", position=0, body=opening)
    headed = [
        make_section(article, heading=heading, position=n, body=prose(length, n))
        for n, (heading, length) in enumerate(parts, start=1)
    ]
    heading, body = callout
    make_section(
        article,
        kind=Section.Kind.CALLOUT,
        heading=heading,
        position=callout_position,
        body=body,
    )
    caption, rows = table
    make_table(article, section=headed[table_in_part - 1], caption=caption, rows=rows)
    for n, question in enumerate(questions):
        make_faq_item(article, question=question, position=n)
    article.refresh_derived_text()


@pytest.fixture
def long_article(transactional_db) -> Article:
    """A published article shaped like real reporting: 16 headed sections, a
    callout, a table, a body link and FAQ, with related articles and tags."""
    category = make_category(name="World", slug="world")
    author = make_author(name="Amelia Hart", slug="amelia-hart")
    article = make_article(
        title="Talks resume as leaders meet in Paris",
        slug="talks-resume",
        standfirst="Ministers arrive with modest hopes of agreement on a timetable.",
        dateline="London",
        category=category,
        authors=[author],
        tags=["Diplomacy", "Europe"],
        sections=0,
        comment_prompt="Share your thoughts: what should come first?",
    )
    fill_like_reporting(
        article,
        opening="Read the [full statement](https://example.org/statement) first.\n\n"
        + prose(2, 0),
        parts=[(f"Part {n}: what happened", 3) for n in range(1, 17)],
        callout=("Did you know?", "Talks of this kind have failed three times before."),
        callout_position=5,
        table=(
            "Delegations at the talks",
            [["Country", "Delegates"], ["France", "12"], ["Poland", "9"]],
        ),
        table_in_part=4,
        questions=[f"What is question {n + 1}?" for n in range(3)],
    )
    make_article(category=category, authors=[author], tags=["Diplomacy"])
    return article


def anchors_in_toc(page: Page) -> list[str]:
    hrefs = page.locator("nav.toc a").evaluate_all("links => links.map(a => a.hash)")
    return [re.sub(r"^#", "", href) for href in hrefs]
