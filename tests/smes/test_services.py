import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from kawasaki.models import AuditEntry, Role
from smes import selectors, services
from smes.models import SME, NextAction, PlanStatus, PlanVersion
from tests.conftest import make_member
from tests.factories.smes import BusinessPlanFactory, PartnerFactory
from tests.helpers.db_state import assert_db_unchanged

pytestmark = pytest.mark.django_db


def test_sme_create_writes_audit_entry_and_normalises_tags(city_a, coordinator_a):
    with scope(municipality=city_a):
        sme = services.sme_create(
            municipality=city_a,
            actor=coordinator_a,
            data={
                "name_ja": "川崎精工株式会社",
                "corporate_number": "7000012050002",
                "needs_tags": [" IoT", "センサー", "IoT", ""],
            },
        )
        assert sme.needs_tags == ["IoT", "センサー"]
        entry = AuditEntry.objects.get(action="sme.created")
        assert entry.object_id == str(sme.pk)
        assert entry.changes == {
            "name_ja": {"new": "川崎精工株式会社"},
            "corporate_number": {"new": "7000012050002"},
            "needs_tags": {"new": ["IoT", "センサー"]},
        }


def test_sme_create_refuses_bad_check_digit(city_a, coordinator_a):
    with scope(municipality=city_a), pytest.raises(ValidationError) as info:
        services.sme_create(
            municipality=city_a,
            actor=coordinator_a,
            data={"name_ja": "X", "corporate_number": "8000012050002"},
        )
    assert list(info.value.message_dict) == ["corporate_number"]
    with scope(municipality=city_a):
        assert SME.objects.count() == 0


def test_sme_corporate_number_unique_within_municipality_only(city_a, city_b, coordinator_a, coordinator_b):
    with scope(municipality=city_b):
        services.sme_create(
            municipality=city_b,
            actor=coordinator_b,
            data={"name_ja": "B社", "corporate_number": "7000012050002"},
        )
    with scope(municipality=city_a):
        services.sme_create(
            municipality=city_a,
            actor=coordinator_a,
            data={"name_ja": "A社", "corporate_number": "7000012050002"},
        )
        with pytest.raises(ValidationError) as info:
            services.sme_create(
                municipality=city_a,
                actor=coordinator_a,
                data={"name_ja": "A2社", "corporate_number": "7000012050002"},
            )
    assert info.value.message_dict == {
        "corporate_number": ["A社 はすでに法人番号 7000012050002 で登録されています。"]
    }


def test_an_sme_of_the_same_name_is_warned_and_can_be_registered_anyway(city_a, coordinator_a):
    with scope(municipality=city_a):
        first = services.sme_create(municipality=city_a, actor=coordinator_a, data={"name_ja": "川崎精工"})
        with pytest.raises(ValidationError) as info:
            services.sme_create(municipality=city_a, actor=coordinator_a, data={"name_ja": "川崎精工"})
        assert info.value.message_dict == {
            "allow_duplicate": [
                "川崎精工 という名前の中小企業がすでに登録されています。別の会社であれば「重複を承知で登録する」にチェックしてください。"
            ]
        }
        assert SME.objects.count() == 1
        assert services.sme_duplicate_of(municipality=city_a, data={"name_ja": "川崎精工"}) == first
        second = services.sme_create(
            municipality=city_a, actor=coordinator_a, data={"name_ja": "川崎精工"}, allow_duplicate=True
        )
        assert SME.objects.count() == 2
        assert second.pk != first.pk


def test_sme_update_logs_old_and_new(city_a, coordinator_a, sme_a):
    with scope(municipality=city_a):
        services.sme_update(sme=sme_a, actor=coordinator_a, data={"employees": 40, "name_ja": sme_a.name_ja})
        entry = AuditEntry.objects.get(action="sme.updated")
    assert entry.changes == {"employees": {"old": 25, "new": 40}}


