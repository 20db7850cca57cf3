"""Tenancy probe classification of the matching URLs (merged by tests/kawasaki/test_tenancy.py): the
screening pages, and the meeting pages (mounted under /negotiations/, where they have always been).

The meeting probe objects make the requesting user a party (their company presents, their SME is
invited) so that the role matrix tests what each role may open; another municipality's objects stay
out of reach."""

import datetime as dt

from django.utils import timezone

from kawasaki.models import Membership, Role
from matching.models import (
    GlossaryEntry,
    IndexBuild,
    Meeting,
    MeetingKind,
    MeetingProposal,
    OneOnOneRequest,
    Participant,
    ProposalKind,
    ScreeningCandidate,
    ScreeningRun,
    ShortlistEntry,
)
from tests.matching.conftest import make_company, make_patent, make_sme

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})
PARTIES = STAFF | {Role.COMPANY_STAFF, Role.SME_MEMBER}


def link_party(user, municipality, *, company=None, sme=None) -> None:
    """Make the user's company-staff or SME membership in `municipality` act for this company or SME."""
    membership = Membership.objects.filter(user=user, municipality=municipality).first()
    if membership is None:
        return
    if membership.role == Role.COMPANY_STAFF and company is not None:
        membership.company = company
        membership.save(update_fields=["company"])
    if membership.role == Role.SME_MEMBER and sme is not None:
        membership.sme = sme
        membership.save(update_fields=["sme"])


def _meeting(municipality, user, *, kind=MeetingKind.ONE_ON_ONE, title="probe meeting"):
    company = make_company(municipality, f"{title} 株式会社")
    sme = make_sme(municipality, f"{title} 製作所")
    start = timezone.now() + dt.timedelta(days=2)
    meeting = Meeting.objects.create(
        municipality=municipality,
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        venue="会議室",
        company=company if kind != MeetingKind.SYMPOSIUM else None,
    )
    if kind == MeetingKind.SYMPOSIUM:
        meeting.presenting_companies.add(company)
    meeting.seeds.add(make_patent(municipality, company, f"{title} seed"))
    Participant.objects.create(municipality=municipality, meeting=meeting, sme=sme)
    if user is not None:
        link_party(user, municipality, company=company, sme=sme)
    return meeting


def meeting_pk(municipality, user):
    return _meeting(municipality, user).pk


def _symposium_pk(municipality, user):
    return _meeting(municipality, user, kind=MeetingKind.SYMPOSIUM).pk


def _proposal(municipality, user):
    proposal = MeetingProposal.objects.create(
        municipality=municipality, kind=ProposalKind.ONE_ON_ONE, company=make_company(municipality)
    )
    proposal.smes.add(make_sme(municipality, "提案先製作所"))
    return proposal.pk


def _request(municipality, user):
    symposium = _meeting(municipality, None, kind=MeetingKind.SYMPOSIUM)
    return OneOnOneRequest.objects.create(
        municipality=municipality,
        symposium=symposium,
        sme=symposium.participants.first().sme,
        company=symposium.presenting_companies.first(),
    ).pk


def _run(municipality, user):
    return ScreeningRun.objects.create(municipality=municipality, direction="sme_to_seeds", query_text="x").pk


def _index_build(municipality, user):
    build, _ = IndexBuild.objects.get_or_create(
        municipality=municipality, kind="seeds", defaults={"requested_at": timezone.now(), "state": "failed"}
    )
    return build.pk


def _candidate(municipality, user):
    run = ScreeningRun.objects.create(municipality=municipality, direction="sme_to_seeds", query_text="x")
    patent = make_patent(municipality, make_company(municipality), "probe seed")
    candidate = ScreeningCandidate.objects.create(
        municipality=municipality,
        run=run,
        patent=patent,
        rank=1,
        score=1.0,
        relevance=1.0,
        fit_adjustment=0.0,
    )
    return {"run": run.pk, "pk": candidate.pk}


def _candidate_why(municipality, user):
    kwargs = _candidate(municipality, user)
    return {"pk": kwargs["run"], "candidate": kwargs["pk"]}


def _shortlist_sme(municipality, user):
    return {"sme": make_sme(municipality, "候補保存製作所").pk}


def _shortlist_handout(municipality, user):
    return {"sme": make_sme(municipality, "配布製作所").pk, "fmt": "xlsx"}


def _shortlist_entry(municipality, user):
    sme = make_sme(municipality, "候補削除製作所")
    patent = make_patent(municipality, make_company(municipality), "shortlisted seed")
    return ShortlistEntry.objects.create(municipality=municipality, sme=sme, patent=patent).pk


def _run_sme(municipality, user):
    """A portfolio run with one SME's candidate: the "more" fragment of that SME."""
    run = ScreeningRun.objects.create(municipality=municipality, direction="portfolio", query_text="")
    patent = make_patent(municipality, make_company(municipality), "probe seed")
    sme = make_sme(municipality, "probe SME")
    ScreeningCandidate.objects.create(
        municipality=municipality,
        run=run,
        patent=patent,
        sme=sme,
        rank=1,
        score=1.0,
        relevance=1.0,
        fit_adjustment=0.0,
    )
    return {"pk": run.pk, "sme": sme.pk}


