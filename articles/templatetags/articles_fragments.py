"""``{% stored %}`` and ``{% live %}``: parts of a page kept once rendered (articles/fragments.py).

    {% stored "body" %}
      … the article's text, rendered once per version …
      {% live %}… a count, a form: rendered every time …{% endlive %}
      …
    {% endstored %}

    {% stored "card" article.pk level featured %} … {% endstored %}

A stored block is taken from the page's ``stored_fragments`` when it holds
it, or rendered and handed to it to keep. The ``{% live %}`` blocks inside it
(in the same template, not in one it includes) are rendered on every
request, found or not, with the context *around* the stored block (not the
one of a loop or ``with`` inside it), so a page is the same byte for byte
whether its fragments were found or made. Without
``stored_fragments`` in the context (previews, review links), or for a block
the page did not ask for, everything renders as usual.
"""

from __future__ import annotations

import secrets

from django import template
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class LiveNode(Node):
    """Rendered on every request; inside a stored block being made, a marker."""

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.owner: StoredNode | None = None
        self.number = 0

    def render(self, context: Context) -> str:
        marker = context.render_context.get(self.owner) if self.owner else None
        if marker is None:
            return self.nodelist.render(context)
        return f"{marker}{self.number}{marker}"


class StoredNode(Node):
    def __init__(self, name: str, values: list, nodelist: NodeList) -> None:
        self.name, self.values, self.nodelist = name, values, nodelist
        self.holes = nodelist.get_nodes_by_type(LiveNode)
        for number, hole in enumerate(self.holes):
            hole.owner, hole.number = self, number

    def render(self, context: Context) -> SafeString:
        store = context.get("stored_fragments")
        values = [value.resolve(context) for value in self.values]
        if store is None or not store.is_stored(self.name, values):
            return self.nodelist.render(context)
        parts = store.parts(self.name, values)
        if parts is None:
            store.prepare(self.name, values)
            parts = self._make(context)
            store.keep(self.name, values, parts)
        return mark_safe(
            "".join(
                part if isinstance(part, str) else self.holes[part].render(context)
                for part in parts
            )
        )

    def _make(self, context: Context) -> list[str | int]:
        """The block rendered with markers where its live blocks go, split at them."""
        # Random per render, so no text in the page can pass for a marker.
        marker = f"<!--live-{secrets.token_hex(8)}-->"
        context.render_context[self] = marker
        try:
            html = self.nodelist.render(context)
        finally:
            del context.render_context[self]
        # Text, number, text, number, text…: the markers enclose the numbers.
        pieces = html.split(marker)
        return [
            piece if n % 2 == 0 else int(piece)
            for n, piece in enumerate(pieces)
            if piece or n % 2
        ]


@register.tag
def stored(parser: Parser, token: Token) -> StoredNode:
    """``{% stored "name" [value …] %}…{% endstored %}``: see the module docstring."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(
            "{% stored %} needs a quoted name, then any values it varies on."
        )
    nodelist = parser.parse(("endstored",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(StoredNode):
        raise template.TemplateSyntaxError("{% stored %} blocks cannot be nested.")
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    return StoredNode(bits[1][1:-1], values, nodelist)


@register.tag
def live(parser: Parser, token: Token) -> LiveNode:
    """``{% live %}…{% endlive %}``: inside ``{% stored %}``, rendered on every request."""
    nodelist = parser.parse(("endlive",))
    parser.delete_first_token()
    return LiveNode(nodelist)
