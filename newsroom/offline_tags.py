"""The ``articles_tags`` library as the 503 page loads it: the menu is left out.

newsroom/unavailable.py renders the page with this library in place of the
real one, so the header's ``{% category_nav %}`` does not ask the database
that has just failed. Every other tag and filter is the site's own.
"""

from django import template

from articles.templatetags import articles_tags

register = template.Library()
register.tags.update(articles_tags.register.tags)
register.filters.update(articles_tags.register.filters)


@register.inclusion_tag("includes/_category_nav.html")
def category_nav(current_category_id: int | None = None) -> dict:
    return {"categories": [], "current_category_id": current_category_id}