def _glossary_entry(municipality, user):
    entry, _created = GlossaryEntry.objects.get_or_create(
        municipality=municipality, term="弁", defaults={"equivalents": "valve"}
    )
    return entry.pk


def _seed_marker(municipality, marker):
    run = ScreeningRun.objects.create(municipality=municipality, direction="sme_to_seeds", query_text=marker)
    patent = make_patent(municipality, make_company(municipality, marker), marker)
    ScreeningCandidate.objects.create(
        municipality=municipality,
        run=run,
        patent=patent,
        rank=1,
        score=1.0,
        relevance=1.0,
        fit_adjustment=0.0,
        note=marker,
    )
    GlossaryEntry.objects.create(municipality=municipality, term=marker, equivalents=f"{marker} equivalent")
    symposium = _meeting(municipality, None, kind=MeetingKind.SYMPOSIUM, title=marker)
    symposium.agenda = marker
    symposium.capacity = 30
    symposium.save(update_fields=["agenda", "capacity"])
    cancelled = _meeting(municipality, None, title=f"{marker} cancelled")
    cancelled.status = "cancelled"
    cancelled.cancel_reason = marker
    cancelled.cancelled_at = timezone.now()
    cancelled.save(update_fields=["status", "cancel_reason", "cancelled_at"])


ROLE_MATRIX = {
    "screening_home": STAFF,
    "screeningrun_create": STAFF,
    "screeningrun_detail": STAFF,
    "screeningrun_share": STAFF,
    "screeningrun_sme_candidates": STAFF,
    "screeningrun_export_csv": STAFF,
    "screeningrun_export_xlsx": STAFF,
    "screeningrun_retry": STAFF,
    "indexbuild_retry": STAFF,
    "meetingproposal_create": STAFF,
    "candidate_decide": STAFF,
    "candidate_why": STAFF,
    "meetingproposal_list": STAFF,
    "candidates_bulk_decide": STAFF,
    "shortlist_add": STAFF,
    "shortlist_detail": STAFF,
    "shortlist_handout": STAFF,
    "shortlist_entry_remove": STAFF,
    "shared_candidates": frozenset({Role.COMPANY_STAFF}),
    "company_screening_start": frozenset({Role.COMPANY_STAFF}),
    "screening_glossary": STAFF,
    "screening_glossary_remove": STAFF,
    "meeting_list": PARTIES,
    "meeting_create": STAFF,
    "meeting_detail": PARTIES,
    "meeting_ics": PARTIES,
    "meeting_booklet": PARTIES,
    "meeting_invite": STAFF,
    "meeting_reply": STAFF | {Role.SME_MEMBER},
    "meeting_listing": STAFF | {Role.SME_MEMBER},
    "meeting_hold": STAFF,
    "meeting_request": STAFF | {Role.SME_MEMBER},
    "proposal_schedule": STAFF,
    "request_schedule": STAFF,
    "meeting_edit": STAFF,
    "meeting_cancel": STAFF,
    "symposium_list": frozenset({Role.SME_MEMBER}),
    "symposium_register": frozenset({Role.SME_MEMBER}),
    "symposium_unregister": frozenset({Role.SME_MEMBER}),
}
PROBE_OBJECTS = {
    "screeningrun_detail": _run,
    "screeningrun_share": _run,
    "screeningrun_sme_candidates": _run_sme,
    "screeningrun_export_csv": _run,
    "screeningrun_export_xlsx": _run,
    "screeningrun_retry": _run,
    "indexbuild_retry": _index_build,
    "meetingproposal_create": _run,
    "candidate_decide": _candidate,
    "candidate_why": _candidate_why,
    "candidates_bulk_decide": _run,
    "shortlist_detail": _shortlist_sme,
    "shortlist_handout": _shortlist_handout,
    "shortlist_entry_remove": _shortlist_entry,
    "screening_glossary_remove": _glossary_entry,
    "meeting_detail": meeting_pk,
    "meeting_ics": meeting_pk,
    "meeting_booklet": meeting_pk,
    "meeting_invite": meeting_pk,
    "meeting_reply": meeting_pk,
    "meeting_listing": meeting_pk,
    "meeting_hold": meeting_pk,
    "meeting_request": _symposium_pk,
    "proposal_schedule": _proposal,
    "request_schedule": _request,
    "meeting_edit": meeting_pk,
    "meeting_cancel": meeting_pk,
    "symposium_register": _symposium_pk,
    "symposium_unregister": _symposium_pk,
}
MARKER_SEEDERS = [_seed_marker]

NON_TENANT_URLS = {
    "api_screeningrun_list": 401,
    "api_screeningrun_detail": 401,
    "api_screeningcandidate_list": 401,
    "api_meeting_list": 401,
    "api_meeting_detail": 401,
}
