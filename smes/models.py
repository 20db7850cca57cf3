"""SMEs, coordinator visits, business plans with frozen versions, the partner directory and referrals."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from kawasaki.fields import municipality_fk
from kawasaki.jobs import BackgroundJob

from .validators import validate_corporate_number


class Industry(models.TextChoices):
    """Divisions (大分類) of the Japan Standard Industrial Classification, revision 14."""

    A = "A", _("A: Agriculture and forestry")
    B = "B", _("B: Fisheries")
    C = "C", _("C: Mining and quarrying of stone and gravel")
    D = "D", _("D: Construction")
    E = "E", _("E: Manufacturing")
    F = "F", _("F: Electricity, gas, heat supply and water")
    G = "G", _("G: Information and communications")
    H = "H", _("H: Transport and postal activities")
    I = "I", _("I: Wholesale and retail trade")  # noqa: E741 - the JSIC letter
    J = "J", _("J: Finance and insurance")
    K = "K", _("K: Real estate and goods rental and leasing")
    L = "L", _("L: Scientific research, professional and technical services")
    M = "M", _("M: Accommodations, eating and drinking services")
    N = "N", _("N: Living-related and personal services and amusement services")
    O = "O", _("O: Education, learning support")  # noqa: E741 - the JSIC letter
    P = "P", _("P: Medical, health care and welfare")
    Q = "Q", _("Q: Compound services")
    R = "R", _("R: Services, not elsewhere classified")
    S = "S", _("S: Government, except elsewhere classified")
    T = "T", _("T: Industries unable to classify")


class SME(models.Model):
    """A small or medium-sized enterprise taking part in one municipality's programme."""

    municipality = municipality_fk(related_name="smes")
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("The 13-digit number assigned by the National Tax Agency (法人番号)."),
    )
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    industry = models.CharField(
        _("industry (JSIC division)"), max_length=1, choices=Industry.choices, blank=True
    )
    industry_detail = models.CharField(
        _("industry (detail)"),
        max_length=200,
        blank=True,
        help_text=_("The JSIC major group, e.g. 29 Manufacture of electrical machinery."),
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    capital_jpy = models.PositiveBigIntegerField(_("capital (yen)"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1600), MaxValueValidator(2100)],
    )
    capabilities = models.TextField(_("capabilities"), blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    products = models.TextField(_("products"), blank=True)
    certifications = models.TextField(_("certifications"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    needs_tags = models.JSONField(_("needs tags"), default=list, blank=True)
    referred_by = models.CharField(
        _("referred by"), max_length=200, blank=True, help_text=_("For example a shinkin bank.")
    )
    consent_to_share = models.BooleanField(
        _("consent to share the profile with large companies"), default=False
    )
    # Demo and hand-written sample rows say where they come from, so nobody mistakes them for real firms.
    source_note = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("SME")
        verbose_name_plural = _("SMEs")
        ordering = ["name_ja"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "corporate_number"],
                condition=~models.Q(corporate_number=""),
                name="sme_unique_corporate_number",
            )
        ]

    def __str__(self) -> str:
        return self.name_ja or self.name_en

    @property
    def name(self) -> str:
        """The name in the active language, Japanese when no English name exists."""
        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ja


class Visit(models.Model):
    """A coordinator's visit to an SME. Internal: SME members never see visits."""

    municipality = municipality_fk()
    sme = models.ForeignKey(SME, verbose_name=_("SME"), on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("date of visit"))
    # Kept when the coordinator's account goes: coordinator_label preserves the name for the record.
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    coordinator_label = models.CharField(_("coordinator name"), max_length=254, blank=True)
    people_met = models.CharField(_("people met"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    needs_learnt = models.TextField(_("needs learnt"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.sme}"


class NextAction(models.Model):
    """Something to do after a visit, with a due date and the coordinator who follows it up."""

    municipality = municipality_fk()
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="next_actions"
    )
    description = models.CharField(_("next action"), max_length=300)
    due_on = models.DateField(_("due date"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("next action")
        verbose_name_plural = _("next actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class PlanSection(models.TextChoices):
    """The sections of a business plan, in the order they are written and filed."""

    PRODUCT_CONCEPT = "product_concept", _("Product concept")
    CUSTOMERS_MARKET = "customers_market", _("Target customers and market")
    ADVANTAGE = "advantage", _("Advantage over competitors")
    DEVELOPMENT = "development", _("Development plan and schedule")
    BUDGET = "budget", _("Budget and funding")
    TECHNOLOGY = "technology", _("Technology or licence needed")
    RISKS = "risks", _("Risks")


class PlanStatus(models.TextChoices):
    """Where a business plan stands between the SME and the coordinators."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
    REVISED = "revised", _("Revised")
    ACCEPTED = "accepted", _("Accepted")


class BusinessPlan(models.Model):
    """An SME's business plan: the working copy of its sections; submitting freezes a PlanVersion."""

    municipality = municipality_fk()
    sme = models.ForeignKey(
        SME, verbose_name=_("SME"), on_delete=models.CASCADE, related_name="business_plans"
    )
    title = models.CharField(pgettext_lazy("business plan", "title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    product_concept = models.TextField(PlanSection.PRODUCT_CONCEPT.label, blank=True)
    customers_market = models.TextField(PlanSection.CUSTOMERS_MARKET.label, blank=True)
    advantage = models.TextField(PlanSection.ADVANTAGE.label, blank=True)
    development = models.TextField(PlanSection.DEVELOPMENT.label, blank=True)
    budget = models.TextField(PlanSection.BUDGET.label, blank=True)
    technology = models.TextField(PlanSection.TECHNOLOGY.label, blank=True)
    risks = models.TextField(PlanSection.RISKS.label, blank=True)
    seed = models.ForeignKey(
        "patents.Patent",
        verbose_name=_("seed the plan is about"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="business_plans",
    )
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
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def sections(self) -> dict[str, str]:
        """The working copy's sections as {key: text}, in filing order."""
        return {key: getattr(self, key) for key in PlanSection.values}


class PlanVersion(models.Model):
    """A submitted business plan, frozen: it is never changed or deleted once written."""

    municipality = municipality_fk()
    plan = models.ForeignKey(
        BusinessPlan, verbose_name=_("business plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(pgettext_lazy("business plan", "title"), max_length=200)
    sections = models.JSONField(_("sections"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_by_label = models.CharField(_("submitted by (name)"), max_length=254, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("business plan version")
        verbose_name_plural = _("business plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A submitted version cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A submitted version cannot be deleted."))

    def section_items(self) -> list[tuple[str, str, str]]:
        """(key, label, text) for every section in filing order."""
        return [(key, label, self.sections.get(key, "")) for key, label in PlanSection.choices]


class PlanPdfState(models.TextChoices):
    """Where the background rendering of a version's PDF is."""

    PENDING = "pending", pgettext_lazy("pdf state", "Preparing")
    RENDERING = "rendering", pgettext_lazy("pdf state", "Rendering")
    READY = "ready", pgettext_lazy("pdf state", "Ready")
    FAILED = "failed", pgettext_lazy("pdf state", "Failed")


class PlanPdf(BackgroundJob):
    """The PDF of one frozen plan version in one language, rendered in the background and reused.

    `stamp` is a digest of everything the PDF shows besides the frozen version itself (the comments
    the SME reads, the applicant's details, the layout); a row whose stamp differs from the current
    one is rendered again (smes/pdf.py). A job row (kawasaki.jobs): a render whose heartbeat stopped
    is shown as interrupted and queued again by the jobs sweep.
    """

    JOB_RUNNING_STATES = ("rendering",)
    JOB_RECORDED_FIELD = "requested_at"

    municipality = municipality_fk()
    version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="pdfs"
    )
    language = models.CharField(_("language"), max_length=8)
    stamp = models.CharField(_("content digest"), max_length=64)
    state = models.CharField(
        _("state"), max_length=16, choices=PlanPdfState.choices, default=PlanPdfState.PENDING
    )
    file = models.FileField(_("file"), upload_to="smes/plans/", blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("business plan PDF")
        verbose_name_plural = _("business plan PDFs")
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="planpdf_unique_version_language"),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.language})"

    @property
    def is_paused(self) -> bool:
        """Waiting, and still not handed to the queue after the grace the publish has (broker down)."""
        from kawasaki.jobs import queue_grace

        return (
            self.state == PlanPdfState.PENDING
            and self.enqueued_at is None
            and self.requested_at < timezone.now() - queue_grace()
        )


class PlanComment(models.Model):
    """A coordinator's comment on one section of a submitted version."""

    municipality = municipality_fk()
    version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="comments"
    )
    section = models.CharField(_("section"), max_length=32, choices=PlanSection.choices)
    body = models.TextField(_("comment"))
    # Internal comments are for coordinators only; the others are the feedback the SME reads.
    internal = models.BooleanField(_("internal (coordinators only)"), default=False)
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
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.section}"


class PartnerKind(models.TextChoices):
    """What sort of organisation a partner is."""

    DEVELOPMENT = "development", _("Development partner")
    RESEARCH_INSTITUTE = "research_institute", _("Public research institute")
    TEST_FACILITY = "test_facility", _("Public test facility")
    UNIVERSITY = "university", _("University")
    DESIGN_FIRM = "design_firm", _("Design firm")


class Partner(models.Model):
    """An organisation coordinators introduce SMEs to: developers, institutes, test labs, universities."""

    municipality = municipality_fk()
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=PartnerKind.choices)
    fields = models.TextField(_("fields"), blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    url = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "name_ja"]

    def __str__(self) -> str:
        return self.name_ja or self.name_en


class ReferralOutcome(models.TextChoices):
    """What came of an introduction."""

    PENDING = "pending", pgettext_lazy("referral outcome", "Pending")
    MET = "met", pgettext_lazy("referral outcome", "Met")
    WORKING_TOGETHER = "working_together", _("Working together")
    NO_FIT = "no_fit", _("No fit")


class Referral(models.Model):
    """An introduction of an SME to a partner, with its purpose and outcome."""

    municipality = municipality_fk()
    sme = models.ForeignKey(SME, verbose_name=_("SME"), on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="referrals"
    )
    referred_on = models.DateField(_("date of referral"))
    purpose = models.TextField(_("purpose"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.sme} → {self.partner}"


class InterestStatus(models.TextChoices):
    """Where an SME's interest in a seed stands in the coordinators' inbox."""

    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Answered")


class SeedInterest(models.Model):
    """An SME's "we are interested" in a published seed, with its message: the coordinators' inbox."""

    municipality = municipality_fk()
    sme = models.ForeignKey(
        SME, verbose_name=_("SME"), on_delete=models.CASCADE, related_name="seed_interests"
    )
    patent = models.ForeignKey(
        "patents.Patent", verbose_name=_("seed"), on_delete=models.CASCADE, related_name="sme_interests"
    )
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=16, choices=InterestStatus.choices, default=InterestStatus.NEW, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_by_label = models.CharField(_("sent by (name)"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    reply = models.TextField(
        _("coordinator's answer"),
        blank=True,
        help_text=_("Sent to the SME's members by e-mail and shown on their list of interests."),
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("interest in a seed")
        verbose_name_plural = _("interests in seeds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sme", "patent"], name="seedinterest_unique_sme_patent"),
        ]

    def __str__(self) -> str:
        return f"{self.sme} → {self.patent_id}"


class PreferredContact(models.TextChoices):
    """How a contact person would rather be reached."""

    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")
    EITHER = "either", pgettext_lazy("preferred contact", "Either")


class ContactPerson(models.Model):
    """A person to contact at an SME. Coordinators and the SME's own members see every one; a large
    company sees one only when that person agreed to be shared with companies."""

    municipality = municipality_fk()
    sme = models.ForeignKey(
        SME, verbose_name=_("SME"), on_delete=models.CASCADE, related_name="contact_persons"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role or title"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=8, choices=PreferredContact.choices, default=PreferredContact.EMAIL
    )
    consent_to_share = models.BooleanField(
        _("may be shared with large companies"),
        default=False,
        help_text=_(
            "Only with this person's agreement do large companies see their name and contact details."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["sme", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.preferred_contact == PreferredContact.EMAIL and not self.email:
            raise ValidationError(
                {"email": _("Give an e-mail address, the preferred way to reach this person.")}
            )
        if self.preferred_contact == PreferredContact.PHONE and not self.phone:
            raise ValidationError(
                {"phone": _("Give a telephone number, the preferred way to reach this person.")}
            )
        if not self.email and not self.phone:
            raise ValidationError({"email": _("Give an e-mail address or a telephone number.")})
