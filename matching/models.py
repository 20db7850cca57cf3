"""Matchmaking: stored indexes, screening runs with their candidates, meeting proposals, and the meetings
themselves (symposiums, closed meetings, one-on-ones) with their participants and one-on-one requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from kawasaki.fields import municipality_fk
from kawasaki.jobs import BackgroundJob


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


class IndexKind(models.TextChoices):
    """What an index holds."""

    SEEDS = "seeds", _("Seeds (patents)")
    SMES = "smes", _("SME profiles")


class SearchIndex(models.Model):
    """A built screening index of one municipality, stored as a file; the newest matching stamp is used."""

    municipality = municipality_fk()
    kind = models.CharField(_("kind"), max_length=8, choices=IndexKind.choices)
    # The content stamp of the rows it was built from: a different current stamp means stale.
    stamp = models.CharField(_("content stamp"), max_length=64)
    # The IndexVersion.version its rows were read at (the rows may be newer, never older).
    version = models.PositiveBigIntegerField(_("data version"), default=0)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    engine_version = models.CharField(_("engine version"), max_length=16)
    doc_count = models.PositiveIntegerField(_("documents"))
    path = models.CharField(_("file"), max_length=300)
    build_seconds = models.FloatField(_("build time (s)"))
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("search index")
        verbose_name_plural = _("search indexes")
        ordering = ["-built_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.stamp[:8]} ({self.doc_count})"


class IndexBuildState(models.TextChoices):
    """Where the background rebuild of one kind of index is."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IndexBuild(BackgroundJob):
    """The rebuild of one municipality's index of one kind, as a job row (kawasaki.jobs): one row per
    kind, asked again (back to queued) whenever its rows change, so that many edits queue one build."""

    JOB_RUNNING_STATES = ("running",)
    JOB_RECORDED_FIELD = "requested_at"

    municipality = municipality_fk()
    kind = models.CharField(_("kind"), max_length=8, choices=IndexKind.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=IndexBuildState.choices, default=IndexBuildState.QUEUED
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("index build")
        verbose_name_plural = _("index builds")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="indexbuild_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.state})"


class IndexVersion(models.Model):
    """Where the rows of one municipality's index kind stand: bumped on every write, read by each query."""

    municipality = municipality_fk()
    kind = models.CharField(_("kind"), max_length=8, choices=IndexKind.choices)
    # Bumped in the writing transaction (model signals and the bulk paths): a query compares it with
    # the registered index's version instead of counting the rows.
    version = models.PositiveBigIntegerField(_("data version"), default=1)
    current = models.ForeignKey(
        SearchIndex,
        verbose_name=_("registered index"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The version a build was last queued for, so that every request does not queue another.
    queued_version = models.PositiveBigIntegerField(_("build queued for version"), default=0)
    queued_at = models.DateTimeField(_("build queued at"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("index version")
        verbose_name_plural = _("index versions")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="matching_indexversion_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Direction(models.TextChoices):
    """Which way a screening run looks."""

    SME_TO_SEEDS = "sme_to_seeds", _("SME needs → seeds")
    SEED_TO_SMES = "seed_to_smes", _("Seed → SMEs")
    PORTFOLIO = "portfolio", _("Portfolio × all SMEs")


class RunStatus(models.TextChoices):
    """Where a screening job is."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScreeningRun(BackgroundJob):
    """One screening job: its inputs, parameters, engine version and, when done, its candidates."""

    JOB_STATE_FIELD = "status"
    JOB_RUNNING_STATES = ("running",)

    municipality = municipality_fk()
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    query_text = models.TextField(_("query text"), blank=True)
    sme = models.ForeignKey(
        "smes.SME", verbose_name=_("SME"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    patent = models.ForeignKey(
        "patents.Patent",
        verbose_name=_("seed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    company = models.ForeignKey(
        "patents.LargeCompany",
        verbose_name=_("large company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    top_k = models.PositiveSmallIntegerField(_("candidates per query"), default=20)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=16, blank=True)
    index_fingerprint = models.CharField(_("index fingerprint"), max_length=64, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    candidate_count = models.PositiveIntegerField(_("candidates"), default=0)
    error = models.TextField(_("error"), blank=True)
    shared_with_company = models.BooleanField(_("shared with the company"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_direction_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class Decision(models.TextChoices):
    """A coordinator's verdict on a candidate."""

    PENDING = "pending", _("To review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    REJECTED = "rejected", _("Rejected")


class RejectReason(models.TextChoices):
    """Why a candidate was set aside."""

    NOT_RELEVANT = "not_relevant", _("Not relevant to the SME")
    ALREADY_KNOWN = "already_known", _("Already known or discussed")
    SME_CAPACITY = "sme_capacity", _("Beyond the SME's capacity")
    TERMS = "terms", _("Licence terms do not suit")
    OTHER = "other", _("Other")


BAND_UNKNOWN = "unknown"


def band_of(explanation: dict | None) -> str:
    """A stored explanation's band: strong / possible / weak / below (matching.engine.bands), or
    "unknown" for candidates stored before bands (never hidden as "below")."""
    from .engine.bands import band_for

    explanation = explanation or {}
    stored = explanation.get("band")
    if stored:
        return str(stored)
    strength = explanation.get("strength")
    # Stored before bands with a strength: judged as the typed-need cut-offs did then.
    return band_for(strength) if strength is not None else BAND_UNKNOWN


class ScreeningCandidate(models.Model):
    """One seed x SME pair a run proposed, with its score parts, explanation and the review."""

    municipality = municipality_fk()
    run = models.ForeignKey(
        ScreeningRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="candidates"
    )
    patent = models.ForeignKey(
        "patents.Patent", verbose_name=_("seed"), on_delete=models.CASCADE, related_name="+"
    )
    sme = models.ForeignKey(
        "smes.SME", verbose_name=_("SME"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    relevance = models.FloatField(_("relevance (BM25)"))
    fit_adjustment = models.FloatField(_("fit adjustment"))
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    # strong / possible / weak / below (matching.engine.bands), "unknown" before bands existed. Its own
    # column (a copy of the explanation's) so that a run's counts and band filters never read the JSON.
    band = models.CharField(_("band"), max_length=12, default=BAND_UNKNOWN, blank=True)
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    reject_reason = models.CharField(_("reason"), max_length=16, choices=RejectReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("screening candidate")
        verbose_name_plural = _("screening candidates")
        ordering = ["run", "sme_id", "rank"]
        indexes = [
            models.Index(fields=["run", "decision"], name="candidate_run_decision_idx"),
            # A run's page counts each SME's candidates by band and decision from this index alone.
            models.Index(fields=["run", "sme", "band", "decision"], name="candidate_run_sme_band_idx"),
        ]
        # One row per pair in a run: a second copy of the run's task cannot add a second set
        # beside the reviewed one (screening_run_execute also checks the run under a row lock).
        constraints = [
            models.UniqueConstraint(
                fields=["run", "patent", "sme"],
                name="candidate_unique_run_seed_sme",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.rank} {self.patent_id}"

    def save(self, *args, **kwargs) -> None:
        # A candidate written with only its explanation (older code, fixtures) gets its band column
        # from it; a run's candidates are bulk-inserted with the column set (services.screening).
        if self.band in ("", BAND_UNKNOWN):
            self.band = band_of(self.explanation)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "explanation" in update_fields:
                kwargs["update_fields"] = {*update_fields, "band"}
        super().save(*args, **kwargs)

    @property
    def fit_groups(self) -> list[tuple[str, str, list[str]]]:
        """The fit report as (css key, heading, criterion labels) for display."""
        return fit_groups_of((self.explanation or {}).get("fit") or {})

    @property
    def strength(self) -> float | None:
        """Match strength (0..1) as the engine measured it; None for candidates stored before bands."""
        return (self.explanation or {}).get("strength")

    @property
    def needs_met(self) -> list[dict]:
        """The SME's needs this candidate meets, each with the matched words in it:
        ``[{"need": ..., "words": [...]}]`` (matching.engine.needs). Stored by the run; worked out from
        the SME's needs text for candidates stored without it."""
        explanation = self.explanation or {}
        if "needs_met" in explanation:
            return explanation["needs_met"] or []
        if self.sme_id is None or not explanation.get("matched_terms"):
            return []
        from .engine.needs import needs_json, split_needs

        return needs_json(split_needs(self.sme.needs), explanation["matched_terms"])

    @property
    def fits_only_large_business(self) -> bool:
        return bool(((self.explanation or {}).get("fit") or {}).get("large_business_only"))


def fit_groups_of(report) -> list[tuple[str, str, list[str]]]:
    """A fit report (stored dict or the engine's FitReport) as (css key, heading, criterion labels)."""
    from patents.models import FIT_CRITERIA

    from .indexing import FIT_FIELD_MAP

    if not isinstance(report, dict):
        report = {key: getattr(report, key) for key in ("met", "partly", "missed", "unknown")}
    labels = {FIT_FIELD_MAP[field]: label for field, label in FIT_CRITERIA}
    headings = [
        ("met", _("Met")),
        ("partly", _("Partly met")),
        ("missed", _("Not met")),
        ("unknown", _("Unknown")),
    ]
    return [(key, heading, [labels.get(c, c) for c in report.get(key, [])]) for key, heading in headings]


class ProposalKind(models.TextChoices):
    """The meeting a shortlist turns into (the meetings issue picks these up)."""

    ONE_ON_ONE = "one_on_one", _("One-on-one meeting")
    CLOSED = "closed", _("Closed meeting (one company, invited SMEs)")


class ProposalStatus(models.TextChoices):
    """Where a proposal stands."""

    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingProposal(models.Model):
    """A coordinator's proposal to bring a company and SMEs together over shortlisted seeds."""

    municipality = municipality_fk()
    kind = models.CharField(_("kind"), max_length=12, choices=ProposalKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    company = models.ForeignKey(
        "patents.LargeCompany", verbose_name=_("large company"), on_delete=models.CASCADE, related_name="+"
    )
    smes = models.ManyToManyField("smes.SME", verbose_name=_("SMEs"), related_name="+")
    patents = models.ManyToManyField("patents.Patent", verbose_name=_("seeds"), related_name="+")
    candidates = models.ManyToManyField(
        ScreeningCandidate, verbose_name=_("from candidates"), related_name="proposals"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("meeting proposal")
        verbose_name_plural = _("meeting proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.company}"


class MeetingKind(models.TextChoices):
    """The three meeting formats of the programme."""

    SYMPOSIUM = "symposium", _("Symposium (open exchange meeting)")
    CLOSED = "closed", _("Closed meeting")
    ONE_ON_ONE = "one_on_one", _("One-on-one meeting")


class MeetingStatus(models.TextChoices):
    """Where a meeting stands."""

    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A symposium, a closed meeting or a one-on-one, with its participants, minutes and follow-ups."""

    municipality = municipality_fk()
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting URL"), blank=True)
    # Closed meetings and one-on-ones have one company; symposiums list their presenters.
    company = models.ForeignKey(
        "patents.LargeCompany",
        verbose_name=_("large company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    presenting_companies = models.ManyToManyField(
        "patents.LargeCompany", verbose_name=_("presenting companies"), blank=True, related_name="+"
    )
    seeds = models.ManyToManyField("patents.Patent", verbose_name=_("seeds"), blank=True, related_name="+")
    coordinator = _user_fk(_("coordinator"))
    proposal = models.ForeignKey(
        MeetingProposal,
        verbose_name=_("from proposal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (SMEs)"),
        null=True,
        blank=True,
        help_text=_("Symposiums: how many SMEs may register. Empty: no limit."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    # RFC 5545 SEQUENCE: raised on every change a calendar must pick up (time, place, title, cancel).
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        # The table keeps the name it had when meetings lived in the negotiations app.
        db_table = "negotiations_meeting"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class Reply(models.TextChoices):
    """An invited SME's answer."""

    PENDING = "pending", _("No reply yet")
    ATTENDING = "attending", _("Attending")
    DECLINED = "declined", _("Declined")


class Participant(models.Model):
    """An SME invited to or registered for a meeting, with its reply and attendance."""

    municipality = municipality_fk()
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    sme = models.ForeignKey("smes.SME", verbose_name=_("SME"), on_delete=models.CASCADE, related_name="+")
    reply = models.CharField(_("reply"), max_length=12, choices=Reply.choices, default=Reply.PENDING)
    invited_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # Other SMEs see a symposium's participant only with this consent; never in closed or one-on-one meetings.
    listed_to_attendees = models.BooleanField(
        _("listed to the other attending SMEs"),
        default=False,
        help_text=_("The SME agreed that other SMEs at the symposium see its name and attendance."),
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        db_table = "negotiations_participant"
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "sme__name_ja"]
        constraints = [models.UniqueConstraint(fields=["meeting", "sme"], name="participant_unique_sme")]

    def __str__(self) -> str:
        return f"{self.sme} @ {self.meeting}"


class RequestStatus(models.TextChoices):
    """Where an SME's one-on-one request stands."""

    OPEN = "open", _("Open")
    SCHEDULED = "scheduled", _("Scheduled")


class OneOnOneRequest(models.Model):
    """An SME's request, after a symposium, to meet one presenting company over its seeds."""

    municipality = municipality_fk()
    symposium = models.ForeignKey(
        Meeting, verbose_name=_("symposium"), on_delete=models.CASCADE, related_name="requests"
    )
    sme = models.ForeignKey("smes.SME", verbose_name=_("SME"), on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "patents.LargeCompany", verbose_name=_("large company"), on_delete=models.CASCADE, related_name="+"
    )
    seeds = models.ManyToManyField("patents.Patent", verbose_name=_("seeds"), blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("resulting meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = _user_fk(_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        db_table = "negotiations_oneononerequest"
        verbose_name = _("one-on-one request")
        verbose_name_plural = _("one-on-one requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sme} → {self.company}"


class GlossaryEntry(models.Model):
    """A municipality's own technical equivalent for screening: a term and its equivalents, in either
    language (弁 -> valve; "ride quality" -> 乗り心地). Applied above JMdict and the shipped glossary at
    the next query, without an index rebuild."""

    municipality = municipality_fk()
    term = models.CharField(_("term"), max_length=100)
    equivalents = models.CharField(
        _("equivalents"),
        max_length=500,
        help_text=_("Separate several with commas, e.g. valve, check valve."),
    )
    created_by = _user_fk(_("added by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary entries")
        ordering = ["term", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "term"], name="glossary_term_unique_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.equivalents}"

    @property
    def equivalent_list(self) -> list[str]:
        return split_equivalents(self.equivalents)


def split_equivalents(text: str) -> list[str]:
    """The equivalents of a glossary entry: comma- (or 、-) separated, trimmed, duplicates dropped."""
    parts = (p.strip() for p in text.replace("、", ",").replace("，", ",").split(","))
    return list(dict.fromkeys(p for p in parts if p))


class ShortlistEntry(models.Model):
    """A seed saved to an SME's shortlist (from a quick-search hit or a screening candidate), to hand out."""

    municipality = municipality_fk()
    sme = models.ForeignKey("smes.SME", verbose_name=_("SME"), on_delete=models.CASCADE, related_name="+")
    patent = models.ForeignKey(
        "patents.Patent", verbose_name=_("seed"), on_delete=models.CASCADE, related_name="+"
    )
    candidate = models.ForeignKey(
        ScreeningCandidate,
        verbose_name=_("from candidate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shortlist_entries",
    )
    fit_summary = models.TextField(_("why it fits"), blank=True)
    # What the engine gave when the seed was saved, kept as it was: {"source": "search" or "candidate",
    # "query" (a search's words), "band", "needs_met", "matched_terms" (with their bridges)}.
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    added_by = _user_fk(_("added by"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        ordering = ["sme", "-added_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["sme", "patent"], name="shortlist_unique_sme_seed")]

    def __str__(self) -> str:
        return f"{self.sme_id} → {self.patent_id}"
