from __future__ import annotations

from collections.abc import Callable

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from taggit.models import Tag

from newsroom.caching import depends_on, public_page
from newsroom.site import absolute_url

from . import fragments, page_tags, structured_data
from .cards import decorate_cards
from .models import (
    Article,
    ArticleRedirect,
    Author,
    AuthorRedirect,
    Category,
    CategoryRedirect,
    PendingEdit,
    TagRedirect,
)
from .navigation import menu_categories
from .pagination import PER_PAGE, page_number, paginate
from .reading import ArticleLayout
from .revisions import pending_world

FRONT_PAGE_TOP_STORIES = 7
FRONT_PAGE_PER_CATEGORY = 4


@public_page(query=(), tags=(page_tags.FRONT,))
def home(request: HttpRequest) -> HttpResponse:
    menu = [category["pk"] for category in menu_categories(request)]
    shown, _ = _kept_articles(
        request, "front", [page_tags.FRONT], lambda: (_front_page(menu), {})
    )
    top = shown.pop("top")
    blocks = [
        (articles[0].category, articles) for articles in shown.values() if articles
    ]
    return _render_cards(
        request,
        "articles/home.html",
        {
            "lead": top[0] if top else None,
            "top_stories": top[1:],
            "category_blocks": blocks,
            "website_ld": structured_data.website(request),
        },
        top,
        *(articles for _, articles in blocks),
    )


def _front_page(menu: list[int]) -> dict[str, list[Article]]:
    """The top stories, then the newest of each menu category not among them."""
    top = list(Article.objects.for_cards()[:FRONT_PAGE_TOP_STORIES])
    by_category: dict[int, list[Article]] = {pk: [] for pk in menu}
    for article in Article.objects.for_cards().latest_in_categories(
        menu, FRONT_PAGE_PER_CATEGORY, exclude_ids=[a.pk for a in top]
    ):
        by_category[article.category_id].append(article)
    return {"top": top} | {
        f"category:{pk}": articles for pk, articles in by_category.items() if articles
    }


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
    depends_on(request, page_tags.category_tag(category.pk))
    page = _page_of(
        request,
        page_tags.category_tag(category.pk),
        Article.objects.for_cards().filter(category=category),
    )
    return _render_cards(
        request,
        "articles/category_detail.html",
        {
            "category": category,
            "page": page,
            "current_category_id": category.pk,
            **_breadcrumbs(request, [(category.name, category.get_absolute_url())]),
        },
        page.object_list,
    )


@public_page(query=("page",))
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        moved = get_object_or_404(
            TagRedirect.objects.select_related("tag"), old_slug=slug
        )
        if not Article.objects.published().tagged(moved.tag).exists():
            raise Http404("No articles with this tag.")
        return _moved_to(request, reverse("articles:tag", args=[moved.tag.slug]))
    depends_on(request, page_tags.tag_tag(tag.pk))
    page = _page_of(
        request, page_tags.tag_tag(tag.pk), Article.objects.for_cards().tagged(tag)
    )
    if not page.object_list:
        # A tag used only by drafts must not reveal itself.
        raise Http404("No articles with this tag.")
    trail = [(tag.name, reverse("articles:tag", args=[tag.slug]))]
    return _render_cards(
        request,
        "articles/tag_detail.html",
        {
            "tag": tag,
            "page": page,
            **_breadcrumbs(request, trail),
        },
        page.object_list,
    )


@public_page(query=("page",))
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        moved = get_object_or_404(
            AuthorRedirect.objects.select_related("author"), old_slug=slug
        )
        return _moved_to(request, moved.author.get_absolute_url())
    depends_on(request, page_tags.author_tag(author.pk))
    page = _page_of(
        request,
        page_tags.author_tag(author.pk),
        Article.objects.for_cards().filter(bylines__author=author),
    )
    trail = [(author.name, author.get_absolute_url())]
    return _render_cards(
        request,
        "articles/author_detail.html",
        {
            "author": author,
            "page": page,
            **_breadcrumbs(request, trail),
        },
        page.object_list,
    )