def test_visit_record_creates_next_actions_for_the_coordinator(city_a, coordinator_a, sme_a):
    with scope(municipality=city_a):
        visit = services.visit_record(
            sme=sme_a,
            actor=coordinator_a,
            visited_on=dt.date(2026, 10, 1),
            people_met="代表 山田",
            notes="試作設備あり",
            next_actions=[("特許リストを送る", dt.date(2026, 10, 8)), ("再訪問", dt.date(2026, 11, 1))],
        )
        actions = list(
            NextAction.objects.filter(visit=visit).values_list("description", "due_on", "assignee")
        )
        assert actions == [
            ("特許リストを送る", dt.date(2026, 10, 8), coordinator_a.pk),
            ("再訪問", dt.date(2026, 11, 1), coordinator_a.pk),
        ]
        assert visit.coordinator_label == str(coordinator_a)
        assert AuditEntry.objects.filter(action="visit.recorded").count() == 1


def test_visit_in_the_future_is_refused(city_a, coordinator_a, sme_a):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with scope(municipality=city_a), pytest.raises(ValidationError):
        services.visit_record(sme=sme_a, actor=coordinator_a, visited_on=tomorrow, people_met="x")


def test_followups_due_lists_open_actions_of_that_coordinator(city_a, coordinator_a, sme_a):
    other = make_member(city_a, Role.COORDINATOR)
    with scope(municipality=city_a):
        v1 = services.visit_record(
            sme=sme_a,
            actor=coordinator_a,
            visited_on=dt.date(2026, 10, 1),
            people_met="x",
            next_actions=[("B", dt.date(2026, 11, 2)), ("A", dt.date(2026, 10, 2))],
        )
        services.visit_record(
            sme=sme_a,
            actor=other,
            visited_on=dt.date(2026, 10, 1),
            people_met="y",
            next_actions=[("C", dt.date(2026, 9, 1))],
        )
        done = v1.next_actions.get(description="B")
        services.next_action_complete(action=done, actor=coordinator_a)
        services.next_action_complete(action=done, actor=coordinator_a)  # a second click changes nothing
        assert [a.description for a in selectors.followups_due(user=coordinator_a, municipality=city_a)] == [
            "A"
        ]
        assert AuditEntry.objects.filter(action="next_action.done").count() == 1


# --- Business plans -------------------------------------------------------------------------------


@pytest.fixture
def plan_a(city_a, sme_a):
    with scope(municipality=city_a):
        return BusinessPlanFactory(
            sme=sme_a,
            title="振動センサー事業",
            product_concept="小型振動センサー\n電池で3年動く",
            customers_market="市内の工場",
        )


def test_submit_freezes_an_immutable_version(city_a, plan_a, sme_member_a):
    with scope(municipality=city_a):
        plan = services.business_plan_set_status(
            plan=plan_a, new_status=PlanStatus.SUBMITTED, actor=sme_member_a
        )
        assert plan.status == PlanStatus.SUBMITTED
        version = PlanVersion.objects.get(plan=plan)
        assert version.number == 1
        assert version.sections["product_concept"] == "小型振動センサー\n電池で3年動く"
        assert version.submitted_by_label == str(sme_member_a)
        version.sections["product_concept"] = "改ざん"
        with pytest.raises(ValidationError):
            version.save()
        with pytest.raises(ValidationError):
            version.delete()
        assert (
            PlanVersion.objects.get(pk=version.pk).sections["product_concept"]
            == "小型振動センサー\n電池で3年動く"
        )
        entry = AuditEntry.objects.get(action="business_plan.status_changed")
        assert entry.changes == {"status": {"old": "draft", "new": "submitted"}, "version": {"new": 1}}


