"""The article list and change form at a desktop's width and a phone's.

``DeskLayoutMixin`` goes among ArticleAdmin's bases and brings
``static/css/desk-layout.css``: no field reaches past the screen, and on a
phone each article in the list is a card of its columns.
"""

from __future__ import annotations

from django.forms import Media


class DeskLayoutMixin:
    @property
    def media(self) -> Media:
        return super().media + Media(css={"all": ["css/desk-layout.css"]})
