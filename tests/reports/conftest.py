"""A known data set for the KPI and report tests: exact expected numbers are asserted against it."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from matching.models import Meeting
from negotiations.models import EntryKind, LicenceTerms, Negotiation, Product, TimelineEntry
from smes.models import SME, Visit
from tests.matching.conftest import make_company, make_patent, make_sme

TZ = dt.timezone(dt.timedelta(hours=9))


def at(y, m, d):
    return dt.datetime(y, m, d, 10, 0, tzinfo=TZ)


def negotiation(city, sme, company, state, created):
    n = Negotiation.objects.create(municipality=city, sme=sme, company=company, state=state)
    Negotiation.objects.filter(pk=n.pk).update(created_at=created)
    n.refresh_from_db()
    return n


def move(n, frm, to, when):
    e = TimelineEntry.objects.create(
        municipality=n.municipality, negotiation=n, kind=EntryKind.STATE_CHANGE, from_state=frm, to_state=to
    )
    TimelineEntry.objects.filter(pk=e.pk).update(created_at=when)


def licence(n, signed_on):
    return LicenceTerms.objects.create(
        municipality=n.municipality,
        negotiation=n,
        licence_type="non_exclusive",
        signed_on=signed_on,
        field_of_use="all",
        territory="Japan",
        improvements="licensee",
    )


@pytest.fixture
def data(city_a, city_b):
    with scopes_disabled():
        company = make_company(city_a, "甲社")
        other = make_company(city_a, "乙社")
        make_patent(city_a, company, "Seed one", "text")
        make_patent(city_a, company, "Seed two", "text")
        make_patent(city_a, other, "Seed three", "text", state="draft")
        smes = [make_sme(city_a, f"SME {i}") for i in range(3)]
        # Licences: 31 March 2025 is FY2024, 1 April 2025 is FY2025.
        n1 = negotiation(city_a, smes[0], company, "launched", at(2024, 6, 1))
        move(n1, "interest", "introduced", at(2024, 6, 11))  # 10 days in interest
        move(n1, "introduced", "licence_signed", at(2024, 7, 1))  # 20 days introduced
        move(n1, "licence_signed", "launched", at(2025, 5, 1))
        licence(n1, dt.date(2025, 3, 31))
        n2 = negotiation(city_a, smes[1], company, "licence_signed", at(2025, 1, 1))
        move(n2, "interest", "introduced", at(2025, 1, 31))  # 30 days in interest
        move(n2, "introduced", "licence_signed", at(2025, 3, 1))
        licence(n2, dt.date(2025, 4, 1))
        n3 = negotiation(city_a, smes[2], other, "dropped", at(2025, 4, 10))
        move(n3, "interest", "dropped", at(2025, 5, 10))  # dropped: reached only interest
        Product.objects.create(
            municipality=city_a, negotiation=n1, name="P1", launch_date=dt.date(2025, 4, 1)
        )
        Product.objects.create(
            municipality=city_a, negotiation=n1, name="P0", launch_date=dt.date(2025, 3, 31)
        )
        for day in (dt.date(2025, 3, 31), dt.date(2025, 4, 1), dt.date(2026, 3, 31)):
            Visit.objects.create(municipality=city_a, sme=smes[0], visited_on=day, people_met="社長")
        Meeting.objects.create(
            municipality=city_a,
            kind="one_on_one",
            status="held",
            title="m1",
            company=company,
            starts_at=at(2025, 4, 1),
            ends_at=at(2025, 4, 1),
        )
        Meeting.objects.create(
            municipality=city_a,
            kind="one_on_one",
            status="planned",
            title="m2",
            company=company,
            starts_at=at(2025, 5, 1),
            ends_at=at(2025, 5, 1),
        )
        # Subsidies: submitted 31 March 2025 (FY2024) and 1 April 2025 (FY2025, granted in June).
        from subsidies.models import Application, Programme, ProgrammeWindow

        programme = Programme.objects.create(
            municipality=city_a, name="共同研究開発補助金（例）", agency="A市", level="city"
        )
        window = ProgrammeWindow.objects.create(
            municipality=city_a,
            programme=programme,
            label="第1回",
            opens_on=dt.date(2025, 3, 1),
            closes_on=dt.date(2025, 4, 30),
        )
        Application.objects.create(
            municipality=city_a,
            sme=smes[1],
            programme=programme,
            window=window,
            title="a1",
            amount_requested_jpy=2_000_000,
            status="submitted",
            submitted_on=dt.date(2025, 3, 31),
        )
        Application.objects.create(
            municipality=city_a,
            sme=smes[1],
            programme=programme,
            window=window,
            title="a2",
            amount_requested_jpy=4_500_000,
            amount_granted_jpy=3_000_000,
            status="granted",
            submitted_on=dt.date(2025, 4, 1),
            decided_on=dt.date(2025, 6, 1),
        )
        # Submitted in FY2025 and then withdrawn: not an application the city counts.
        Application.objects.create(
            municipality=city_a,
            sme=smes[2],
            programme=programme,
            window=window,
            title="a3",
            amount_requested_jpy=9_000_000,
            status="withdrawn",
            submitted_on=dt.date(2025, 4, 10),
            withdrawn_on=dt.date(2025, 4, 20),
            withdrawal_reason="自己資金で開発することにした",
        )
        # B's data must never count in A.
        b_company = make_company(city_b, "丙社")
        b_sme = SME.objects.create(municipality=city_b, name_ja="B SME")
        nb = negotiation(city_b, b_sme, b_company, "licence_signed", at(2025, 6, 1))
        licence(nb, dt.date(2025, 6, 1))
    return {"company": company, "other": other}
