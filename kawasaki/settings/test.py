"""Tests: the real services started by bin/test (PostgreSQL, Redis, a Celery worker) when their URLs are set.

Without DATABASE_URL the suite falls back to SQLite so a single test can be run quickly while editing
(the quick run in docs/developing.md); bin/test (and CI) always sets the real services. The worker
tests (marked ``celery_worker``) need them and are left out of the quick run.
"""

from .base import *
from .base import REDIS_URL, REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-key-not-secret-" + "x" * 40)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never elsewhere
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
KAWASAKI_REQUIRE_MFA = True
# Generous limits by default so tests that log in many times are not throttled; the rate-limit
# tests override these with pytest's settings fixture.
ACCOUNT_RATE_LIMITS = {"login": "1000/m/ip", "login_failed": "1000/m/ip", "reset_password": "1000/m/ip"}
# The API's failed-authentication limit likewise (tests/kawasaki/test_api_throttles.py sets its own).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "failed_auth": "1000/min"},
}
STATIC_ROOT = None  # tests never collect static files; WhiteNoise serves from the finders
WHITENOISE_USE_FINDERS = True
if not REDIS_URL:
    # The quick run has no Redis and no worker process: a process-local cache, so that a cache
    # lookup (the API throttle, login rate limits) is not counted as a database query by the
    # query-count tests, as it is not with Redis.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
