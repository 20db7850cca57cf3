"""Large companies, their open patents (seeds) with the SME-fit profile, and portfolio imports."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from kawasaki.fields import municipality_fk
from kawasaki.jobs import BackgroundJob

# Legal-form words dropped when comparing company names, so that "Google Inc." and "GOOGLE INC."
# (and "Google LLC") are recognised as one company.
_LEGAL_FORMS = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "gmbh",
        "ag",
        "sa",
        "plc",
        "kk",
        "株式会社",
        "(株)",
        "㈱",
        "有限会社",
    }
)


def company_name_key(name: str) -> str:
    """A comparison key for a company name: width- and case-folded, punctuation and legal form removed."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    for form in ("株式会社", "有限会社", "(株)"):
        text = text.replace(form, " ")
    text = re.sub(r"[.,、。・'\"()]", " ", text)
    words = [w for w in text.split() if w not in _LEGAL_FORMS]
    return " ".join(words)


class LargeCompany(models.Model):
    """A large company that offers patents for licence in one municipality's programme."""

    municipality = municipality_fk(related_name="companies")
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    contact_name = models.CharField(_("licensing contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("licensing contact e-mail"), blank=True)
    contact_phone = models.CharField(_("licensing contact telephone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("large company")
        verbose_name_plural = _("large companies")
        ordering = ["name_ja"]

    def __str__(self) -> str:
        return self.name_ja or self.name_en

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ja or self.name_en


class CompanyAlias(models.Model):
    """Another spelling of a large company's name, matched by its comparison key."""

    municipality = municipality_fk()
    company = models.ForeignKey(
        LargeCompany, verbose_name=_("large company"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("comparison key"), max_length=200, editable=False)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("company alias")
        verbose_name_plural = _("company aliases")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="companyalias_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = company_name_key(self.name)
        super().save(*args, **kwargs)


class PatentKind(models.TextChoices):
    """What kind of right (or know-how) a seed is."""

    PATENT = "patent", _("Patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    APPLICATION = "application", _("Patent application")
    KNOW_HOW = "know_how", _("Know-how")


class LegalStatus(models.TextChoices):
    """The legal state of the right as far as the company told us."""

    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    EXPIRED = "expired", pgettext_lazy("patent", "Expired")
    LAPSED = "lapsed", _("Lapsed or abandoned")
    UNKNOWN = "unknown", _("Unknown")


class PublicationState(models.TextChoices):
    """Whether SMEs see a seed: companies choose what they publish."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published to SMEs")
    WITHDRAWN = "withdrawn", pgettext_lazy("publication", "Withdrawn")


class FitAnswer(models.TextChoices):
    """An answer to one SME-fit criterion."""

    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


# The six SME-fit criteria of the programme (design.md): field name and label, in the programme's
# order. The one definition: the model's fields, the edit form, the filters, the services, the sheets
# and the screening index (matching/indexing.py) all take the criteria from here.
FIT_CRITERIA: list[tuple[str, object]] = [
    ("fit_clear_use", _("Clear use applications")),
    ("fit_direct_contribution", _("Contributes directly to product development")),
    ("fit_adds_value", _("Adds value to existing products easily")),
    ("fit_low_effort", _("Needs no big development effort, cost or facility")),
    ("fit_prototype", _("A prototype or experiment data exists")),
    ("fit_not_large_business", _("Does not fit a large business")),
]
FIT_FIELDS = [name for name, _label in FIT_CRITERIA]
FIT_LABELS = dict(FIT_CRITERIA)
# Each answer followed by its note (`<field>_note`): the fields people edit, in the order shown.
FIT_EDIT_FIELDS = [field for name in FIT_FIELDS for field in (name, f"{name}_note")]


def _fit_field(label):
    return models.CharField(label, max_length=8, choices=FitAnswer.choices, default=FitAnswer.UNKNOWN)


def _fit_note(label):
    return models.CharField(label, max_length=500, blank=True)


def written_for_smes():
    """1 for a seed with a plain summary (written for SMEs), 0 for a bare bibliographic record: the
    SME catalogue lists the first before the second (`smes.selectors.seeds_for_browsing`), and the index
    `patent_browse_order` holds the same expression so that a page reads 20 index entries."""
    return models.Case(
        models.When(plain_summary="", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class Patent(models.Model):
    """An open patent (or utility model, application, know-how) of a large company: a seed for SMEs."""

    municipality = municipality_fk(related_name="patents")
    company = models.ForeignKey(
        LargeCompany, verbose_name=_("large company"), on_delete=models.CASCADE, related_name="patents"
    )
    # Stored normalised (NFKC, upper case, no spaces) so that re-imports match: the upsert key.
    number = models.CharField(_("publication or registration number"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=PatentKind.choices, default=PatentKind.PATENT)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=8, default="JP")
    title = models.CharField(pgettext_lazy("patent", "title"), max_length=500)
    abstract = models.TextField(_("abstract"), blank=True)
    claims = models.TextField(_("claims"), blank=True)
    # Codes are kept space-separated: one portable column that prefix filters can search everywhere.
    ipc_codes = models.TextField(_("IPC codes"), blank=True)
    fi_codes = models.TextField(_("FI codes"), blank=True)
    cpc_codes = models.TextField(_("CPC codes"), blank=True)
    applicants = models.TextField(_("applicants"), blank=True, help_text=_("One per line."))
    filing_date = models.DateField(_("filing date"), null=True, blank=True)
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=16, choices=LegalStatus.choices, default=LegalStatus.UNKNOWN
    )
    offer_non_exclusive = models.BooleanField(_("non-exclusive licence offered"), default=True)
    offer_exclusive = models.BooleanField(_("exclusive licence offered"), default=False)
    offer_assignment = models.BooleanField(_("assignment offered"), default=False)

    publication_state = models.CharField(
        _("publication state"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    # Plain-language fields written for SMEs.
    plain_summary = models.TextField(_("plain-language summary"), blank=True)
    application_examples = models.TextField(
        _("application examples"), blank=True, help_text=_("Uses in plain language, one per line.")
    )
    prototype_info = models.TextField(_("prototype and experiment data"), blank=True)

    # The SME-fit profile: the six criteria of FIT_CRITERIA, each with a note.
    fit_clear_use = _fit_field(FIT_LABELS["fit_clear_use"])
    fit_clear_use_note = _fit_note(_("note on clear use applications"))
    fit_direct_contribution = _fit_field(FIT_LABELS["fit_direct_contribution"])
    fit_direct_contribution_note = _fit_note(_("note on contribution to product development"))
    fit_adds_value = _fit_field(FIT_LABELS["fit_adds_value"])
    fit_adds_value_note = _fit_note(_("note on adding value to existing products"))
    fit_low_effort = _fit_field(FIT_LABELS["fit_low_effort"])
    fit_low_effort_note = _fit_note(_("note on development effort"))
    fit_prototype = _fit_field(FIT_LABELS["fit_prototype"])
    fit_prototype_note = _fit_note(_("note on prototype or experiment data"))
    fit_not_large_business = _fit_field(FIT_LABELS["fit_not_large_business"])
    fit_not_large_business_note = _fit_note(_("note on fit for a large business"))

    # Never shown to SMEs.
    internal_note = models.TextField(_("internal note"), blank=True)

    # The technology introduction sheets are cached as files per language, named by a digest of
    # everything they show (patents/sheets.py), so they need no field here.

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        ordering = ["company__name_ja", "company_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="patent_unique_company_number"),
        ]
        indexes = [
            # The lists' order within a company (selectors.SeedsInListOrder): a deep page reads its ids
            # from this index alone on PostgreSQL (16 ms for the last of 100,000 seeds, 240 ms sorted).
            # The SME catalogue's order (written for SMEs first, newest first) within a city's seeds.
            models.Index(
                models.F("municipality"),
                models.F("publication_state"),
                written_for_smes().desc(),
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="patent_browse_order",
            ),
            models.Index(
                fields=["company", "number"],
                include=["id", "municipality", "publication_state"],
                name="patent_company_number_cover",
            ),
            models.Index(fields=["municipality", "publication_state"], name="patent_muni_state_idx"),
            models.Index(fields=["municipality", "expiry_date"], name="patent_muni_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"[:255]

    @property
    def needs_completion(self) -> bool:
        """Imported without an abstract: flagged until someone completes it."""
        return not self.abstract.strip()

    @property
    def ipc_list(self) -> list[str]:
        return self.ipc_codes.split()

    @property
    def fi_list(self) -> list[str]:
        return self.fi_codes.split()

    @property
    def cpc_list(self) -> list[str]:
        return self.cpc_codes.split()

    @property
    def applicant_list(self) -> list[str]:
        return [a for a in self.applicants.splitlines() if a.strip()]

    @property
    def application_example_list(self) -> list[str]:
        return [a.strip() for a in self.application_examples.splitlines() if a.strip()]

    @property
    def fit_profile(self) -> list[dict]:
        """The six criteria with label, answer, its label and note, in the programme's order."""
        return [
            {
                "field": name,
                "label": label,
                "answer": getattr(self, name),
                "answer_label": FitAnswer(getattr(self, name)).label,
                "note": getattr(self, f"{name}_note"),
            }
            for name, label in FIT_CRITERIA
        ]

    @property
    def fit_score(self) -> int:
        """Criteria met: yes counts 2, partly 1 (0-12); the screening score reads this."""
        weights = {FitAnswer.YES: 2, FitAnswer.PARTLY: 1}
        return sum(weights.get(getattr(self, name), 0) for name in FIT_FIELDS)

    @property
    def fit_met_count(self) -> int:
        """How many of the six criteria the seed meets outright ("yes"), as lists say it in words."""
        return sum(1 for name in FIT_FIELDS if getattr(self, name) == FitAnswer.YES)

    @property
    def offers(self) -> list[str]:
        labels = []
        if self.offer_non_exclusive:
            labels.append(_("Non-exclusive licence"))
        if self.offer_exclusive:
            labels.append(_("Exclusive licence"))
        if self.offer_assignment:
            labels.append(_("Assignment"))
        return labels

    def expiry_flag(self, today: dt.date | None = None) -> str:
        """ "expired", "expiring" (within KAWASAKI_EXPIRY_WARNING_MONTHS) or ""."""
        if self.expiry_date is None:
            return ""
        today = today or timezone.localdate()
        if self.expiry_date < today:
            return "expired"
        if self.expiry_date <= _add_months(today, expiry_warning_months()):
            return "expiring"
        return ""


def expiry_warning_months() -> int:
    """Seeds expiring within this many months are flagged (setting KAWASAKI_EXPIRY_WARNING_MONTHS)."""
    return int(getattr(settings, "KAWASAKI_EXPIRY_WARNING_MONTHS", 12))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return dt.date(year, month, 28)


class AttachmentKind(models.TextChoices):
    """What an attachment shows."""

    DRAWING = "drawing", _("Drawing")
    PROTOTYPE_PHOTO = "prototype_photo", _("Prototype photo")
    EXPERIMENT_DATA = "experiment_data", _("Experiment data")
    OTHER = "other", _("Other")


class PatentAttachment(models.Model):
    """A file attached to a seed: a drawing, a prototype photo or experiment data."""

    municipality = municipality_fk()
    patent = models.ForeignKey(
        Patent, verbose_name=_("patent"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    # Stored under a random name with the extension of the type found in the content (services).
    file = models.FileField(_("file"), upload_to="patents/attachments/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # The name the file had on the uploader's computer: a label for the download, never a path.
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["patent", "kind", "id"]

    def __str__(self) -> str:
        return self.caption or self.original_name or Path(self.file.name).name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def type_label(self) -> str:
        """PNG, PDF, CSV, ...: the type found in the content at upload."""
        from .attachments import TYPES

        for file_type in TYPES.values():
            if file_type.content_type == self.content_type:
                return file_type.label
        return Path(self.file.name).suffix.lstrip(".").upper()


class ImportState(models.TextChoices):
    """Where a portfolio import is: validated in the background, then confirmed and committed."""

    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    INVALID = "invalid", _("Has errors")
    VALID = "valid", _("Ready to confirm")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")


class OtherApplicants(models.TextChoices):
    """What an import does with rows whose applicant is not the company (nor one of its aliases)."""

    CONFIRM = "confirm", _("Show them and ask for a confirmation")
    REFUSE = "refuse", _("Refuse them")


class PortfolioImport(BackgroundJob):
    """One uploaded portfolio file, its validation report and progress, and the outcome."""

    JOB_RUNNING_STATES = ("validating", "committing")

    municipality = municipality_fk()
    company = models.ForeignKey(
        LargeCompany, verbose_name=_("large company"), on_delete=models.CASCADE, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="patents/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=16, blank=True)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    column_set = models.CharField(_("column set"), max_length=16, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ImportState.choices, default=ImportState.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    new_count = models.PositiveIntegerField(_("new patents"), default=0)
    changed_count = models.PositiveIntegerField(_("changed patents"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged patents"), default=0)
    flagged_count = models.PositiveIntegerField(_("rows without abstract"), default=0)
    no_ipc_count = models.PositiveIntegerField(_("rows without IPC"), default=0)
    other_applicants_policy = models.CharField(
        _("rows of other applicants"),
        max_length=8,
        choices=OtherApplicants.choices,
        default=OtherApplicants.CONFIRM,
    )
    other_applicant_count = models.PositiveIntegerField(_("rows of other applicants"), default=0)
    # [{"name": "Google LLC", "rows": 300, "first_row": 2}], most rows first; names as written.
    other_applicants = models.JSONField(_("other applicants"), default=list, blank=True)
    # [{"row": 3, "column": "出願日", "message": msgid, "params": {...}}]; translated when shown.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("portfolio import")
        verbose_name_plural = _("portfolio imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.company} {self.original_name}"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state not in (ImportState.QUEUED, ImportState.VALIDATING) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.VALIDATING, ImportState.COMMITTING)
