"""The article list and change form at a desktop's width, a tablet's and a phone's.

``DeskLayoutMixin`` goes among ArticleAdmin's bases and brings
``static/css/desk-layout.css``: no field reaches past the screen, and the
list's headlines keep room. Where the list's box is narrow (a phone; a
tablet, beside the desk's menu) each article is a card of its columns: that
is ``static/css/desk-lists.css``, which every page of the desk loads.
"""

from __future__ import annotations

from django.forms import Media


class DeskLayoutMixin:
    @property
    def media(self) -> Media:
        return super().media + Media(css={"all": ["css/desk-layout.css"]})
