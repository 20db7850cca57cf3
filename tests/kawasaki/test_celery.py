"""The queue does not lose work, and a real worker runs our tasks."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from kawasaki.celery import app


def test_celery_settings_do_not_lose_work():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_the_embedded_queue_keeps_every_folder_under_var():
    """The filesystem transport's folders (kombu's control folder defaults to ./control) stay in var/,
    which is neither committed nor copied into the image."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "kawasaki.settings.local"
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([str(settings.VAR_DIR), settings.CELERY_BROKER_URL, "
        "settings.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    var_dir, broker, options = json.loads(out.stdout.strip().splitlines()[-1])
    assert broker == "filesystem://"
    folders = {key: value for key, value in options.items() if key.endswith("_folder") or "_folder_" in key}
    assert set(folders) == {"data_folder_in", "data_folder_out", "processed_folder", "control_folder"}
    assert all(Path(folder).is_relative_to(var_dir) for folder in folders.values()), folders


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
