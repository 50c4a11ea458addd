from __future__ import annotations

import json
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.images import srcset
from articles.navigation import menu_categories

register = template.Library()

# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict | None) -> SafeString:
    """Render ``data`` as a JSON-LD script element, safe against markup in any value."""
    if not data:
        return mark_safe("")
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(
        '<script type="application/ld+json">'
        + payload.translate(_SCRIPT_ESCAPES)
        + "</script>"
    )


@register.simple_tag
def image_srcset(field_file, width: int | None) -> str:
    """srcset for a stored image: its smaller renditions, then the original."""
    return srcset(field_file, width)


@register.simple_tag
def time_tag(moment: datetime | None, style: str = "long") -> SafeString:
    """A <time> element: machine-readable UTC offset, human-readable local time."""
    if moment is None:
        return mark_safe("")
    try:
        local = timezone.localtime(moment)
    except OverflowError:  # the first or last day a datetime can hold
        local = moment
    pattern = "j F Y" if style == "date" else "j F Y, H:i T"
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="minutes"),
        format_date(local, pattern),
    )


@register.inclusion_tag("includes/_category_nav.html", takes_context=True)
def category_nav(
    context: template.Context, current_category_id: int | None = None
) -> dict:
    """The site's main navigation: categories marked for the menu, in their set order."""
    return {
        "categories": menu_categories(context.get("request")),
        "current_category_id": current_category_id,
    }


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current address with ``page`` set to ``number`` (other parameters kept)."""
    query = context["request"].GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path
