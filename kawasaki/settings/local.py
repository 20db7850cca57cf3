"""The embedded default: SQLite, the filesystem Celery transport, demo conveniences. Never for production."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-change-me")
# The demo accounts are printed by seed_demo; enrolling an authenticator for each would get in the
# way of a first look. Production settings refuse to start with this off.
KAWASAKI_REQUIRE_MFA = env.bool("KAWASAKI_REQUIRE_MFA", default=False)

# The embedded default keeps its SQLite file, queue and uploads here; create it on first run.
from .base import VAR_DIR  # noqa: E402

VAR_DIR.mkdir(parents=True, exist_ok=True)
