"""Field factories shared by the tenant-owned models of every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def municipality_fk() -> models.ForeignKey:
    """The tenant key of a tenant-owned row (pair it with `ScopedManager(municipality="municipality")`)."""
    return models.ForeignKey(
        "kawasaki.Municipality", verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
