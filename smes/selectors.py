"""Reads of the smes app. Pages, the API and exports start here, from the tenant and the user."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from kawasaki.models import Municipality, Role, User
from kawasaki.rules import is_coordinator
from kawasaki.selectors import membership_in
from patents.models import Patent, PublicationState, written_for_smes
from patents.selectors import patents_visible_to

from .models import (
    SME,
    BusinessPlan,
    ContactPerson,
    NextAction,
    Partner,
    PlanComment,
    PlanSection,
    PlanVersion,
    Referral,
    SeedInterest,
    Visit,
)
from .rules import own_sme_id


def smes_visible_to(*, user: User, municipality: Municipality) -> QuerySet[SME]:
    """Every SME for a coordinator, an SME member's own SME, nothing for anyone else."""
    qs = SME.objects.filter(municipality=municipality)
    if is_coordinator(user, municipality):
        return qs
    sme_id = own_sme_id(user, municipality)
    return qs.filter(pk=sme_id) if sme_id is not None else qs.none()


def sme_list(*, user: User, municipality: Municipality) -> QuerySet[SME]:
    """The SME list of a coordinator (smes.filters.SMEFilterSet filters it), with each SME's visit count."""
    qs = smes_visible_to(user=user, municipality=municipality)
    # Aggregation drops Meta.ordering; order explicitly so pages are stable.
    return qs.annotate(visit_count=Count("visits", distinct=True)).order_by("name_ja", "pk")


def visits_of(*, sme: SME) -> QuerySet[Visit]:
    """An SME's visits, newest first, with their next actions."""
    return Visit.objects.filter(municipality=sme.municipality, sme=sme).prefetch_related(
        Prefetch("next_actions", queryset=NextAction.objects.select_related("assignee"))
    )


@dataclass
class TimelineEntry:
    """One dated event in an SME's history."""

    date: dt.date
    kind: str
    obj: Visit | PlanVersion | Referral


def sme_timeline(*, sme: SME) -> list[TimelineEntry]:
    """Visits, plan submissions and referrals of an SME, newest first (coordinators only)."""
    entries = [TimelineEntry(v.visited_on, "visit", v) for v in visits_of(sme=sme)]
    versions = PlanVersion.objects.filter(municipality=sme.municipality, plan__sme=sme).select_related("plan")
    entries += [TimelineEntry(timezone.localdate(v.submitted_at), "plan_version", v) for v in versions]
    referrals = Referral.objects.filter(municipality=sme.municipality, sme=sme).select_related("partner")
    entries += [TimelineEntry(r.referred_on, "referral", r) for r in referrals]
    entries.sort(key=lambda e: (e.date, e.obj.pk), reverse=True)
    return entries


def followups_due(
    *, user: User, municipality: Municipality, include_done: bool = False
) -> QuerySet[NextAction]:
    """The open next actions assigned to a coordinator, earliest due first."""
    qs = NextAction.objects.filter(municipality=municipality, assignee=user).select_related("visit__sme")
    if not include_done:
        qs = qs.filter(done_at__isnull=True)
    return qs.order_by("due_on", "id")


def next_actions_open(*, municipality: Municipality) -> QuerySet[NextAction]:
    """Every open next action of a municipality."""
    return NextAction.objects.filter(municipality=municipality, done_at__isnull=True)


def plans_visible_to(*, user: User, municipality: Municipality) -> QuerySet[BusinessPlan]:
    """Every plan for a coordinator, an SME member's own SME's plans, nothing for anyone else."""
    qs = BusinessPlan.objects.filter(municipality=municipality).select_related("sme")
    if is_coordinator(user, municipality):
        return qs
    sme_id = own_sme_id(user, municipality)
    return qs.filter(sme_id=sme_id) if sme_id is not None else qs.none()


def versions_of(*, plan: BusinessPlan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(municipality=plan.municipality, plan=plan).order_by("number")


def comments_visible_to(*, user: User, version: PlanVersion) -> QuerySet[PlanComment]:
    """A version's comments; internal ones only for coordinators."""
    qs = PlanComment.objects.filter(municipality=version.municipality, version=version)
    if not is_coordinator(user, version.municipality):
        qs = qs.filter(internal=False)
    return qs


def comment_counts_of(*, user: User, plan: BusinessPlan) -> dict[int, int]:
    """{version id: the number of its comments the user may see} for a plan's versions, in one query,
    so the plan page can point to an earlier version's comments."""
    qs = PlanComment.objects.filter(municipality=plan.municipality, version__plan=plan)
    if not is_coordinator(user, plan.municipality):
        qs = qs.filter(internal=False)
    return {row["version_id"]: row["n"] for row in qs.values("version_id").annotate(n=Count("pk"))}


def comments_by_section(*, user: User, version: PlanVersion) -> dict[str, list[PlanComment]]:
    grouped: dict[str, list[PlanComment]] = {key: [] for key in PlanSection.values}
    for comment in comments_visible_to(user=user, version=version):
        grouped.setdefault(comment.section, []).append(comment)
    return grouped


@dataclass
class SectionDiff:
    """The line-by-line difference of one section between two versions."""

    key: str
    label: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" ", "-", "+"), text

    @property
    def changed(self) -> bool:
        return any(tag != " " for tag, _text in self.lines)


