"""Settings of the subsidies app, with their defaults (override them in the deployment's settings)."""

from django.conf import settings


def reminder_days() -> list[int]:
    """Days before a window closes at which reminders go out, e.g. [14, 3]: each is sent once."""
    return sorted(
        {int(d) for d in getattr(settings, "KAWASAKI_SUBSIDY_REMINDER_DAYS", [14, 3])}, reverse=True
    )


def soon_days() -> int:
    """How far ahead a window that opens counts as "soon" on the eligibility page."""
    return int(getattr(settings, "KAWASAKI_SUBSIDY_SOON_DAYS", 30))
