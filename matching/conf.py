"""The engine's settings as the product runs them, read from Django settings (KAWASAKI_SCREENING)."""

from django.conf import settings

from .engine.index import EngineSettings


def engine_settings() -> EngineSettings:
    """The production engine settings: the engine's defaults overridden by KAWASAKI_SCREENING."""
    return EngineSettings.from_json(getattr(settings, "KAWASAKI_SCREENING", {}))
