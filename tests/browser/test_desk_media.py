"""An editor puts a picture in the text, in Chromium.

The picture is uploaded from the article's own form, its focal point set with
the keyboard on the marker the script draws on the chosen file, and the
article page shows it in its section with its alt text, caption, credit and
smaller copies. Nothing in the new row breaks the Content Security Policy or
has a serious accessibility finding.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from PIL import Image as Pillow
from playwright.sync_api import expect

from articles.models import Article, Figure
from tests.articles.desk.media_support import make_image
from tests.browser.conftest import DESKTOP, BrowserPage
from tests.browser.test_journeys import check_page
from tests.factories import make_article, make_section, make_staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-for-tests-only"  # tests.factories.make_staff_user
# The desk does not link a favicon; the browser asks for one and gets a 404.
NOT_FOUND = (
    "console: Failed to load resource: the server responded with a status of 404 "
    "(Not Found)"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def editor():
    user = make_staff_user(first_name="Eda", last_name="Desk")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    return user


def log_in(tab: BrowserPage, user) -> None:
    index = reverse("admin:index")
    tab.open(reverse("admin:login") + f"?next={index}")
    tab.page.get_by_label("Username").fill(user.username)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Log in").click()
    tab.page.wait_for_url("**" + index)


def photo() -> bytes:
    """A camera-sized JPEG: wide enough for the smaller copies."""
    buffer = BytesIO()
    Pillow.new("RGB", (1200, 800), "#3a6ea5").save(buffer, format="JPEG")
    return buffer.getvalue()


def figure_findings(tab: BrowserPage) -> list[str]:
    """Serious and critical axe findings inside the pictures' rows."""
    findings = []
    for violation in Axe().run(tab.page).response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            selector = node["target"][-1]
            inside = tab.page.locator(selector).first.evaluate(
                "el => !!el.closest('#figures-group')"
            )
            if inside:
                findings.append(f"{violation['id']} {selector}: {node['html'][:120]}")
    return findings


def test_editor_adds_a_figure_from_an_uploaded_file(open_page, editor, media):
    article = make_article(
        title="Harbour reopens", status="draft", published_at=None, sections=0
    )
    make_section(article, heading="Arrival", body="The boats came in at dawn.")
    make_section(article, heading="Departure", body="They left at noon.")
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    log_in(tab, editor)
    tab.open(reverse("admin:articles_article_change", args=[article.pk]))

    page.get_by_role("button", name="Add another Picture in the text").click()
    row = page.locator("#figures-group .inline-related:not(.empty-form)").last
    row.get_by_label("Section").select_option(label="Arrival")
    # The focal point is asked for once there is a new picture to point at.
    expect(row.locator(".field-focal_point")).to_be_hidden()
    row.get_by_label("Or upload a new picture").set_input_files(
        files=[{"name": "catch.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    marker = row.get_by_role("slider", name="Focal point")
    expect(marker).to_be_visible()
    expect(marker).to_have_attribute("aria-valuetext", "50% across, 50% down")
    # A click on the subject puts the point there...
    picture = row.locator(".focal-point-picture")
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.2})
    expect(marker).to_have_attribute("aria-valuetext", "20% across, 20% down")
    # ...and the arrow keys move it: 5 % a press, 1 % with Shift.
    marker.focus()
    keys = ["ArrowRight"] * 2 + ["Shift+ArrowRight"] + ["ArrowDown"] * 10
    for key in keys:
        page.keyboard.press(key)
    expect(marker).to_have_attribute("aria-valuetext", "31% across, 70% down")
    expect(row.get_by_label("Across, % from the left")).to_have_value("31")
    expect(row.get_by_label("Down, % from the top")).to_have_value("70")
    crop = row.locator(".focal-point-crop-picture")
    assert crop.evaluate("img => getComputedStyle(img).objectPosition") == "31% 70%"
    row.get_by_label("Alt text").fill("Boats unloading fish on the quay")
    row.get_by_label("Caption").fill("Monday’s catch.")
    row.get_by_label("Credit").fill("Ana Ruiz")
    problems = figure_findings(tab)

    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    figure = Figure.objects.select_related("image", "section").get()
    assert figure.section.heading == "Arrival"
    assert (figure.image.focal_x, figure.image.focal_y) == (31, 70)
    # The saved row shows the picture it holds.
    saved = page.locator("#figures-group .inline-related.has_original").first
    expect(saved.locator("img.desk-thumbnail")).to_be_visible()
    problems += figure_findings(tab)

    # Published by an editor elsewhere; readers see the picture in its section.
    Article.objects.filter(pk=article.pk).update(
        status="published", published_at=timezone.now() - timedelta(minutes=1)
    )
    reader = open_page(viewport=DESKTOP)
    reader.open(article.get_absolute_url())
    shown = reader.page.locator('[aria-labelledby="arrival"] figure.article-figure img')
    expect(shown).to_have_attribute("alt", "Boats unloading fish on the quay")
    expect(reader.page.locator('[aria-labelledby="arrival"] figcaption')).to_have_text(
        "Monday’s catch. Ana Ruiz"
    )
    # A laptop's screen takes a smaller copy rather than the original.
    assert ".w960.webp" in shown.evaluate("img => img.currentSrc") or (
        ".w480.webp" in shown.evaluate("img => img.currentSrc")
    )
    expect(reader.page.locator('[aria-labelledby="departure"] figure')).to_have_count(0)

    assert problems == []
    assert tab.csp_violations() == [] and reader.csp_violations() == []
    assert [e for e in tab.errors if e != NOT_FOUND] == []
    assert [e for e in reader.errors if e != NOT_FOUND] == []


PHONE_390 = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["1280", "390"])
def test_the_picture_rows_fit_the_screen(open_page, editor, media, viewport):
    article = make_article(status="draft", published_at=None)
    tab = open_page(viewport=viewport)
    page = tab.page
    log_in(tab, editor)
    tab.open(reverse("admin:articles_article_change", args=[article.pk]))
    page.get_by_role("button", name="Add another Picture in the text").click()
    row = page.locator("#figures-group .inline-related:not(.empty-form)").last
    row.get_by_label("Or upload a new picture").set_input_files(
        files=[{"name": "wide.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    expect(row.get_by_role("slider", name="Focal point")).to_be_visible()
    past = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              "#figures-group input, #figures-group select, #figures-group img,"
              + " #figures-group .select2-container, #figures-group [role=slider]"))
            .filter((el) => el.offsetParent !== null && !el.closest(".empty-form"))
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth)
            .map((el) => el.name || el.className)"""
    )
    assert past == []
    assert tab.csp_violations() == []


def test_editor_moves_a_library_pictures_focal_point(open_page, editor, media):
    image = make_image(size=(1200, 800), focal_x=50, focal_y=50)
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    log_in(tab, editor)
    tab.open(reverse("admin:articles_image_change", args=[image.pk]))
    marker = page.get_by_role("slider", name="Focal point")
    # The stored picture is shown at once, with the point where it was saved.
    expect(marker).to_have_attribute("aria-valuetext", "50% across, 50% down")
    problems = check_page(tab, "image library form")
    marker.focus()
    for key in ["ArrowRight"] * 3 + ["ArrowUp"] * 2:
        page.keyboard.press(key)
    expect(page.get_by_label("Across, % from the left")).to_have_value("65")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (65, 40)
    assert problems == []
    assert [e for e in tab.errors if e != NOT_FOUND] == []
