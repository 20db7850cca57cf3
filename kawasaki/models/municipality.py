import datetime as dt

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A city or prefecture running the programme: the tenant that owns every other row."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    prefecture = models.CharField(_("prefecture"), max_length=20)
    # Japanese public bodies run their fiscal year from 1 April; kept as a field so that a body
    # with another calendar can be configured without code.
    fiscal_year_start_month = models.PositiveSmallIntegerField(_("fiscal year starts in month"), default=4)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, Japanese when no English name exists."""
        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ja

    def fiscal_year_of(self, day: dt.date) -> int:
        """The fiscal year a date falls in, named by the calendar year it starts in (FY2025 = Apr 2025 - Mar 2026)."""
        return day.year if day.month >= self.fiscal_year_start_month else day.year - 1

    def fiscal_year_bounds(self, fiscal_year: int) -> tuple[dt.date, dt.date]:
        """First and last day of a fiscal year."""
        start = dt.date(fiscal_year, self.fiscal_year_start_month, 1)
        end = dt.date(fiscal_year + 1, self.fiscal_year_start_month, 1) - dt.timedelta(days=1)
        return start, end
