from django.conf import settings
from django.db.models import F, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View, dates
from taggit.models import Tag

from articles import structured_data, workflow
from articles.forms import SearchForm
from articles.models import Article, Correction, OldSlug, Section, navigation_sections
from articles.search import search_articles
from newsroom.pagecache import declare

HOME_LATEST = 10
HOME_PER_SECTION = 4
# Section blocks are drawn from this many of the newest articles.
HOME_POOL = 400


def published_articles():
    """Start every public query from what readers may see, in the current language."""
    return Article.objects.published().in_language(get_language()).for_listing()


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        declare(self.request, f"home:{get_language()}")
        context = super().get_context_data(**kwargs)
        latest = list(published_articles()[: HOME_LATEST + 1])
        context["lead"] = latest[0] if latest else None
        context["latest"] = latest[1:]
        context["section_blocks"] = self.section_blocks(context["lead"])
        return context

    @staticmethod
    def section_blocks(lead):
        """The newest few articles of every section, in one query whatever the section count."""
        # Ranked within the newest stories only, so the cost does not grow with the archive.
        recent = published_articles().order_by("-published_at").values("pk")[:HOME_POOL]
        articles = (
            published_articles()
            .filter(pk__in=Subquery(recent))
            .annotate(
                place=Window(
                    RowNumber(), partition_by=F("section_id"), order_by=F("published_at").desc()
                )
            )
        )
        if lead is not None:
            articles = articles.exclude(pk=lead.pk)
        by_section = {}
        for article in articles.filter(place__lte=HOME_PER_SECTION, section__isnull=False):
            by_section.setdefault(article.section_id, []).append(article)
        return [
            (section, by_section[section.pk])
            for section in navigation_sections()
            if section.pk in by_section
        ]


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
        declare(self.request, f"section:{self.section.pk}")
        return published_articles().filter(section=self.section)

    def get_heading(self):
        return {
            "list_kind": _("Section"),
            "list_title": self.section.name,
            "list_description": self.section.description,
            "current_section_slug": self.section.slug,
            "feed_url": reverse("articles:section-feed", kwargs={"slug": self.section.slug}),
        }


class TagView(ArticleListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        declare(self.request, f"tag:{self.tag.pk}")
        return published_articles().tagged(self.tag)

    def get_heading(self):
        return {
            "list_kind": _("Topic"),
            "list_title": self.tag.name,
            "feed_url": reverse("articles:tag-feed", kwargs={"slug": self.tag.slug}),
        }


def article_page_context(article):
    """Return what the article template needs beyond the article itself."""
    translation = article.translation
    if translation is not None and not translation.is_published():
        translation = None
    return {"article": article, "translation": translation}


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            published_articles()
            .select_related("translation_of__section", "translated_version__section")
            .prefetch_related("tags", "corrections")
        )

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            return self.redirect_from_old_slug()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def redirect_from_old_slug(self):
        old = (
            OldSlug.objects.filter(language=get_language(), slug=self.kwargs["slug"])
            .select_related("article__section")
            .first()
        )
        if old is None or not old.article.is_published():
            raise Http404
        return redirect(old.article.get_absolute_url(), permanent=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(article_page_context(self.object))
        article = self.object
        # The related list changes when articles join or leave its section or tags.
        declare(
            self.request,
            f"article:{article.pk}",
            f"section:{article.section_id}",
            f"image:{article.lead_image_id}",
            *(f"tag:{tag.pk}" for tag in article.tags.all()),
            *(f"author:{byline.author_id}" for byline in article.bylines.all()),
        )
        context["related"] = published_articles().related_to(article)
        context["json_ld"] = structured_data.as_script(
            [
                structured_data.news_article(article, self.request),
                structured_data.breadcrumbs(article, self.request),
            ]
        )
        context["canonical_url"] = self.request.build_absolute_uri(article.get_absolute_url())
        context["social_image"] = structured_data.social_image(article.lead_image)
        return context


class ArticlePreviewView(View):
    """Show a draft to anyone holding a signed, unexpired, unrevoked preview link."""

    def get(self, request, token):
        article = workflow.article_from_preview_token(token)
        if article is None:
            response = render(request, "articles/preview_invalid.html", status=404)
        else:
            context = article_page_context(article) | {"is_preview": True}
            response = render(request, "articles/article_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        return response


class CorrectionListView(ListView):
    template_name = "articles/correction_list.html"
    paginate_by = 50
    context_object_name = "corrections"

    def get_queryset(self):
        declare(self.request, f"corrections:{get_language()}")
        visible = Article.objects.published().in_language(get_language())
        return (
            Correction.objects.filter(article__in=visible)
            .select_related("article__section")
            .order_by("-created_at", "-pk")
        )


class SearchView(ListView):
    template_name = "articles/search.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        if not self.form.is_valid() or not self.form.cleaned_data["q"]:
            return Article.objects.none()
        data = self.form.cleaned_data
        return search_articles(
            data["q"],
            language=get_language(),
            section=data["section"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        ).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class ArchiveMixin:
    """Date archives of published articles, rendered like any other article list."""

    template_name = "articles/article_list.html"
    date_field = "published_at"
    month_format = "%m"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"
    allow_empty = True

    def get_queryset(self):
        declare(self.request, f"archive:{get_language()}")
        return published_articles()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["list_kind"] = _("Archive")
        context["list_title"] = self.archive_title(context)
        return context


class YearArchiveView(ArchiveMixin, dates.YearArchiveView):
    make_object_list = True

    def archive_title(self, context):
        return date_format(context["year"], "Y")


class MonthArchiveView(ArchiveMixin, dates.MonthArchiveView):
    def archive_title(self, context):
        return date_format(context["month"], "YEAR_MONTH_FORMAT")


class DayArchiveView(ArchiveMixin, dates.DayArchiveView):
    def archive_title(self, context):
        return date_format(context["day"], "DATE_FORMAT")
