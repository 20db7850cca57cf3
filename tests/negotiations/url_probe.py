"""Tenancy probe classification of the negotiations URLs (merged by tests/kawasaki/test_tenancy.py). The
meeting pages under the same prefix are classified in tests/matching/url_probe.py.

The probe objects make the requesting user a party (their company or SME is a side) so that the role
matrix tests what each role may open; another municipality's objects stay out of reach."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from kawasaki.models import Role
from negotiations.models import Document, Negotiation, Product, State, Task, TimelineEntry
from tests.matching.conftest import make_company, make_patent, make_sme
from tests.matching.url_probe import link_party, meeting_pk
from tests.patents.url_probe import tiny_png

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})
PARTIES = STAFF | {Role.COMPANY_STAFF, Role.SME_MEMBER}


def _deal(municipality, user, *, state=State.INTEREST, text="probe"):
    company = make_company(municipality, f"{text} 株式会社")
    sme = make_sme(municipality, f"{text} 製作所")
    deal = Negotiation.objects.create(municipality=municipality, sme=sme, company=company, state=state)
    deal.seeds.add(make_patent(municipality, company, f"{text} seed"))
    if user is not None:
        link_party(user, municipality, company=company, sme=sme)
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


def _task(municipality, user):
    return Task.objects.create(
        municipality=municipality,
        negotiation=_deal(municipality, None),
        title="probe",
        due_on=timezone.localdate(),
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


ROLE_MATRIX = {
    "negotiation_board": STAFF,
    "my_week": STAFF,
    "negotiation_list": PARTIES,
    "licence_glossary": PARTIES,
    "negotiation_create": STAFF,
    "negotiation_detail": PARTIES,
    "negotiation_move": STAFF,
    "negotiation_reopen": STAFF,
    "negotiation_data_quality": STAFF,
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
}

PROBE_OBJECTS = {
    "negotiation_detail": _deal_pk,
    "negotiation_move": _deal_pk,
    "negotiation_reopen": _deal_pk,
    "negotiation_entry_add": _deal_pk,
    "document_upload": _deal_pk,
    "negotiation_nda": _deal_pk,
    "licenceterms_edit": _deal_pk,
    "product_create": _deal_pk,
    "product_photo": _product_photo,
    "task_create": _deal_pk,
    "meeting_task_create": meeting_pk,
    "document_download": _document,
    "document_comment": _document,
    "task_done": _task,
}

MARKER_SEEDERS = [_seed_marker]

NON_TENANT_URLS = {
    "api_negotiation_list": 401,
    "api_negotiation_detail": 401,
    "api_negotiation_transition": 401,
    "api_negotiation_reopen": 401,
    "api_product_list": 401,
    "api_product_detail": 401,
}
