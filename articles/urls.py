from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.atom(feeds.LatestArticlesFeed)(), name="feed-atom"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.atom(feeds.SectionFeed)(), name="section-atom"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.atom(feeds.TagFeed)(), name="tag-atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("archive/<int:year>/", views.YearArchiveView.as_view(), name="archive-year"),
    path(
        "archive/<int:year>/<int:month>/", views.MonthArchiveView.as_view(), name="archive-month"
    ),
    path(
        "archive/<int:year>/<int:month>/<int:day>/",
        views.DayArchiveView.as_view(),
        name="archive-day",
    ),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("preview/<str:token>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("<slug:section>/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
