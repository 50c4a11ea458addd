from django import template
from django.templatetags.static import static

from newsroom.site import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    """This page's address for canonical links: no tracking parameters, page 1 bare."""
    request = context["request"]
    page = request.GET.get("page", "1")
    suffix = f"?page={page}" if page.isdigit() and page != "1" else ""
    return absolute_url(request, request.path + suffix)


@register.simple_tag(takes_context=True)
def absolute_static(context: template.Context, path: str) -> str:
    """The absolute address of a static file (for share images in metadata)."""
    return absolute_url(context["request"], static(path))