def test_working_copy_is_locked_while_under_review(city_a, plan_a, sme_member_a):
    with scope(municipality=city_a):
        plan = services.business_plan_set_status(
            plan=plan_a, new_status=PlanStatus.SUBMITTED, actor=sme_member_a
        )
        with pytest.raises(ValidationError):
            services.business_plan_update(plan=plan, actor=sme_member_a, title="x", sections={})


def test_full_review_cycle_and_diff(city_a, plan_a, sme_member_a, coordinator_a):
    with scope(municipality=city_a):
        plan = services.business_plan_set_status(
            plan=plan_a, new_status=PlanStatus.SUBMITTED, actor=sme_member_a
        )
        plan = services.business_plan_set_status(
            plan=plan, new_status=PlanStatus.FEEDBACK_GIVEN, actor=coordinator_a
        )
        plan = services.business_plan_update(
            plan=plan,
            actor=sme_member_a,
            title="振動センサー事業",
            sections={
                "product_concept": "小型振動センサー\n電池で5年動く\n防水IP67",
                "customers_market": "市内の工場",
                "risks": "量産コスト",
            },
        )
        plan = services.business_plan_set_status(plan=plan, new_status=PlanStatus.REVISED, actor=sme_member_a)
        plan = services.business_plan_set_status(
            plan=plan, new_status=PlanStatus.ACCEPTED, actor=coordinator_a
        )
        assert plan.status == PlanStatus.ACCEPTED
        v1, v2 = selectors.versions_of(plan=plan)
        assert (v1.number, v2.number) == (1, 2)
        diff = {d.key: d for d in selectors.version_diff(old=v1, new=v2)}
    assert diff["product_concept"].lines == [
        (" ", "小型振動センサー"),
        ("-", "電池で3年動く"),
        ("+", "電池で5年動く"),
        ("+", "防水IP67"),
    ]
    assert diff["customers_market"].lines == [(" ", "市内の工場")]
    assert diff["customers_market"].changed is False
    assert diff["risks"].lines == [("+", "量産コスト")]
    assert diff["budget"].lines == []
    assert v1.sections["product_concept"] == "小型振動センサー\n電池で3年動く"


@pytest.mark.parametrize(
    ("role", "new_status", "outcome"),
    [
        ("sme", PlanStatus.SUBMITTED, "ok"),
        ("coordinator", PlanStatus.SUBMITTED, "ok"),  # coordinators may submit on the SME's behalf
        ("other_sme", PlanStatus.SUBMITTED, "denied"),
        ("company", PlanStatus.SUBMITTED, "denied"),
        ("sme", PlanStatus.ACCEPTED, "invalid"),  # not from draft
        ("coordinator", PlanStatus.FEEDBACK_GIVEN, "invalid"),  # nothing submitted yet
    ],
)
def test_status_moves_from_draft_by_role(
    city_a, plan_a, sme_member_a, other_sme_a, coordinator_a, role, new_status, outcome
):
    from tests.smes.conftest import link_sme_member

    actors = {
        "sme": sme_member_a,
        "coordinator": coordinator_a,
        "other_sme": link_sme_member(city_a, other_sme_a),
        "company": make_member(city_a, Role.COMPANY_STAFF),
    }
    with scope(municipality=city_a):
        if outcome == "ok":
            assert (
                services.business_plan_set_status(
                    plan=plan_a, new_status=new_status, actor=actors[role]
                ).status
                == new_status
            )
            return
        expected = PermissionDenied if outcome == "denied" else ValidationError
        with pytest.raises(expected):
            services.business_plan_set_status(plan=plan_a, new_status=new_status, actor=actors[role])
        assert PlanVersion.objects.count() == 0


def test_sme_member_cannot_give_feedback_or_accept(city_a, plan_a, sme_member_a):
    with scope(municipality=city_a):
        plan = services.business_plan_set_status(
            plan=plan_a, new_status=PlanStatus.SUBMITTED, actor=sme_member_a
        )
        assert services.plan_transitions_for(plan=plan, user=sme_member_a) == []
        for status in (PlanStatus.FEEDBACK_GIVEN, PlanStatus.ACCEPTED):
            with assert_db_unchanged(), pytest.raises(PermissionDenied):
                services.business_plan_set_status(plan=plan, new_status=status, actor=sme_member_a)