def version_diff(*, old: PlanVersion, new: PlanVersion) -> list[SectionDiff]:
    """Per section, the lines kept (" "), removed ("-") and added ("+") from `old` to `new`."""
    result = []
    for key, label in PlanSection.choices:
        a = old.sections.get(key, "").splitlines()
        b = new.sections.get(key, "").splitlines()
        lines: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag == "equal":
                lines += [(" ", line) for line in a[i1:i2]]
                continue
            lines += [("-", line) for line in a[i1:i2]]
            lines += [("+", line) for line in b[j1:j2]]
        result.append(SectionDiff(key, str(label), lines))
    return result


def partners_of(*, municipality: Municipality) -> QuerySet[Partner]:
    """The partner directory (smes.filters.PartnerFilterSet filters it), with each partner's referral count."""
    qs = Partner.objects.filter(municipality=municipality).annotate(referral_count=Count("referrals"))
    return qs.order_by("name_ja", "pk")


def referrals_of(*, municipality: Municipality) -> QuerySet[Referral]:
    return Referral.objects.filter(municipality=municipality).select_related("sme", "partner")


# --- Seeds for SMEs (the patents app owns the seeds; these read them through its selectors) --------


def seeds_for_browsing(*, user: User, municipality: Municipality, query: str = ""):
    """The published seeds a user may browse: what the patents app lets them see, published only."""
    qs = patents_visible_to(user=user, municipality=municipality).filter(
        publication_state=PublicationState.PUBLISHED
    )
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(plain_summary__icontains=query)
            | Q(application_examples__icontains=query)
            | Q(company__name_ja__icontains=query)
            | Q(company__name_en__icontains=query)
        )
    # Seeds with a plain summary were written for SMEs: they open the catalogue, before bare
    # bibliographic records (a foreign portfolio's abstracts), newest first within each.
    return qs.order_by(written_for_smes().desc(), "-published_at", "-id")


def interests_of_sme(*, user: User, municipality: Municipality) -> QuerySet[SeedInterest]:
    """The interests the user's own SME has sent (SME members), newest first."""
    sme_id = own_sme_id(user, municipality)
    if sme_id is None:
        return SeedInterest.objects.none()
    return SeedInterest.objects.filter(municipality=municipality, sme_id=sme_id).select_related(
        "patent", "patent__company", "acknowledged_by"
    )


def interest_inbox(*, municipality: Municipality, status: str = "") -> QuerySet[SeedInterest]:
    """The coordinators' inbox of SME interests, newest first."""
    qs = SeedInterest.objects.filter(municipality=municipality).select_related(
        "sme", "patent", "patent__company", "acknowledged_by"
    )
    return qs.filter(status=status) if status else qs


def interests_in_company_seeds(
    *, user: User, municipality: Municipality, status: str = ""
) -> QuerySet[SeedInterest]:
    """The SMEs' interests in the seeds of the user's own large company (company staff), newest first;
    nobody else gets any. The page shows an SME's name only when it shares its profile."""
    membership = membership_in(user=user, municipality=municipality)
    if membership is None or membership.role != Role.COMPANY_STAFF or membership.company_id is None:
        return SeedInterest.objects.none()
    qs = (
        SeedInterest.objects.filter(municipality=municipality, patent__company_id=membership.company_id)
        .select_related("sme", "patent")
        .order_by("-created_at", "-pk")
    )
    return qs.filter(status=status) if status else qs


def interests_in_seed(*, municipality: Municipality, patent: Patent) -> QuerySet[SeedInterest]:
    """The SMEs' interests in one seed, newest first (the seed page's panel decides who sees what)."""
    return (
        SeedInterest.objects.filter(municipality=municipality, patent=patent)
        .select_related("sme")
        .order_by("-created_at", "-pk")
    )


def contact_persons_visible_to(
    *, user: User, municipality: Municipality, sme: SME
) -> QuerySet[ContactPerson]:
    """An SME's contact persons as the user may see them: every one for coordinators and the SME's own
    members; for anyone else (a large company's staff) only those who agreed to be shared, and only
    when the SME itself shares its profile."""
    qs = ContactPerson.objects.filter(municipality=municipality, sme=sme).order_by("name", "id")
    if is_coordinator(user, municipality) or own_sme_id(user, municipality) == sme.pk:
        return qs
    if not sme.consent_to_share:
        return qs.none()
    return qs.filter(consent_to_share=True)


def contact_persons_managed_by(*, user: User, municipality: Municipality) -> QuerySet[ContactPerson]:
    """The contact persons a user may edit: a coordinator every one of the municipality, an SME member
    their own SME's, anyone else none."""
    qs = ContactPerson.objects.filter(municipality=municipality).select_related("sme")
    if is_coordinator(user, municipality):
        return qs
    sme_id = own_sme_id(user, municipality)
    return qs.filter(sme_id=sme_id) if sme_id is not None else qs.none()