@public_page(query=())
def article_detail(request: HttpRequest, category_slug: str, slug: str) -> HttpResponse:
    article = (
        Article.objects.for_article_page()
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
    stored = fragments.article_fragments(request, article)
    if stored.missing("article"):
        Article.objects.prefetch_details(article)
        stored.keep_data(
            "article",
            page_tags=page_tags.article_page_tags(article),
            tag_ids=[tag.pk for tag in article.tags.all()],
        )
    # Previous/next and related stories come from its category and its tags.
    depends_on(request, *stored.data("article")["page_tags"])
    return _render_article(request, article, is_preview=False, stored=stored)


@staff_member_required
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Any article as readers would see it, for staff; never cached or indexed."""
    article = get_object_or_404(Article.objects.for_detail(), pk=pk)
    response = _render_article(request, article, is_preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


@staff_member_required
def article_pending_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's changes not yet live, as readers will see them once published.

    Rendered inside a transaction holding the pending version, then rolled
    back: nothing of it reaches readers, the search index or the page cache.
    """
    user = request.user
    if not (
        user.has_perm("articles.view_article")
        or user.has_perm("articles.change_article")
    ):
        raise Http404("No such preview.")
    edit = get_object_or_404(PendingEdit.objects.select_related("saved_by"), article=pk)
    with pending_world(edit):
        article = get_object_or_404(Article.objects.for_detail(), pk=pk)
        response = _render_article(request, article, is_preview=True, pending=edit)
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


def _kept_articles(
    request: HttpRequest,
    name: str,
    tags: list[str],
    load: Callable[[], tuple[dict[str, list[Article]], dict]],
) -> tuple[dict[str, list[Article]], dict]:
    """Named lists of articles, their ids kept per version of ``tags``, and facts about them.

    Kept, the articles are read by id in one simple query; otherwise ``load()``
    reads them (and the facts, such as a count), and their ids are kept.
    """
    loaded: dict[str, list[Article]] = {}

    def ids() -> dict:
        lists, facts = load()
        loaded.update(lists)
        listed = {key: [a.pk for a in articles] for key, articles in lists.items()}
        return {"ids": listed, "facts": facts}

    shown = fragments.kept(request, name, tags, ids)
    if loaded:
        return loaded, shown["facts"]
    listed = shown["ids"]
    found = Article.objects.for_cards().in_bulk(
        [pk for ids in listed.values() for pk in ids]
    )
    lists = {
        key: [found[pk] for pk in ids if pk in found] for key, ids in listed.items()
    }
    return lists, shown["facts"]


def _page_of(request: HttpRequest, tag: str, articles: QuerySet) -> Page:
    """The asked page of a list of articles; its ids and count kept per version of ``tag``."""
    number = page_number(request)

    def load() -> tuple[dict[str, list[Article]], dict]:
        page = paginate(request, articles)
        return {"page": list(page.object_list)}, {"count": page.paginator.count}

    shown, facts = _kept_articles(request, f"{tag}:page:{number}", [tag], load)
    paginator = Paginator(range(facts["count"]), PER_PAGE, allow_empty_first_page=True)
    return Page(shown["page"], number, paginator)


def _render_cards(
    request: HttpRequest,
    template: str,
    context: dict,
    *cards: list[Article],
) -> HttpResponse:
    """A list page: its article cards kept once rendered, bylines read only for new ones."""
    articles = [article for group in cards for article in group]
    stored = fragments.card_fragments(
        request, articles, context.get("current_category_id")
    )
    fresh = stored.missing_each("card")
    Article.objects.prefetch_bylines([a for a in articles if a.pk in fresh])
    # A card stored in other styles only (a story moved from the lead) needs
    # the bylines too: read for all the others at once, if it comes to that.
    stored.prepare_found(
        lambda: Article.objects.prefetch_bylines(
            [a for a in articles if a.pk not in fresh]
        )
    )
    decorate_cards(request, articles)
    response = render(request, template, {**context, "stored_fragments": stored})
    stored.save()
    return response


def _moved_to(request: HttpRequest, address: str) -> HttpResponse:
    """A 301 from a renamed author's or tag's old page, on the same page of the list."""
    if "page" in request.GET:
        address += "?" + urlencode({"page": request.GET["page"]})
    return HttpResponsePermanentRedirect(address)


def _breadcrumbs(request: HttpRequest, trail: list[tuple[str, str]]) -> dict:
    """The visible breadcrumb trail from the front page, and the same as JSON-LD."""
    crumbs = [("Home", reverse("articles:home")), *trail]
    return {
        "breadcrumbs": crumbs,
        "breadcrumbs_ld": structured_data.breadcrumbs(request, crumbs),
    }


def _render_article(
    request: HttpRequest,
    article: Article,
    *,
    is_preview: bool,
    pending: PendingEdit | None = None,
    stored: fragments.StoredFragments | None = None,
) -> HttpResponse:
    """The article page; ``stored``: its fragments (public pages only).

    What the stored fragments hold is loaded only when they must be made.
    """
    context = {
        "article": article,
        "is_preview": is_preview,
        "pending_edit": pending,
        "current_category_id": article.category_id,
        "canonical_url": absolute_url(request, article.get_absolute_url()),
        "stored_fragments": stored,
    }
    tag_ids = None
    if stored is None or stored.missing("article"):
        context.update(_article_text(request, article))
    if stored is not None:
        tag_ids = stored.data("article")["tag_ids"]
        fragments.add_around(stored, request, article)
    if stored is None or stored.missing("around"):
        context.update(_around(article, tag_ids))
    response = render(request, "articles/article_detail.html", context)
    if stored is not None:
        stored.save()
    return response


def _article_text(request: HttpRequest, article: Article) -> dict:
    """What the page shows of the article itself: text, parts, structured data."""
    layout = ArticleLayout(article)
    return {
        "layout": layout,
        "article_ld": structured_data.news_article(request, article),
        "faq_ld": structured_data.faq_page(layout.faq_items),
        **_breadcrumbs(
            request,
            [
                (article.category.name, article.category.get_absolute_url()),
                (article.title, article.get_absolute_url()),
            ],
        ),
    }


def _around(article: Article, tag_ids: list[int] | None) -> dict:
    """Previous and next in its category, and related stories (public articles only)."""
    if not article.is_public:
        return {"related": [], "previous_article": None, "next_article": None}
    previous_article, next_article = Article.objects.neighbours_of(article)
    return {
        "related": list(Article.objects.related_to(article, tag_ids=tag_ids)),
        "previous_article": previous_article,
        "next_article": next_article,
    }