def test_empty_plan_cannot_be_submitted(city_a, sme_a, sme_member_a):
    with scope(municipality=city_a):
        plan = services.business_plan_create(sme=sme_a, actor=sme_member_a, title="空の計画")
        with pytest.raises(ValidationError) as info:
            services.business_plan_set_status(plan=plan, new_status=PlanStatus.SUBMITTED, actor=sme_member_a)
    assert info.value.messages == ["提出する前に少なくとも1つの項目を記入してください。"]


def test_comments_by_role_and_internal_ones_hidden_from_the_sme(city_a, plan_a, sme_member_a, coordinator_a):
    with scope(municipality=city_a):
        services.business_plan_set_status(plan=plan_a, new_status=PlanStatus.SUBMITTED, actor=sme_member_a)
        version = PlanVersion.objects.get(plan=plan_a)
        services.plan_comment_add(
            version=version, actor=coordinator_a, section="risks", body="量産費用の根拠を"
        )
        services.plan_comment_add(
            version=version, actor=coordinator_a, section="risks", body="社長は資金繰りに不安", internal=True
        )
        with assert_db_unchanged():
            with pytest.raises(PermissionDenied):
                services.plan_comment_add(version=version, actor=sme_member_a, section="risks", body="返信")
            with pytest.raises(ValidationError):
                services.plan_comment_add(version=version, actor=coordinator_a, section="nonsense", body="x")
        seen_by_sme = [c.body for c in selectors.comments_visible_to(user=sme_member_a, version=version)]
        seen_by_coordinator = [
            c.body for c in selectors.comments_visible_to(user=coordinator_a, version=version)
        ]
    assert seen_by_sme == ["量産費用の根拠を"]
    assert seen_by_coordinator == ["量産費用の根拠を", "社長は資金繰りに不安"]


def test_referral_outcome_is_audited(city_a, coordinator_a, sme_a):
    with scope(municipality=city_a):
        partner = PartnerFactory(municipality=city_a)
        referral = services.referral_create(
            sme=sme_a,
            partner=partner,
            actor=coordinator_a,
            purpose="強度試験",
            referred_on=dt.date(2026, 10, 1),
        )
        services.referral_record_outcome(
            referral=referral, actor=coordinator_a, outcome="working_together", outcome_note="共同開発契約"
        )
        entry = AuditEntry.objects.get(action="referral.outcome_recorded")
    assert entry.changes == {
        "outcome": {"old": "pending", "new": "working_together"},
        "outcome_note": {"old": "", "new": "共同開発契約"},
    }


def test_referral_to_another_municipalitys_partner_is_refused(city_a, city_b, coordinator_a, sme_a):
    from django_scopes import scopes_disabled

    with scopes_disabled():
        partner_b = PartnerFactory(municipality=city_b)
    with scope(municipality=city_a), pytest.raises(ValidationError):
        services.referral_create(
            sme=sme_a, partner=partner_b, actor=coordinator_a, purpose="x", referred_on=dt.date(2026, 10, 1)
        )


def test_smes_visible_to_by_role(city_a, sme_a, other_sme_a, sme_member_a, coordinator_a):
    company = make_member(city_a, Role.COMPANY_STAFF)
    unlinked = make_member(city_a, Role.SME_MEMBER)
    with scope(municipality=city_a):

        def names(user):
            return sorted(s.name_ja for s in selectors.smes_visible_to(user=user, municipality=city_a))

        assert names(coordinator_a) == ["多摩電子株式会社", "川崎精工株式会社"]
        assert names(sme_member_a) == ["川崎精工株式会社"]
        assert names(company) == []
        assert names(unlinked) == []
