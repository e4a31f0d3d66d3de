from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from articles import seo_views
from articles.sitemaps import SITEMAPS
from images import views as image_views
from newsroom import two_factor
from newsroom.pagecache import cached_page
from newsroom.two_factor import OTPAdminAuthenticationForm

admin.site.site_header = f"{settings.SITE_NAME} · newsroom"
admin.site.site_title = settings.SITE_NAME

admin.site.login_form = OTPAdminAuthenticationForm

urlpatterns = [
    path("admin/two-factor/", two_factor.setup, name="two-factor"),
    # nginx's auth_request for image originals on local disk (deploy/nginx/newsroom.conf).
    path("media-access/originals/", image_views.original_access, name="original-access"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", seo_views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cached_page("sitemap")(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page("sitemap")(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("news-sitemap.xml", seo_views.news_sitemap, name="news-sitemap"),
]

urlpatterns += i18n_patterns(
    path("about/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("tips/", include("tips.urls")),
    path("authors/", include("authors.urls")),
    path("", include("articles.urls")),
)


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)]
