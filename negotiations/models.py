"""The deal pipeline: negotiations with their timeline, documents and terms, products, tasks (on a deal
or on a meeting of the matching app)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from kawasaki.fields import municipality_fk


def _user_fk(label, related_name="+", **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        **kwargs,
    )


class State(models.TextChoices):
    """Where a deal stands, from first interest to a launched product (or dropped)."""

    INTEREST = "interest", _("Interest")
    INTRODUCED = "introduced", _("Introduced")
    MEETING_HELD = "meeting_held", _("Meeting held")
    NDA_SIGNED = "nda_signed", _("NDA signed")
    EVALUATION = "evaluation", _("Evaluation")
    TERMS = "terms", _("Terms negotiation")
    LICENCE_SIGNED = "licence_signed", _("Licence signed")
    PROTOTYPE = "prototype", _("Prototype")
    LAUNCHED = "launched", _("Product launched")
    DROPPED = "dropped", _("Dropped")


class DropReason(models.TextChoices):
    """Why a deal was dropped."""

    TECHNOLOGY_NOT_READY = "technology_not_ready", _("Technology not ready")
    PRICE = "price", _("Price")
    SME_CAPACITY = "sme_capacity", _("SME capacity")
    LICENSOR_WITHDREW = "licensor_withdrew", _("Licensor withdrew")
    OTHER = "other", _("Other")


class Negotiation(models.Model):
    """One deal between an SME and a large company over one or more of the company's seeds."""

    municipality = municipality_fk()
    sme = models.ForeignKey("smes.SME", verbose_name=_("SME"), on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        "patents.LargeCompany", verbose_name=_("large company"), on_delete=models.PROTECT, related_name="+"
    )
    seeds = models.ManyToManyField("patents.Patent", verbose_name=_("seeds"), blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.INTEREST)
    coordinator = _user_fk(_("coordinator"))
    drop_reason = models.CharField(
        _("reason for dropping"), max_length=24, choices=DropReason.choices, blank=True
    )
    drop_note = models.TextField(_("note on dropping"), blank=True)
    nda_signed_on = models.DateField(_("NDA signed on"), null=True, blank=True)
    nda_expires_on = models.DateField(_("NDA expires on"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), auto_now_add=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")
        ordering = ["-state_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "sme", "company"], name="negotiation_unique_sme_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sme} × {self.company}"

    @property
    def is_final(self) -> bool:
        return self.state in (State.LAUNCHED, State.DROPPED)


class EntryKind(models.TextChoices):
    """What a timeline entry records."""

    NOTE = "note", pgettext_lazy("deal", "Note")
    CALL = "call", _("Call")
    DOCUMENT = "document", _("Document")
    STATE_CHANGE = "state_change", _("State change")
    MEETING = "meeting", _("Meeting")


class EntryCode(models.TextChoices):
    """What a system-written timeline entry says: stored as a code with parameters and rendered in the
    reader's language (`TimelineEntry.message`); hand-written notes have no code."""

    MEETING_HELD = "meeting_held", _("Meeting held")
    DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
    NDA_RECORDED = "nda_recorded", _("NDA recorded")
    TERMS_RECORDED = "terms_recorded", _("Licence terms recorded")
    PRODUCT_RECORDED = "product_recorded", _("Product recorded")
    REOPENED = "reopened", _("Reopened")


def _show_date(value: str | None) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(value or ""), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


class TimelineEntry(models.Model):
    """One event in a negotiation's history; internal entries are for coordinators only."""

    municipality = municipality_fk()
    negotiation = models.ForeignKey(
        Negotiation, verbose_name=_("negotiation"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    text = models.TextField(_("text"), blank=True)
    internal = models.BooleanField(_("internal (coordinators only)"), default=False)
    from_state = models.CharField(_("from state"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, choices=State.choices, blank=True)
    # A system entry's message as a code and parameters (dates ISO, choices as values), rendered in the
    # reader's language; `text` then holds the free text typed with it (a reopening's reason), or, for
    # rows written before the codes, the message in the writer's language (kept as the fallback).
    code = models.CharField(_("code"), max_length=24, choices=EntryCode.choices, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    actor = _user_fk(_("by"))
    # Kept when the account is removed: the history must survive staff rotation.
    actor_label = models.CharField(_("by (name)"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def message(self) -> str:
        """The system message in the active language ("" for a hand-written entry or an old row)."""
        p = self.params or {}
        if self.code == EntryCode.MEETING_HELD:
            return _("{meeting} held on {date}").format(
                meeting=p.get("meeting", ""), date=_show_date(p.get("date"))
            )
        if self.code == EntryCode.DOCUMENT_UPLOADED:
            side = p.get("side", "")
            return _("{title} (version {version}, {side})").format(
                title=p.get("title", ""),
                version=p.get("version", ""),
                side=Side(side).label if side in Side.values else side,
            )
        if self.code == EntryCode.NDA_RECORDED:
            return _("NDA signed on {date}").format(date=_show_date(p.get("date")))
        if self.code == EntryCode.TERMS_RECORDED:
            kind = p.get("type", "")
            return _("Licence terms recorded: {type}").format(
                type=LicenceType(kind).label if kind in LicenceType.values else kind
            )
        if self.code == EntryCode.PRODUCT_RECORDED:
            return _("Product recorded: {name}").format(name=p.get("name", ""))
        if self.code == EntryCode.REOPENED:
            return _("Reopened")
        return ""


class DocumentKind(models.TextChoices):
    """The documents of a deal."""

    NDA = "nda", _("NDA")
    LICENCE_DRAFT = "licence_draft", _("Draft licence")
    OTHER = "other", _("Other")


class Side(models.TextChoices):
    """Who supplied a document."""

    LICENSOR = "licensor", _("Licensor (company)")
    LICENSEE = "licensee", _("Licensee (SME)")
    COORDINATOR = "coordinator", _("Coordinator")


DOCUMENT_EXTENSIONS = ["pdf", "docx", "doc", "odt", "txt"]


class Document(models.Model):
    """A file of a negotiation: the NDA, a version of the draft licence, or another document."""

    municipality = municipality_fk()
    negotiation = models.ForeignKey(
        Negotiation, verbose_name=_("negotiation"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    side = models.CharField(_("supplied by"), max_length=12, choices=Side.choices)
    file = models.FileField(
        _("file"),
        upload_to="negotiations/documents/%Y/%m/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    title = models.CharField(_("title"), max_length=200)
    coordinator_comment = models.TextField(_("coordinator's comment"), blank=True)
    uploaded_by = _user_fk(_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-version", "-id"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class LicenceType(models.TextChoices):
    """The kind of licence signed."""

    NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive licence")
    EXCLUSIVE = "exclusive", _("Exclusive licence")
    ASSIGNMENT = "assignment", _("Assignment")


class Improvements(models.TextChoices):
    """Who owns improvements the licensee makes."""

    LICENSEE = "licensee", _("Licensee owns them")
    LICENSOR = "licensor", _("Licensor owns them")
    JOINT = "joint", _("Jointly owned")
    GRANT_BACK = "grant_back", _("Licensee owns, non-exclusive grant-back")


class LicenceTerms(models.Model):
    """The terms of a signed licence; recorded once the licence is signed."""

    municipality = municipality_fk()
    negotiation = models.OneToOneField(
        Negotiation, verbose_name=_("negotiation"), on_delete=models.CASCADE, related_name="terms"
    )
    licence_type = models.CharField(_("type"), max_length=16, choices=LicenceType.choices)
    signed_on = models.DateField(_("signed on"))
    field_of_use = models.CharField(_("field of use"), max_length=300)
    territory = models.CharField(_("territory"), max_length=200)
    term_months = models.PositiveIntegerField(
        _("term (months)"), null=True, blank=True, help_text=_("Empty: until the patents expire.")
    )
    upfront_fee_yen = models.PositiveBigIntegerField(_("upfront fee (yen)"), default=0)
    royalty_percent = models.DecimalField(
        _("running royalty (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    minimum_royalty_yen = models.PositiveBigIntegerField(_("minimum royalty per year (yen)"), default=0)
    sublicensing = models.BooleanField(_("sublicensing allowed"), default=False)
    improvements = models.CharField(_("improvements"), max_length=16, choices=Improvements.choices)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("licence terms")
        verbose_name_plural = _("licence terms")

    def __str__(self) -> str:
        return f"{self.get_licence_type_display()} {self.signed_on}"


class Product(models.Model):
    """A product an SME launched from a licensed seed: what the programme counts as its outcome."""

    municipality = municipality_fk()
    negotiation = models.ForeignKey(
        Negotiation, verbose_name=_("negotiation"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("product name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    launch_date = models.DateField(_("launch date"))
    price_yen = models.PositiveBigIntegerField(_("price (yen)"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="negotiations/products/%Y/", blank=True)
    source_note = models.CharField(_("source"), max_length=300, blank=True)
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-launch_date", "-id"]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A to-do with a due date, on a negotiation or a meeting (a meeting's follow-up action)."""

    municipality = municipality_fk()
    negotiation = models.ForeignKey(
        Negotiation,
        verbose_name=_("negotiation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    meeting = models.ForeignKey(
        "matching.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = _user_fk(_("assignee"), related_name="negotiation_tasks")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # Set when the reminder went out, so that the beat task never sends it twice.
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class NdaReminder(models.Model):
    """An NDA-expiry reminder already sent: the unique key makes a re-run of the beat task send nothing."""

    municipality = municipality_fk()
    negotiation = models.ForeignKey(
        Negotiation, verbose_name=_("negotiation"), on_delete=models.CASCADE, related_name="+"
    )
    # Part of the key: an NDA extended to a new end date is reminded about again.
    expires_on = models.DateField(_("NDA expires on"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    lead_days = models.PositiveSmallIntegerField(_("days before the NDA ends"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("NDA reminder")
        verbose_name_plural = _("NDA reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "expires_on", "recipient", "lead_days"], name="nda_reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.negotiation} {self.expires_on} −{self.lead_days}"
