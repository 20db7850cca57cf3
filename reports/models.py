"""What the reports app records itself: the council's targets per fiscal year, and the yearly sales of
launched products that the SMEs report (the royalty base the licensing company sees)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from kawasaki.fields import municipality_fk


class Figure(models.TextChoices):
    """The funnel's figures a municipality sets targets for, in funnel order."""

    VISITS = "visits", _("Company visits")
    MATCHES = "matches", _("Matches (shortlisted candidates)")
    MEETINGS = "meetings", _("Meetings held")
    NDAS = "ndas", _("NDAs signed")
    LICENCES = "licences", _("Licences signed")
    PRODUCTS = "products", _("Products launched")


class KpiTarget(models.Model):
    """The target the municipality set for one figure in one fiscal year."""

    municipality = municipality_fk()
    fiscal_year = models.PositiveIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    figure = models.CharField(_("figure"), max_length=16, choices=Figure.choices)
    target = models.PositiveIntegerField(_("target"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["fiscal_year", "figure"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "fiscal_year", "figure"], name="kpi_target_unique_year_figure"
            )
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.get_figure_display()}: {self.target}"


class ProductSales(models.Model):
    """A launched product's sales in one fiscal year, as its SME reports them, with the royalty base."""

    municipality = municipality_fk()
    product = models.ForeignKey(
        "negotiations.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    fiscal_year = models.PositiveIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    sales_yen = models.PositiveBigIntegerField(_("sales (yen)"))
    royalty_base_yen = models.PositiveBigIntegerField(
        _("royalty base (yen)"), help_text=_("The part of the sales the running royalty is paid on.")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("product sales")
        verbose_name_plural = _("product sales")
        ordering = ["product", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["product", "fiscal_year"], name="product_sales_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.product} FY{self.fiscal_year}"


class CaseStudy(models.Model):
    """The English text of a launched product's case study in the annual report (the Japanese one is
    the product's own name and description)."""

    municipality = municipality_fk()
    product = models.OneToOneField(
        "negotiations.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    text_en = models.TextField(_("case study in English"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def __str__(self) -> str:
        return self.title_en or str(self.product)
