"""Field factories shared by the tenant-owned models of every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def municipality_fk(*, related_name: str = "+") -> models.ForeignKey:
    """The tenant key of a tenant-owned row (pair it with `ScopedManager(municipality="municipality")`).

    No reverse accessor unless a `related_name` is given (`municipality.patents`, used by queries)."""
    return models.ForeignKey(
        "kawasaki.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name=related_name,
    )
