from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.views import ArticleListView, published_articles
from authors.models import Author
from newsroom.pagecache import declare


class AuthorDetailView(ArticleListView):
    template_name = "authors/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo").prefetch_related("links"),
            slug=self.kwargs["slug"],
            is_active=True,
        )
        declare(self.request, f"author:{self.author.pk}", f"image:{self.author.photo_id}")
        return published_articles().by_author(self.author)

    def get_heading(self):
        return {
            "author": self.author,
            "list_title": self.author.name,
            "feed_url": reverse("authors:feed", kwargs={"slug": self.author.slug}),
        }
