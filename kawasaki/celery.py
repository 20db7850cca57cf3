"""The Celery app. Tasks are thin: they enter the tenant scope and call one service."""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.local")

# DjangoTask adds delay_on_commit / apply_async_on_commit: publish only once the transaction commits.
app = Celery("kawasaki", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_queue() -> None:
    """The embedded default's filesystem transport needs its folders before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


app.on_after_configure.connect(lambda sender, **kwargs: _ensure_filesystem_queue(), weak=False)


class KawasakiTask(DjangoTask):
    """Base task: late acknowledgement and a retry when the database is unreachable.

    The backoff is in minutes, not seconds: 30 s, 1, 2, 4, 8 then 10 min apart (no jitter, which
    could make them short), so a PostgreSQL outage of several minutes (a restart, a failover) is
    waited out; after the last one the job is marked failed (MunicipalityTask's hook).
    """

    acks_late = True
    autoretry_for = (OperationalError,)
    retry_backoff = 30
    retry_backoff_max = 600
    retry_jitter = False
    max_retries = 8
