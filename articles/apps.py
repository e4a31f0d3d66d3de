from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from articles.search import register_sqlite_unaccent

        connection_created.connect(register_sqlite_unaccent, dispatch_uid="sqlite-unaccent")

        from articles import caching

        caching.connect()
