"""Subsidy programmes (shared templates and each municipality's own), windows, applications, reminders.

Shared templates versus tenant programmes: national and prefectural programmes are the same for every
municipality, so they are kept once, in `ProgrammeTemplate`, a catalogue that belongs to no tenant and
therefore has a plain manager (there is nothing of one city in it to leak). A municipality *adopts* a
template, which copies it (rules and windows included) into a `Programme` row of its own; from then on
the copy is ordinary tenant data with a `municipality` FK and a `ScopedManager`, edited by that city's
coordinators without touching anyone else's. A null-municipality design was rejected because every
tenant query would then need an `OR municipality IS NULL` that django-scopes cannot enforce, and one
city's edit of a shared row would change it for all.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from kawasaki.fields import municipality_fk


class Level(models.TextChoices):
    """Which public body runs a programme."""

    NATIONAL = "national", _("National")
    PREFECTURE = "prefecture", _("Prefecture")
    CITY = "city", _("City")


class SizeRule(models.TextChoices):
    """The company-size condition of a programme."""

    ANY = "any", _("Any size")
    SME_BASIC_ACT = "sme_basic_act", _("SME under the SME Basic Act")
    SMALL_SCALE = "small_scale", _("Small-scale business under the SME Basic Act")


class ProgrammeFields(models.Model):
    """What a template and a municipality's programme share: description and eligibility rules."""

    name = models.CharField(_("name"), max_length=200)
    agency = models.CharField(_("agency"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    purpose = models.TextField(_("purpose"), blank=True)
    max_amount_jpy = models.PositiveBigIntegerField(
        _("maximum amount (yen)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    rate_numerator = models.PositiveSmallIntegerField(
        _("subsidy rate numerator"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    rate_denominator = models.PositiveSmallIntegerField(
        _("subsidy rate denominator"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    eligible_costs = models.TextField(_("eligible costs"), blank=True)
    official_url = models.URLField(_("official URL"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Eligibility rules: data, so that coordinators change them on a form, not in code.
    size_rule = models.CharField(
        _("company size"), max_length=16, choices=SizeRule.choices, default=SizeRule.ANY
    )
    industries = models.JSONField(
        _("industries (JSIC divisions)"),
        default=list,
        blank=True,
        help_text=_("Leave empty for every industry."),
    )
    prefectures = models.JSONField(
        _("prefectures"), default=list, blank=True, help_text=_("Leave empty for every prefecture.")
    )
    local_only = models.BooleanField(
        _("only companies located in this municipality"),
        default=False,
    )
    min_years_in_business = models.PositiveSmallIntegerField(
        _("minimum years in business"), null=True, blank=True
    )
    licence_required = models.BooleanField(_("a signed licence is required"), default=False)
    business_plan_required = models.BooleanField(_("a submitted business plan is required"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def rate_label(self) -> str:
        if self.rate_numerator and self.rate_denominator:
            return f"{self.rate_numerator}/{self.rate_denominator}"
        return ""


RULE_FIELDS = (
    "size_rule",
    "industries",
    "prefectures",
    "local_only",
    "min_years_in_business",
    "licence_required",
    "business_plan_required",
)
PROGRAMME_FIELDS = (
    "name",
    "agency",
    "level",
    "purpose",
    "max_amount_jpy",
    "rate_numerator",
    "rate_denominator",
    "eligible_costs",
    "official_url",
    "notes",
    *RULE_FIELDS,
)


class ProgrammeTemplate(ProgrammeFields):
    """A national or prefectural programme in the shared catalogue; not tenant data (see module doc)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme template")
        verbose_name_plural = _("programme templates")
        ordering = ["level", "name"]


class TemplateWindow(models.Model):
    """An application window of a shared template, copied when a municipality adopts it."""

    template = models.ForeignKey(
        ProgrammeTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="windows"
    )
    label = models.CharField(_("label"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("template window")
        verbose_name_plural = _("template windows")
        ordering = ["opens_on", "id"]

    def __str__(self) -> str:
        return f"{self.template} {self.label}"


class Programme(ProgrammeFields):
    """A subsidy programme one municipality's coordinators work with (its own or an adopted copy)."""

    municipality = municipality_fk()
    template = models.ForeignKey(
        ProgrammeTemplate,
        verbose_name=_("adopted from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["level", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "template"],
                condition=models.Q(template__isnull=False),
                name="programme_unique_adoption",
            )
        ]


class ProgrammeWindow(models.Model):
    """One application window (call) of a programme; a programme has several a year."""

    municipality = municipality_fk()
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="windows"
    )
    label = models.CharField(_("label"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("application window")
        verbose_name_plural = _("application windows")
        ordering = ["opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="window_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.label}"

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class ApplicationStatus(models.TextChoices):
    """Where an application stands."""

    # A context of their own: other apps' "Submitted" or "Rejected" mean something else in Japanese.
    DRAFT = "draft", pgettext_lazy("subsidy application", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("subsidy application", "Submitted")
    GRANTED = "granted", pgettext_lazy("subsidy application", "Granted")
    REJECTED = "rejected", pgettext_lazy("subsidy application", "Rejected")
    RESULT_REPORTED = "result_reported", pgettext_lazy("subsidy application", "Result reported")
    WITHDRAWN = "withdrawn", pgettext_lazy("subsidy application", "Withdrawn")


class Application(models.Model):
    """An SME's application to one window of a programme, with the amounts asked for and granted."""

    municipality = municipality_fk()
    sme = models.ForeignKey("smes.SME", verbose_name=_("SME"), on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="applications"
    )
    window = models.ForeignKey(
        ProgrammeWindow, verbose_name=_("window"), on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField(_("project title"), max_length=200)
    business_plan = models.ForeignKey(
        "smes.BusinessPlan",
        verbose_name=_("business plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    negotiation = models.ForeignKey(
        "negotiations.Negotiation",
        verbose_name=_("negotiation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    amount_requested_jpy = models.PositiveBigIntegerField(_("amount requested (yen)"))
    amount_granted_jpy = models.PositiveBigIntegerField(_("amount granted (yen)"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    result_reported_on = models.DateField(_("result reported on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sme} / {self.programme}"


class ApplicationNote(models.Model):
    """A coordinator's internal note on an application; SME members never see these."""

    municipality = municipality_fk()
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="notes"
    )
    body = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    author_label = models.CharField(_("author name"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("coordinator note")
        verbose_name_plural = _("coordinator notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application} {self.created_at:%Y-%m-%d}"


DOCUMENT_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "txt", "png", "jpg", "jpeg"]


def _document_path(instance, filename: str) -> str:
    return f"subsidies/{instance.municipality_id}/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A file that belongs to an application: the form, quotes, the result report."""

    municipality = municipality_fk()
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=_document_path,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_by_label = models.CharField(_("uploaded by (name)"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SentReminder(models.Model):
    """A deadline reminder already sent: the unique key makes a re-run of the beat task send nothing.

    The key holds the deadline the reminder was about, so a window whose closing date is moved gets
    fresh reminders for its new deadline, while the same deadline is never announced twice.
    """

    municipality = municipality_fk()
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="+"
    )
    window = models.ForeignKey(
        ProgrammeWindow, verbose_name=_("window"), on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    lead_days = models.PositiveSmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "window", "deadline", "recipient", "lead_days"],
                name="reminder_sent_once_per_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.lead_days}"


class CalendarFeed(models.Model):
    """A coordinator's secret .ics address; only the digest of its token is stored, and it can be revoked."""

    municipality = municipality_fk()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"
