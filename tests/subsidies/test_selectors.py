"""What each role sees through the subsidies selectors: a coordinator, an SME member, a company member,
a reporting client and a member of another municipality (exact rows, not counts)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django_scopes import scope, scopes_disabled

from kawasaki.models import Membership, Role
from subsidies import services
from subsidies.models import ApplicationDocument, ApplicationNote, ApplicationStatus
from subsidies.selectors import (
    application_list,
    applications_visible_to,
    calendar_feed_by_token,
    calendar_months,
    coordinators_of,
    documents_visible_to,
    feeds_of,
    granted_total,
    notes_visible_to,
    programmes_of,
    templates_available,
    windows_in_calendar,
    windows_of_programme,
)
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, company_staff
from tests.factories.smes import SMEFactory
from tests.factories.subsidies import (
    ApplicationFactory,
    ProgrammeFactory,
    ProgrammeTemplateFactory,
    ProgrammeWindowFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "sme_member", "company_member", "reporting", "other_municipality")


@pytest.fixture
def people(city_a, coordinator_a, coordinator_b, sme_member_a):
    with scopes_disabled():
        staff = company_staff(LargeCompanyFactory(municipality=city_a), email="ip-a@example.com")
    return {
        "coordinator": coordinator_a,
        "sme_member": sme_member_a,
        "company_member": staff,
        "reporting": make_member(city_a, Role.REPORTING, email="report-a@example.jp"),
        # A coordinator, but of city B: in city A they are nobody.
        "other_municipality": coordinator_b,
    }


@pytest.fixture
def applications(city_a, city_b, sme_a, other_sme_a, programme_a):
    with scopes_disabled():
        other_programme = ProgrammeFactory(municipality=city_a, name="製品化支援補助金")
        return {
            "own_draft": ApplicationFactory(sme=sme_a, programme=programme_a, title="センサー試作"),
            "own_submitted": ApplicationFactory(
                sme=sme_a, programme=other_programme, title="筐体設計", status=ApplicationStatus.SUBMITTED
            ),
            "other": ApplicationFactory(sme=other_sme_a, programme=programme_a, title="無線モジュール"),
            "b": ApplicationFactory(sme=SMEFactory(municipality=city_b), title="B市の申請"),
        }


def titles(queryset):
    return sorted(a.title for a in queryset)


def test_applications_visible_to_each_role(city_a, people, applications):
    with scope(municipality=city_a):
        seen = {
            role: titles(applications_visible_to(user=people[role], municipality=city_a)) for role in ROLES
        }
    assert seen == {
        "coordinator": ["センサー試作", "無線モジュール", "筐体設計"],
        "sme_member": ["センサー試作", "筐体設計"],
        "company_member": [],
        # Reporting clients read every application: granted amounts feed the reports.
        "reporting": ["センサー試作", "無線モジュール", "筐体設計"],
        "other_municipality": [],
    }


def test_application_list_filters_by_status_and_programme(city_a, people, applications, programme_a):
    with scope(municipality=city_a):
        coordinator, member = people["coordinator"], people["sme_member"]
        assert titles(application_list(user=coordinator, municipality=city_a, status="submitted")) == [
            "筐体設計"
        ]
        assert titles(
            application_list(user=coordinator, municipality=city_a, programme_id=programme_a.pk)
        ) == [
            "センサー試作",
            "無線モジュール",
        ]
        # The filters narrow what the user may see, never widen it.
        assert titles(application_list(user=member, municipality=city_a, programme_id=programme_a.pk)) == [
            "センサー試作"
        ]


def test_notes_only_for_coordinators(city_a, people, applications):
    application = applications["own_draft"]
    with scopes_disabled():
        ApplicationNote.objects.create(
            municipality=city_a,
            application=application,
            body="審査ポイント確認済み",
            author=people["coordinator"],
        )
    with scope(municipality=city_a):
        seen = {
            role: [n.body for n in notes_visible_to(user=people[role], application=application)]
            for role in ROLES
        }
    assert seen == {
        "coordinator": ["審査ポイント確認済み"],
        "sme_member": [],
        "company_member": [],
        "reporting": [],
        "other_municipality": [],
    }


def test_documents_follow_the_applications_a_user_may_see(city_a, people, applications):
    with scopes_disabled():
        for key, title in (("own_draft", "見積書"), ("other", "他社の見積書")):
            document = ApplicationDocument(
                municipality=city_a,
                application=applications[key],
                title=title,
                uploaded_by=people["coordinator"],
            )
            document.file.save("quote.pdf", ContentFile(b"%PDF-1.4"), save=True)
    with scope(municipality=city_a):
        seen = {
            role: sorted(d.title for d in documents_visible_to(user=people[role], municipality=city_a))
            for role in ROLES
        }
    assert seen == {
        "coordinator": ["他社の見積書", "見積書"],
        "sme_member": ["見積書"],
        "company_member": [],
        "reporting": ["他社の見積書", "見積書"],
        "other_municipality": [],
    }


def test_programmes_templates_and_windows(city_a, city_b, programme_a):
    with scopes_disabled():
        ProgrammeFactory(municipality=city_a, name="休止中の補助金", is_active=False)
        ProgrammeFactory(municipality=city_b, name="B市の補助金")
        adopted = ProgrammeTemplateFactory(name="ものづくり補助金")
        ProgrammeFactory(municipality=city_a, name="ものづくり補助金", template=adopted)
        ProgrammeTemplateFactory(name="持続化補助金")
        later = ProgrammeWindowFactory(programme=programme_a, label="後期", opens_on=dt.date(2026, 10, 1))
        earlier = ProgrammeWindowFactory(programme=programme_a, label="前期", opens_on=dt.date(2026, 4, 1))
        ApplicationFactory(sme=SMEFactory(municipality=city_a), programme=programme_a, window=later)
    with scope(municipality=city_a):
        assert sorted(p.name for p in programmes_of(municipality=city_a)) == [
            "ものづくり補助金",
            "休止中の補助金",
            "共同研究開発補助金",
        ]
        assert sorted(p.name for p in programmes_of(municipality=city_a, active_only=True)) == [
            "ものづくり補助金",
            "共同研究開発補助金",
        ]
        assert sorted((t.name, used) for t, used in templates_available(municipality=city_a)) == [
            ("ものづくり補助金", True),
            ("持続化補助金", False),
        ]
        assert [(w.label, w.application_count) for w in windows_of_programme(programme=programme_a)] == [
            (earlier.label, 0),
            (later.label, 1),
        ]


def test_windows_in_calendar_and_months(city_a, programme_a):
    today = dt.date(2026, 11, 20)
    with scopes_disabled():
        inactive = ProgrammeFactory(municipality=city_a, is_active=False)
        for label, opens, closes, programme in [
            ("long closed", dt.date(2026, 9, 1), dt.date(2026, 10, 20), programme_a),
            ("just closed", dt.date(2026, 10, 1), dt.date(2026, 10, 21), programme_a),
            ("open", dt.date(2026, 11, 1), dt.date(2026, 12, 15), programme_a),
            ("upcoming", dt.date(2027, 1, 5), dt.date(2027, 1, 31), programme_a),
            ("inactive programme", dt.date(2026, 11, 1), dt.date(2026, 12, 1), inactive),
        ]:
            ProgrammeWindowFactory(programme=programme, label=label, opens_on=opens, closes_on=closes)
    with scope(municipality=city_a):
        windows = list(windows_in_calendar(municipality=city_a, today=today))
        assert [w.label for w in windows] == ["just closed", "open", "upcoming"]
        assert [(month, [w.label for w in ws]) for month, ws in calendar_months(windows=windows)] == [
            (dt.date(2026, 10, 1), ["just closed"]),
            (dt.date(2026, 12, 1), ["open"]),
            (dt.date(2027, 1, 1), ["upcoming"]),
        ]


def test_coordinators_of_are_the_active_staff(
    city_a, city_b, coordinator_a, admin_a, coordinator_b, sme_member_a
):
    left = make_member(city_a, Role.COORDINATOR, email="left-a@example.jp")
    with scopes_disabled():
        Membership.objects.filter(user=left).update(is_active=False)
    make_member(city_a, Role.REPORTING, email="report-a@example.jp")
    assert [u.email for u in coordinators_of(municipality=city_a)] == [
        "admin-a@example.jp",
        "coord-a@example.jp",
    ]


def test_granted_total_counts_decisions_in_the_fiscal_year(city_a, city_b, sme_a, programme_a):
    with scopes_disabled():
        for status, granted, decided in [
            (ApplicationStatus.GRANTED, 1_000_000, dt.date(2026, 4, 1)),
            (ApplicationStatus.RESULT_REPORTED, 2_000_000, dt.date(2027, 3, 31)),
            (ApplicationStatus.GRANTED, 4_000_000, dt.date(2026, 3, 31)),  # the fiscal year before
            (ApplicationStatus.REJECTED, None, dt.date(2026, 6, 1)),
        ]:
            ApplicationFactory(
                sme=sme_a,
                programme=programme_a,
                status=status,
                amount_granted_jpy=granted,
                decided_on=decided,
            )
        ApplicationFactory(
            sme=SMEFactory(municipality=city_b),
            status=ApplicationStatus.GRANTED,
            amount_granted_jpy=8_000_000,
            decided_on=dt.date(2026, 6, 1),
        )
    with scope(municipality=city_a):
        assert granted_total(municipality=city_a, fiscal_year=2026) == 3_000_000
        assert granted_total(municipality=city_a, fiscal_year=2025) == 4_000_000
        assert granted_total(municipality=city_a, fiscal_year=2027) == 0


def test_feeds_of_the_user_and_by_token(city_a, coordinator_a, admin_a):
    with scope(municipality=city_a):
        feed, token = services.calendar_feed_issue(municipality=city_a, user=coordinator_a)
        services.calendar_feed_issue(municipality=city_a, user=admin_a)
        assert [f.pk for f in feeds_of(user=coordinator_a, municipality=city_a)] == [feed.pk]
    assert calendar_feed_by_token(token=token) == feed
    assert calendar_feed_by_token(token=token + "x") is None
    with scope(municipality=city_a):
        services.calendar_feed_revoke(feed=feed, actor=coordinator_a)
    assert calendar_feed_by_token(token=token) is None
