from django.urls import path

from articles.feeds import AuthorFeed, atom
from authors import views

app_name = "authors"

urlpatterns = [
    path("<slug:slug>/", views.AuthorDetailView.as_view(), name="detail"),
    path("<slug:slug>/feed/", AuthorFeed(), name="feed"),
    path("<slug:slug>/feed/atom/", atom(AuthorFeed)(), name="atom"),
]
