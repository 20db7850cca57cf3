"""The queue does not lose work, and a real worker runs our tasks."""

import time
import uuid

import pytest
from django.conf import settings

from kawasaki.celery import app


def test_celery_settings_do_not_lose_work():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


@pytest.mark.celery_worker
def test_real_worker_runs_a_task(celery_worker_process):
    from django.core.cache import cache

    from kawasaki.tasks import ping

    marker = uuid.uuid4().hex
    ping.delay(marker=marker)
    deadline = time.monotonic() + 180  # generous: a loaded CI machine, a worker that loads Sudachi first
    while time.monotonic() < deadline:
        if cache.get(f"kawasaki:ping:{marker}") == "pong":
            break
        time.sleep(0.2)
    assert cache.get(f"kawasaki:ping:{marker}") == "pong"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
