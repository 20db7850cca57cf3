"""Large companies and their open patents (seeds). Extended by the patents issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class LargeCompany(models.Model):
    """A large company that offers patents for licence in one municipality's programme."""

    municipality = models.ForeignKey(
        "kawasaki.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="companies",
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("large company")
        verbose_name_plural = _("large companies")
        ordering = ["name_ja"]

    def __str__(self) -> str:
        return self.name_ja or self.name_en
