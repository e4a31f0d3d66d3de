from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles.models import Article, Section

HOME_LATEST = 10
HOME_PER_SECTION = 4


def published_articles():
    """Start every public query from what readers may see, in the current language."""
    return Article.objects.published().in_language(get_language()).for_listing()


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = list(published_articles()[: HOME_LATEST + 1])
        context["lead"] = latest[0] if latest else None
        context["latest"] = latest[1:]
        blocks = []
        for section in Section.objects.all():
            articles = published_articles().filter(section=section)
            if context["lead"]:
                articles = articles.exclude(pk=context["lead"].pk)
            articles = list(articles[:HOME_PER_SECTION])
            if articles:
                blocks.append((section, articles))
        context["section_blocks"] = blocks
        return context


class ArticleListView(ListView):
    """A paginated river of published articles under a heading."""

    template_name = "articles/article_list.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_heading(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.get_heading())
        return context


class SectionView(ArticleListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return published_articles().filter(section=self.section)

    def get_heading(self):
        return {
            "list_kind": _("Section"),
            "list_title": self.section.name,
            "list_description": self.section.description,
            "current_section_slug": self.section.slug,
        }


class TagView(ArticleListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return published_articles().filter(tags=self.tag)

    def get_heading(self):
        return {"list_kind": _("Topic"), "list_title": self.tag.name}


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            published_articles()
            .select_related("translation_of", "translated_version")
            .prefetch_related("tags")
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        translation = getattr(article, "translated_version", None) or article.translation_of
        if translation is not None and not translation.is_published():
            translation = None
        context["translation"] = translation
        return context
