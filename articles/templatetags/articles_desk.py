"""The articles' part of the desk's home page."""

from __future__ import annotations

from django import template

from ..admin.desk_home import DeskList, desk_home

register = template.Library()


@register.simple_tag
def desk_articles(user) -> list[DeskList]:
    """My drafts, waiting for review, scheduled, changes not yet live: for
    users who may see articles."""
    if not user.has_perm("articles.view_article"):
        return []
    return desk_home(user)
