"""Settings of the negotiations app, with their defaults (override them in the deployment's settings)."""

from django.conf import settings


def nda_reminder_days() -> list[int]:
    """Days before an NDA ends at which the coordinator and the SME are reminded, e.g. [30]: each once.

    KAWASAKI_NDA_REMINDER_DAYS; the default, 30 days, leaves a month to renew or close the NDA."""
    return sorted(
        {int(d) for d in getattr(settings, "KAWASAKI_NDA_REMINDER_DAYS", [30]) if int(d) >= 0}, reverse=True
    )
