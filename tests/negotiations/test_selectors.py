"""What each role sees through the deal pipeline's selectors: a coordinator the whole municipality,
company IP staff and SME members the deals they are a side of (with their products and documents,
without the internal notes), and a member of another municipality nothing here."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from negotiations import selectors
from negotiations.models import Document, EntryKind, LicenceTerms, Product, State, Task, TimelineEntry
from tests.factories.matching import MeetingFactory, ParticipantFactory
from tests.factories.negotiations import NegotiationFactory, member_of, staff_of
from tests.factories.patents import LargeCompanyFactory
from tests.factories.smes import SMEFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(city_a, city_b, coordinator_a):
    """In city A: company X with SMEs S (launched, a product, terms) and T (evaluation);
    company Y with SME S (dropped). In city B a deal of its own."""
    with scopes_disabled():
        x, y = (LargeCompanyFactory(municipality=city_a, name_ja=n) for n in ("X電機", "Y工業"))
        s, t = (SMEFactory(municipality=city_a, name_ja=n) for n in ("S製作所", "T精工"))
        xs = NegotiationFactory(
            municipality=city_a, company=x, sme=s, state=State.LAUNCHED, coordinator=coordinator_a
        )
        xt = NegotiationFactory(municipality=city_a, company=x, sme=t, state=State.EVALUATION)
        ys = NegotiationFactory(municipality=city_a, company=y, sme=s, state=State.DROPPED)
        NegotiationFactory(municipality=city_b)
        Product.objects.create(
            municipality=city_a, negotiation=xs, name="防振マウント", launch_date=dt.date(2026, 5, 1)
        )
        LicenceTerms.objects.create(
            municipality=city_a,
            negotiation=xs,
            licence_type="non_exclusive",
            signed_on=dt.date(2026, 4, 1),
            field_of_use="部品",
            territory="日本",
            improvements="grant_back",
        )
        for deal in (xs, xt):
            document = Document(
                municipality=city_a, negotiation=deal, kind="nda", side="licensor", title=f"NDA {deal.sme}"
            )
            document.file.save("nda.pdf", ContentFile(b"%PDF-1.4"), save=False)
            document.save()
        TimelineEntry.objects.create(
            municipality=city_a, negotiation=xs, kind=EntryKind.NOTE, text="公開メモ"
        )
        TimelineEntry.objects.create(
            municipality=city_a, negotiation=xs, kind=EntryKind.NOTE, text="社内メモ", internal=True
        )
        return {
            "xs": xs,
            "xt": xt,
            "ys": ys,
            "x_staff": staff_of(x, email="ip@x.example.com"),
            "s_member": member_of(s, email="owner@s.example.jp"),
            "t_member": member_of(t, email="owner@t.example.jp"),
        }


def _pairs(qs):
    return sorted(f"{n.company.name_ja}×{n.sme.name_ja}" for n in qs)


def test_negotiations_visible_to_each_role(city_a, coordinator_a, coordinator_b, deals):
    with scope(municipality=city_a):
        seen = {
            name: _pairs(selectors.negotiations_visible_to(user=user, municipality=city_a))
            for name, user in [
                ("coordinator", coordinator_a),
                ("x_staff", deals["x_staff"]),
                ("s_member", deals["s_member"]),
                ("t_member", deals["t_member"]),
                ("other_city", coordinator_b),
            ]
        }
    assert seen == {
        "coordinator": ["X電機×S製作所", "X電機×T精工", "Y工業×S製作所"],
        "x_staff": ["X電機×S製作所", "X電機×T精工"],
        "s_member": ["X電機×S製作所", "Y工業×S製作所"],
        "t_member": ["X電機×T精工"],
        "other_city": [],
    }


def test_products_and_documents_follow_the_deals(city_a, coordinator_a, coordinator_b, deals):
    with scope(municipality=city_a):
        products = {
            name: [p.name for p in selectors.products_visible_to(user=user, municipality=city_a)]
            for name, user in [
                ("coordinator", coordinator_a),
                ("s_member", deals["s_member"]),
                ("t_member", deals["t_member"]),
                ("other_city", coordinator_b),
            ]
        }
        documents = {
            name: sorted(d.title for d in selectors.documents_visible_to(user=user, municipality=city_a))
            for name, user in [
                ("coordinator", coordinator_a),
                ("x_staff", deals["x_staff"]),
                ("t_member", deals["t_member"]),
                ("other_city", coordinator_b),
            ]
        }
    assert products == {
        "coordinator": ["防振マウント"],
        "s_member": ["防振マウント"],
        "t_member": [],
        "other_city": [],
    }
    assert documents == {
        "coordinator": ["NDA S製作所", "NDA T精工"],
        "x_staff": ["NDA S製作所", "NDA T精工"],
        "t_member": ["NDA T精工"],
        "other_city": [],
    }


def test_internal_notes_only_for_coordinators(city_a, coordinator_a, deals):
    with scope(municipality=city_a):
        texts = {
            name: sorted(e.text for e in selectors.timeline_visible_to(user=user, negotiation=deals["xs"]))
            for name, user in [("coordinator", coordinator_a), ("s_member", deals["s_member"])]
        }
    assert texts == {"coordinator": ["公開メモ", "社内メモ"], "s_member": ["公開メモ"]}


def test_outcome_counts(city_a, city_b, deals):
    with scope(municipality=city_a):
        counts = selectors.outcome_counts(municipality=city_a)
    with scope(municipality=city_b):
        other = selectors.outcome_counts(municipality=city_b)
    assert counts == {"active": 1, "licences": 1, "products": 1, "dropped": 1}
    assert other == {"active": 1, "licences": 0, "products": 0, "dropped": 0}


def test_my_week_of_a_coordinator(city_a, coordinator_a, deals):
    today = timezone.localdate()
    with scopes_disabled():
        meeting = MeetingFactory(
            municipality=city_a,
            title="今週の面談",
            starts_at=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=2), dt.time(10))),
        )
        ParticipantFactory(meeting=meeting)
        MeetingFactory(
            municipality=city_a, title="来月の面談", starts_at=timezone.now() + dt.timedelta(days=30)
        )
        Task.objects.create(
            municipality=city_a, negotiation=deals["xt"], title="期限切れ", due_on=today - dt.timedelta(days=1),
            assignee=coordinator_a,
        )  # fmt: skip
        Task.objects.create(
            municipality=city_a, meeting=meeting, title="御礼状", due_on=today + dt.timedelta(days=7),
            assignee=coordinator_a,
        )  # fmt: skip
        Task.objects.create(
            municipality=city_a, negotiation=deals["xt"], title="来月", due_on=today + dt.timedelta(days=8),
            assignee=coordinator_a,
        )  # fmt: skip
        # xs is coordinated by coordinator_a but launched: never stale.
    with scope(municipality=city_a):
        week = selectors.my_week(user=coordinator_a, municipality=city_a, today=today)
        tasks = [t.title for t in week["tasks"].order_by("due_on")]
        meetings = [m.title for m in week["meetings"]]
        stale = list(week["stale"])
    assert (tasks, meetings, stale) == (["期限切れ", "御礼状"], ["今週の面談"], [])
