from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("Tips")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete

        from tips import checks  # noqa: F401  (registers the deploy checks)
        from tips.models import TipAttachment

        def delete_file(sender, instance, **kwargs):
            name, storage = instance.file.name, instance.file.storage
            if name:
                transaction.on_commit(lambda: storage.delete(name), robust=True)

        post_delete.connect(delete_file, sender=TipAttachment, dispatch_uid="tips-delete-file")
