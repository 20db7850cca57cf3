from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ..fields import municipality_fk


class IdempotencyRecord(models.Model):
    """The stored answer to an API write sent with an Idempotency-Key, replayed when the key comes again."""

    municipality = municipality_fk()
    token = models.ForeignKey(
        "kawasaki.ApiToken", verbose_name=_("API token"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("idempotency key"), max_length=128)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("request digest"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_unique_token_key")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
