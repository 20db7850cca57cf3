"""Tenancy probe classification of the negotiations URLs (merged by tests/kawasaki/test_tenancy.py).

The probe objects make the requesting user a party (their company or SME is a side) so that the role
matrix tests what each role may open; another municipality's objects stay out of reach."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from kawasaki.models import Membership, Role
from matching.models import MeetingProposal, ProposalKind
from negotiations.models import (
    Document,
    Meeting,
    MeetingKind,
    Negotiation,
    OneOnOneRequest,
    Participant,
    Product,
    State,
    Task,
    TimelineEntry,
)
from tests.matching.conftest import make_company, make_patent, make_sme
from tests.patents.url_probe import tiny_png

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})
PARTIES = STAFF | {Role.COMPANY_STAFF, Role.SME_MEMBER}


def _link(user, municipality, *, company=None, sme=None) -> None:
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


def _deal(municipality, user, *, state=State.INTEREST, text="probe"):
    company = make_company(municipality, f"{text} 株式会社")
    sme = make_sme(municipality, f"{text} 製作所")
    deal = Negotiation.objects.create(municipality=municipality, sme=sme, company=company, state=state)
    deal.seeds.add(make_patent(municipality, company, f"{text} seed"))
    if user is not None:
        _link(user, municipality, company=company, sme=sme)
    return deal


def _deal_pk(municipality, user):
    return _deal(municipality, user).pk


def _document(municipality, user):
    deal = _deal(municipality, user)
    document = Document(municipality=municipality, negotiation=deal, kind="nda", side="licensor", title="NDA")
    document.file.save("nda.pdf", ContentFile(b"%PDF-1.4 probe"), save=False)
    document.save()
    return document.pk


def _product_photo(municipality, user):
    deal = _deal(municipality, user, state=State.LAUNCHED)
    product = Product(
        municipality=municipality, negotiation=deal, name="probe", launch_date=dt.date(2026, 4, 1)
    )
    product.photo.save("probe.png", ContentFile(tiny_png()), save=False)
    product.save()
    return product.pk


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
        _link(user, municipality, company=company, sme=sme)
    return meeting


def _meeting_pk(municipality, user):
    return _meeting(municipality, user).pk


def _symposium_pk(municipality, user):
    return _meeting(municipality, user, kind=MeetingKind.SYMPOSIUM).pk


def _task(municipality, user):
    return Task.objects.create(
        municipality=municipality,
        negotiation=_deal(municipality, None),
        title="probe",
        due_on=timezone.localdate(),
    ).pk


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


def _seed_marker(municipality, marker):
    deal = _deal(municipality, None, state=State.PROTOTYPE, text=marker)
    TimelineEntry.objects.create(municipality=municipality, negotiation=deal, kind="note", text=marker)
    Product.objects.create(
        municipality=municipality,
        negotiation=deal,
        name=marker,
        description=marker,
        launch_date=timezone.localdate(),
    )
    Task.objects.create(
        municipality=municipality, negotiation=deal, title=marker, due_on=timezone.localdate()
    )
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
    "negotiation_board": STAFF,
    "my_week": STAFF,
    "negotiation_list": PARTIES,
    "negotiation_create": STAFF,
    "negotiation_detail": PARTIES,
    "negotiation_move": STAFF,
    "negotiation_entry_add": STAFF,
    "document_upload": PARTIES,
    "negotiation_nda": STAFF,
    "licenceterms_edit": STAFF,
    "product_create": STAFF,
    "task_create": STAFF,
    "meeting_task_create": STAFF,
    "document_download": PARTIES,
    "document_comment": STAFF,
    "task_done": STAFF,
    "product_list": PARTIES,
    "product_photo": PARTIES,
    "meeting_list": PARTIES,
    "meeting_create": STAFF,
    "meeting_detail": PARTIES,
    "meeting_ics": PARTIES,
    "meeting_booklet": PARTIES,
    "meeting_invite": STAFF,
    "meeting_reply": STAFF | {Role.SME_MEMBER},
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
    "negotiation_detail": _deal_pk,
    "negotiation_move": _deal_pk,
    "negotiation_entry_add": _deal_pk,
    "document_upload": _deal_pk,
    "negotiation_nda": _deal_pk,
    "licenceterms_edit": _deal_pk,
    "product_create": _deal_pk,
    "product_photo": _product_photo,
    "task_create": _deal_pk,
    "meeting_task_create": _meeting_pk,
    "document_download": _document,
    "document_comment": _document,
    "task_done": _task,
    "meeting_detail": _meeting_pk,
    "meeting_ics": _meeting_pk,
    "meeting_booklet": _meeting_pk,
    "meeting_invite": _meeting_pk,
    "meeting_reply": _meeting_pk,
    "meeting_hold": _meeting_pk,
    "meeting_request": _symposium_pk,
    "proposal_schedule": _proposal,
    "request_schedule": _request,
    "meeting_edit": _meeting_pk,
    "meeting_cancel": _meeting_pk,
    "symposium_register": _symposium_pk,
    "symposium_unregister": _symposium_pk,
}

MARKER_SEEDERS = [_seed_marker]

NON_TENANT_URLS = {
    "api_negotiation_list": 401,
    "api_negotiation_detail": 401,
    "api_negotiation_transition": 401,
    "api_meeting_list": 401,
    "api_meeting_detail": 401,
    "api_product_list": 401,
    "api_product_detail": 401,
}
