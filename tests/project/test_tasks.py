"""Background work through Django's task interface: inline by default, or queued for a worker.

Per-task tests: tests/images/test_background_renditions.py, tests/tips/test_notify_task.py, and
the CDN purge in tests/articles/test_cdn_purge.py (inline) and here (through the worker).
"""

from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from newsroom.tasks import enqueue_on_commit, purge_cdn
from tests.articles.admin_forms import article_form_data, change_url
from tests.cdn import FakeCDN
from tests.processes import run_manage
from tests.tasks import DATABASE_BACKEND, queued, run_worker

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def cdn(settings):
    settings.PAGE_CACHE_ENABLED = True
    with FakeCDN() as server:
        settings.CDN_PURGE_URL = server.url
        yield server


def settings_with(tmp_path, **env):
    """Print the task settings a fresh process reads from this environment."""
    code = (
        "from django.conf import settings; "
        "print(settings.TASKS['default']['BACKEND'], settings.RENDITIONS_IN_BACKGROUND_PIXELS)"
    )
    return run_manage("shell", "--no-imports", "-c", code, env_overrides=env, tmp_path=tmp_path)


def test_tasks_run_inline_unless_a_worker_is_configured(tmp_path):
    default = settings_with(tmp_path)
    database = settings_with(tmp_path, TASKS_BACKEND="database")
    wrong = settings_with(tmp_path, TASKS_BACKEND="celery")

    assert default.stdout.split() == [
        "django_tasks.backends.immediate.ImmediateBackend",
        "24000000",
    ]
    assert database.stdout.split()[0] == "django_tasks_db.DatabaseBackend"
    assert wrong.returncode != 0 and "TASKS_BACKEND must be" in wrong.stderr


def test_a_cdn_purge_url_must_be_http(tmp_path):
    result = settings_with(tmp_path, CDN_PURGE_URL="file:///etc/passwd")

    assert result.returncode != 0 and "CDN_PURGE_URL must be" in result.stderr


def test_the_test_settings_use_the_immediate_backend():
    assert isinstance(task_backends["default"], ImmediateBackend)


def test_with_the_immediate_backend_a_task_waits_for_the_commit(cdn):
    with transaction.atomic():
        enqueue_on_commit(purge_cdn, ["/es/"])
        assert cdn.requests == []

    assert cdn.purged_paths() == {"/es/"}


def test_with_the_database_backend_the_task_row_commits_with_the_work(worker_backend, cdn):
    assert isinstance(task_backends["default"], DatabaseBackend)
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(purge_cdn, ["/es/rolled-back/"])
        raise RuntimeError
    with transaction.atomic():
        enqueue_on_commit(purge_cdn, ["/es/committed/"])

    assert [row.args_kwargs["args"] for row in queued()] == [[["/es/committed/"]]]
    run_worker()
    assert cdn.purged_paths() == {"/es/committed/"}
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_an_admin_save_queues_the_cdn_purge_for_the_worker(
    worker_backend, cdn, staff_groups, make_staff, make_article
):
    article = make_article(status=Article.Status.DRAFT)
    desk = Client()
    desk.force_login(make_staff("Editor"))
    DBTaskResult.objects.all().delete()  # purges queued while the fixtures were made

    response = desk.post(
        change_url(article),
        article_form_data(Article.objects.get(pk=article.pk), status=Article.Status.PUBLISHED),
    )

    assert response.status_code == 302
    assert cdn.requests == []  # the save did not wait for the CDN
    # One purge for the whole save (article, bylines, tags), sent when the request finished.
    [row] = queued("newsroom.tasks.purge_cdn")
    run_worker()
    assert article.get_absolute_url() in cdn.purged_paths()
    assert "/es/" in cdn.purged_paths()
    assert DBTaskResult.objects.get(pk=row.pk).return_value["failed"] == 0


def test_a_cdn_that_fails_leaves_a_successful_task_and_a_log_line(
    worker_backend, cdn, make_article, caplog
):
    cdn.status = 503
    article = make_article()
    DBTaskResult.objects.all().delete()

    article.save()
    run_worker()

    [row] = DBTaskResult.objects.all()
    assert row.return_value["failed"] > 0
    assert "CDN purge failed (503)" in caplog.text
