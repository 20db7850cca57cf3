"""A large company's to-do list of deals on its dashboard: the NDA or draft licence the other side sent
last, and the staff member's own open tasks; nothing of other companies' deals."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from negotiations.models import Document, DocumentKind, Side, State
from negotiations.selectors import deals_waiting_on
from tests.factories.negotiations import NegotiationFactory, TaskFactory, staff_of

pytestmark = pytest.mark.django_db


def document(deal, kind, side, version=1, minutes_ago=0):
    doc = Document(
        municipality=deal.municipality,
        negotiation=deal,
        kind=kind,
        side=side,
        version=version,
        title=f"{kind} v{version}",
    )
    doc.file.save(f"{kind}-{version}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    doc.save()
    Document.objects.filter(pk=doc.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return doc


@pytest.fixture
def deals(city_a):
    with scopes_disabled():
        draft = NegotiationFactory(municipality=city_a, state=State.TERMS)
        company = draft.company
        answered = NegotiationFactory(municipality=city_a, company=company, state=State.TERMS)
        nda = NegotiationFactory(municipality=city_a, company=company, state=State.MEETING_HELD)
        other = NegotiationFactory(municipality=city_a, state=State.TERMS)
        staff = staff_of(company)
        # The SME's draft v2 came after the company's v1: the company must review it.
        document(draft, DocumentKind.LICENCE_DRAFT, Side.LICENSOR, 1, minutes_ago=60)
        document(draft, DocumentKind.LICENCE_DRAFT, Side.LICENSEE, 2, minutes_ago=30)
        # The company answered last: nothing to do.
        document(answered, DocumentKind.LICENCE_DRAFT, Side.COORDINATOR, 1, minutes_ago=60)
        document(answered, DocumentKind.LICENCE_DRAFT, Side.LICENSOR, 2, minutes_ago=10)
        document(nda, DocumentKind.NDA, Side.COORDINATOR, 1, minutes_ago=5)
        document(other, DocumentKind.LICENCE_DRAFT, Side.LICENSEE, 1)
        TaskFactory(
            negotiation=nda,
            assignee=staff,
            title="社内決裁を取る",
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
        TaskFactory(negotiation=draft, title="他の人のタスク")  # not the staff member's
    return {"staff": staff, "draft": draft, "answered": answered, "nda": nda, "other": other}


def test_waiting_deals_are_the_companys_own_that_wait_on_it(city_a, deals):
    with scope(municipality=city_a):
        waiting = deals_waiting_on(user=deals["staff"], municipality=city_a)
    assert [(w.deal.pk, str(w.reason), w.overdue) for w in waiting] == [
        (deals["nda"].pk, "社内決裁を取る", True),  # overdue first
        (deals["draft"].pk, "ライセンス契約書案(第 2 版)を確認する", False),
        (deals["nda"].pk, "秘密保持契約書を確認する", False),
    ]


def test_dropped_deals_wait_on_nobody(city_a, deals):
    with scopes_disabled():
        type(deals["draft"]).objects.filter(pk__in=[deals["draft"].pk, deals["nda"].pk]).update(
            state=State.DROPPED
        )
    with scope(municipality=city_a):
        assert deals_waiting_on(user=deals["staff"], municipality=city_a) == []


def test_company_dashboard_lists_them_with_links(client_of, city_a, deals):
    body = (
        client_of(deals["staff"])
        .get(reverse("dashboard", kwargs={"municipality": "city-a"}))
        .content.decode()
    )
    assert "あなたの対応待ちの案件" in body
    detail = reverse("negotiation_detail", kwargs={"municipality": "city-a", "pk": deals["draft"].pk})
    assert detail in body
    assert "ライセンス契約書案(第 2 版)を確認する" in body
    other = reverse("negotiation_detail", kwargs={"municipality": "city-a", "pk": deals["other"].pk})
    assert other not in body


def test_company_deal_list_marks_the_deals_waiting_on_it(client_of, city_a, deals):
    response = client_of(deals["staff"]).get(reverse("negotiation_list", kwargs={"municipality": "city-a"}))
    rows = {deal.pk: deal.waiting_reasons for deal in response.context["negotiations"]}
    assert set(rows) == {deals["draft"].pk, deals["answered"].pk, deals["nda"].pk}  # never the other's
    assert rows[deals["answered"].pk] == []
    assert len(rows[deals["draft"].pk]) == 1
    assert len(rows[deals["nda"].pk]) == 2  # the NDA to review and the staff member's task
    assert response.content.decode().count('data-testid="waiting-on-you"') == 3
