import datetime as dt

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Colour(models.TextChoices):
    """A municipality's colour in the header: a fixed palette (the CSP forbids inline styles), each a CSS
    class `tenant--<value>` with enough contrast for white text."""

    BLUE = "blue", _("Blue")
    GREEN = "green", _("Green")
    ORANGE = "orange", _("Orange")
    PURPLE = "purple", _("Purple")
    RED = "red", _("Red")
    TEAL = "teal", _("Teal")


class Municipality(models.Model):
    """A city or prefecture running the programme: the tenant that owns every other row."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    prefecture = models.CharField(_("prefecture"), max_length=20)
    # Japanese public bodies run their fiscal year from 1 April; kept as a field so that a body
    # with another calendar can be configured without code.
    fiscal_year_start_month = models.PositiveSmallIntegerField(_("fiscal year starts in month"), default=4)
    colour = models.CharField(
        _("colour"),
        max_length=12,
        choices=Colour.choices,
        default=Colour.BLUE,
        help_text=_(
            "Shown with the name in the header, so that people in several municipalities see where they are."
        ),
    )
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
