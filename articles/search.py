"""Search (to be replaced by full-text search)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Article


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = (
        Article.objects.for_listing().filter(title__icontains=query)[:20]
        if query
        else []
    )
    return render(request, "articles/search.html", {"query": query, "results": results})
