"""The Celery app. Tasks are thin: they enter the tenant scope and call one service."""

import os

from celery import Celery, Task
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.local")

app = Celery("kawasaki")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class KawasakiTask(Task):
    """Base task: late acknowledgement and a retry when the database is briefly unreachable."""

    acks_late = True
    autoretry_for = (OperationalError,)
    retry_backoff = True
    retry_backoff_max = 300
    max_retries = 5
