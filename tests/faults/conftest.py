"""The fault experiments' own services: a throwaway Redis and Celery workers that a test may kill.

The suite's Redis and worker are shared by every other test, so nothing here stops them: each fault
test starts a second redis-server on a free port (the broker and cache of this test only), points
this process's Celery app and cache at it, and starts its own worker processes against it and the
suite's test database.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kawasaki.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of one test: stop (SIGSTOP), resume, shut down and start again on its port."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.proc: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the throwaway redis-server did not start")

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def shutdown(self) -> None:
        self.thaw()
        self.proc.terminate()  # SIGTERM: redis-server writes its append-only file and exits
        self.proc.wait(timeout=10)

    def stop_for_good(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.thaw()
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def throwaway_redis(tmp_path):
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop_for_good()


def _point_celery_at(url: str) -> None:
    # The read and write URLs are resolved from the settings when the app is configured: set them.
    app.conf.broker_write_url = url
    app.conf.broker_read_url = url
    app._after_fork()  # forget the pooled connections to the previous broker


@pytest.fixture
def fault_services(throwaway_redis, settings):
    """This process publishes to the throwaway Redis (broker db 1) and caches on it (db 0)."""
    previous = app.conf.broker_write_url
    _point_celery_at(throwaway_redis.url(1))
    settings.CACHES = {
        "default": {
            "BACKEND": "kawasaki.cache.FailOpenRedisCache",
            "LOCATION": throwaway_redis.url(0),
            "OPTIONS": settings.CACHES["default"].get("OPTIONS")
            or {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    yield throwaway_redis
    _point_celery_at(previous)


class Workers:
    """Celery workers on the throwaway Redis, each in its own process group so that a test can kill
    the whole worker (main process and pool) at once, as an OOM kill or ``docker stop`` would."""

    def __init__(self, redis: ThrowawayRedis, media_root: Path, log_dir: Path) -> None:
        self.redis = redis
        self.media_root = media_root
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self, **env_overrides: str) -> subprocess.Popen:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kawasaki.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": self.redis.url(0),
            "CELERY_BROKER_URL": self.redis.url(1),
            "KAWASAKI_MEDIA_ROOT": str(self.media_root),
            "KAWASAKI_JOB_HEARTBEAT_SECONDS": "0.5",
            "KAWASAKI_JOB_QUEUE_GRACE_SECONDS": "0",
            **env_overrides,
        }
        log = open(self.log_dir / f"fault-worker-{len(self.procs)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kawasaki",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"fault-{os.getpid()}-{len(self.procs)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches the pool children too
        )
        proc.log = log
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            proc.log.close()


@pytest.fixture
def fault_workers(fault_services, tmp_path_factory, settings):
    media_root = tmp_path_factory.mktemp("fault-media")
    settings.MEDIA_ROOT = media_root
    log_dir = ROOT / "var"
    log_dir.mkdir(exist_ok=True)
    workers = Workers(fault_services, media_root, log_dir)
    yield workers
    workers.stop_all()


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout} s")
