from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from taggit.models import Tag

from newsroom.caching import public_page

from . import structured_data
from .cards import decorate_cards
from .models import Article, ArticleRedirect, Author, Category, CategoryRedirect
from .navigation import menu_categories
from .pagination import paginate
from .reading import ArticleLayout

FRONT_PAGE_TOP_STORIES = 7
FRONT_PAGE_PER_CATEGORY = 4


@public_page(query=())
def home(request: HttpRequest) -> HttpResponse:
    top = list(Article.objects.for_listing()[:FRONT_PAGE_TOP_STORIES])
    menu = menu_categories(request)
    by_category: dict[int, list[Article]] = {c["pk"]: [] for c in menu}
    for article in Article.objects.for_listing().latest_in_categories(
        list(by_category), FRONT_PAGE_PER_CATEGORY, exclude_ids=[a.pk for a in top]
    ):
        by_category[article.category_id].append(article)
    blocks = [
        (articles[0].category, articles)
        for articles in by_category.values()
        if articles
    ]
    decorate_cards(request, top, *(articles for _, articles in blocks))
    return render(
        request,
        "articles/home.html",
        {
            "lead": top[0] if top else None,
            "top_stories": top[1:],
            "category_blocks": blocks,
            "website_ld": structured_data.website(request),
        },
    )


@public_page(query=("page",))
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        moved = get_object_or_404(
            CategoryRedirect.objects.select_related("category"), old_slug=slug
        )
        address = moved.category.get_absolute_url()
        if "page" in request.GET:
            address += "?" + request.GET.urlencode()
        return HttpResponsePermanentRedirect(address)
    page = paginate(request, Article.objects.for_listing().filter(category=category))
    page.object_list = list(page.object_list)
    decorate_cards(request, page.object_list)
    return render(
        request,
        "articles/category_detail.html",
        {
            "category": category,
            "page": page,
            "current_category_id": category.pk,
            **_breadcrumbs(request, [(category.name, category.get_absolute_url())]),
        },
    )


@public_page(query=("page",))
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, Article.objects.for_listing().tagged(tag))
    page.object_list = list(page.object_list)
    decorate_cards(request, page.object_list)
    if not page.object_list:
        # A tag used only by drafts must not reveal itself.
        raise Http404("No articles with this tag.")
    trail = [(tag.name, reverse("articles:tag", args=[tag.slug]))]
    return render(
        request,
        "articles/tag_detail.html",
        {
            "tag": tag,
            "page": page,
            **_breadcrumbs(request, trail),
        },
    )


@public_page(query=("page",))
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    page = paginate(
        request, Article.objects.for_listing().filter(bylines__author=author)
    )
    page.object_list = list(page.object_list)
    decorate_cards(request, page.object_list)
    trail = [(author.name, author.get_absolute_url())]
    return render(
        request,
        "articles/author_detail.html",
        {
            "author": author,
            "page": page,
            **_breadcrumbs(request, trail),
        },
    )


@public_page(query=())
def article_detail(request: HttpRequest, category_slug: str, slug: str) -> HttpResponse:
    article = (
        Article.objects.published()
        .for_detail()
        .filter(category__slug=category_slug, slug=slug)
        .first()
    )
    if article is None:
        moved = (
            ArticleRedirect.objects.filter(
                old_category_slug=category_slug, old_slug=slug
            )
            .select_related("article__category")
            .first()
        )
        if moved is not None and moved.article.is_public:
            return HttpResponsePermanentRedirect(moved.article.get_absolute_url())
        raise Http404("No such article.")
    return _render_article(request, article, is_preview=False)


@staff_member_required
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Any article as readers would see it, for staff; never cached or indexed."""
    article = get_object_or_404(Article.objects.for_detail(), pk=pk)
    response = _render_article(request, article, is_preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


def _breadcrumbs(request: HttpRequest, trail: list[tuple[str, str]]) -> dict:
    """The visible breadcrumb trail from the front page, and the same as JSON-LD."""
    crumbs = [("Home", reverse("articles:home")), *trail]
    return {
        "breadcrumbs": crumbs,
        "breadcrumbs_ld": structured_data.breadcrumbs(request, crumbs),
    }


def _render_article(
    request: HttpRequest, article: Article, *, is_preview: bool
) -> HttpResponse:
    layout = ArticleLayout(article)
    related = list(Article.objects.related_to(article)) if article.is_public else []
    previous_article, next_article = (
        Article.objects.neighbours_of(article) if article.is_public else (None, None)
    )
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "layout": layout,
            "related": related,
            "previous_article": previous_article,
            "next_article": next_article,
            "is_preview": is_preview,
            "current_category_id": article.category_id,
            "article_ld": structured_data.news_article(request, article),
            "faq_ld": structured_data.faq_page(layout.faq_items),
            **_breadcrumbs(
                request,
                [
                    (article.category.name, article.category.get_absolute_url()),
                    (article.title, article.get_absolute_url()),
                ],
            ),
        },
    )
