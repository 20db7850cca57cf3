"""The deal pipeline's services: the transition table, drops, terms, products, the deals a held meeting
opens, reminders."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry, Role
from matching import services as meeting_services
from matching.models import MeetingKind, MeetingProposal, MeetingStatus, ProposalKind, ProposalStatus
from negotiations import selectors, services
from negotiations.models import (
    DropReason,
    EntryKind,
    Negotiation,
    State,
    TimelineEntry,
)
from negotiations.tasks import send_task_reminders
from tests.conftest import make_member
from tests.factories.negotiations import NegotiationFactory, TaskFactory, records_for, seed_of
from tests.matching.conftest import make_company, make_sme

ALLOWED = [
    ("interest", "introduced"),
    ("introduced", "meeting_held"),
    ("meeting_held", "nda_signed"),
    ("nda_signed", "evaluation"),
    ("evaluation", "terms"),
    ("terms", "licence_signed"),
    ("licence_signed", "prototype"),
    ("prototype", "launched"),
] + [(state, "dropped") for state in State.values if state not in ("launched", "dropped")]
FORBIDDEN = [pair for pair in itertools.product(State.values, State.values) if pair not in ALLOWED]


def test_transition_table_is_the_documented_one():
    table = {(old, new) for old, targets in services.ALLOWED_TRANSITIONS.items() for new in targets}
    assert table == set(ALLOWED)
    assert len(ALLOWED) == 16
    assert len(FORBIDDEN) == 100 - 16


@pytest.mark.django_db
@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=lambda v: v)
def test_allowed_move_changes_state_and_records_who_and_when(city_a, coordinator_a, old, new):
    with scope(municipality=city_a):
        deal = records_for(NegotiationFactory(municipality=city_a, state=old), new)
        reason = DropReason.PRICE if new == "dropped" else None
        services.negotiation_move(
            negotiation=deal, to_state=new, actor=coordinator_a, reason=reason, note="n", confirmed=True
        )
        deal.refresh_from_db()
        assert deal.state == new
        entry = TimelineEntry.objects.get(negotiation=deal)
        assert (entry.kind, entry.from_state, entry.to_state, entry.actor, entry.internal) == (
            EntryKind.STATE_CHANGE,
            old,
            new,
            coordinator_a,
            False,
        )
        assert entry.actor_label == str(coordinator_a)
        audit = AuditEntry.objects.get(action="negotiation.moved", object_id=str(deal.pk))
        assert audit.actor == coordinator_a
        assert audit.changes["state"] == {"old": old, "new": new}


@pytest.mark.django_db
@pytest.mark.parametrize(("old", "new"), FORBIDDEN, ids=lambda v: v)
def test_forbidden_move_is_refused_and_changes_nothing(city_a, coordinator_a, old, new):
    with scope(municipality=city_a):
        deal = NegotiationFactory(municipality=city_a, state=old)
        with pytest.raises(ValidationError) as error:
            services.negotiation_move(
                negotiation=deal, to_state=new, actor=coordinator_a, reason=DropReason.PRICE, note="n"
            )
        assert list(error.value.message_dict) == ["to_state"]
        deal.refresh_from_db()
        assert deal.state == old
        assert TimelineEntry.objects.filter(negotiation=deal).count() == 0
        assert AuditEntry.objects.filter(action="negotiation.moved").count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("reason", [None, "", "bored"])
def test_dropping_needs_a_reason(city_a, coordinator_a, reason):
    with scope(municipality=city_a):
        deal = NegotiationFactory(municipality=city_a, state=State.EVALUATION)
        with pytest.raises(ValidationError) as error:
            services.negotiation_move(
                negotiation=deal, to_state=State.DROPPED, actor=coordinator_a, reason=reason, confirmed=True
            )
        assert error.value.message_dict == {"reason": ["中止の理由を選んでください。"]}
        deal.refresh_from_db()
        assert deal.state == State.EVALUATION


@pytest.mark.django_db
def test_dropping_for_other_needs_a_note_and_stores_reason(city_a, coordinator_a):
    with scope(municipality=city_a):
        deal = NegotiationFactory(municipality=city_a, state=State.TERMS)
        with pytest.raises(ValidationError):
            services.negotiation_move(
                negotiation=deal,
                to_state=State.DROPPED,
                actor=coordinator_a,
                reason=DropReason.OTHER,
                note=" ",
                confirmed=True,
            )
        services.negotiation_move(
            negotiation=deal,
            to_state=State.DROPPED,
            actor=coordinator_a,
            reason=DropReason.LICENSOR_WITHDREW,
            note="事業部の方針変更",
            confirmed=True,
        )
        deal.refresh_from_db()
        assert (deal.state, deal.drop_reason, deal.drop_note) == (
            "dropped",
            "licensor_withdrew",
            "事業部の方針変更",
        )


@pytest.mark.django_db
def test_one_deal_per_sme_and_company(city_a, coordinator_a):
    with scope(municipality=city_a):
        company = make_company(city_a)
        sme = make_sme(city_a, "町工場")
        seed1, seed2 = seed_of(company, "一"), seed_of(company, "二")
        first, created1 = services.negotiation_open(
            municipality=city_a, actor=coordinator_a, sme=sme, company=company, seeds=[seed1]
        )
        second, created2 = services.negotiation_open(
            municipality=city_a, actor=coordinator_a, sme=sme, company=company, seeds=[seed2]
        )
        assert (first.pk == second.pk, created1, created2) == (True, True, False)
        assert set(first.seeds.values_list("title", flat=True)) == {"一", "二"}
        other = make_company(city_a, "別会社")
        with pytest.raises(ValidationError):
            services.negotiation_open(
                municipality=city_a,
                actor=coordinator_a,
                sme=sme,
                company=other,
                seeds=[seed_of(company, "三")],
            )


def _start(days=1):
    start = timezone.now() + dt.timedelta(days=days)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=1)}


@pytest.mark.django_db
def test_proposal_becomes_meeting_and_holding_it_opens_the_deal(city_a, coordinator_a):
    with scope(municipality=city_a):
        company = make_company(city_a)
        sme = make_sme(city_a, "振動対策の町工場")
        seed = seed_of(company)
        proposal = MeetingProposal.objects.create(
            municipality=city_a, kind=ProposalKind.ONE_ON_ONE, company=company
        )
        proposal.smes.add(sme)
        proposal.patents.add(seed)
        meeting = meeting_services.meeting_from_proposal(
            proposal=proposal, actor=coordinator_a, venue="会議室A", **_start()
        )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SCHEDULED
        assert (meeting.kind, meeting.company, list(meeting.seeds.all())) == (
            MeetingKind.ONE_ON_ONE,
            company,
            [seed],
        )
        assert [p.sme for p in meeting.participants.all()] == [sme]
        with pytest.raises(ValidationError):
            meeting_services.meeting_from_proposal(
                proposal=proposal, actor=coordinator_a, venue="x", **_start()
            )

        # It took place: held only on or after its date.
        meeting.starts_at = timezone.now() - dt.timedelta(hours=2)
        meeting.ends_at = timezone.now() - dt.timedelta(hours=1)
        meeting.save(update_fields=["starts_at", "ends_at"])
        meeting_services.meeting_hold(
            meeting=meeting, actor=coordinator_a, minutes="良い感触", attended_sme_ids=[sme.pk]
        )
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.HELD
        deal = Negotiation.objects.get(sme=sme, company=company)
        assert deal.state == State.MEETING_HELD
        assert list(deal.seeds.all()) == [seed]
        kinds = list(deal.entries.order_by("id").values_list("kind", "to_state"))
        assert kinds == [
            ("state_change", "interest"),
            ("meeting", ""),
            ("state_change", "introduced"),
            ("state_change", "meeting_held"),
        ]
        # Holding it again does not move the deal further.
        meeting_services.meeting_hold(
            meeting=meeting, actor=coordinator_a, minutes="再", attended_sme_ids=[sme.pk]
        )
        deal.refresh_from_db()
        assert deal.state == State.MEETING_HELD


TERMS = {
    "licence_type": "non_exclusive",
    "signed_on": dt.date(2026, 4, 1),
    "field_of_use": "産業用ロボットの振動対策部品",
    "territory": "日本",
    "term_months": 60,
    "upfront_fee_yen": 500_000,
    "royalty_percent": Decimal("3.00"),
    "minimum_royalty_yen": 100_000,
    "sublicensing": False,
    "improvements": "grant_back",
}


@pytest.mark.django_db
def test_terms_recorded_at_terms_negotiation_sign_the_licence(city_a, coordinator_a):
    with scope(municipality=city_a):
        deal = NegotiationFactory(
            municipality=city_a, state=State.EVALUATION, nda_signed_on=dt.date(2026, 1, 15)
        )
        with pytest.raises(ValidationError):
            services.licence_terms_record(negotiation=deal, actor=coordinator_a, data=TERMS)
        deal.state = State.TERMS
        deal.save()
        terms = services.licence_terms_record(negotiation=deal, actor=coordinator_a, data=TERMS)
        deal.refresh_from_db()
        assert deal.state == State.LICENCE_SIGNED
        assert (terms.royalty_percent, terms.upfront_fee_yen) == (Decimal("3.00"), 500_000)
        assert selectors.outcome_counts(municipality=city_a)["licences"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"licence_type": "assignment"}, "royalty_percent"),
        (
            {"licence_type": "assignment", "royalty_percent": Decimal(0), "minimum_royalty_yen": 0},
            "term_months",
        ),
        ({"royalty_percent": Decimal(0)}, "minimum_royalty_yen"),
        ({"royalty_percent": Decimal("60")}, "royalty_percent"),
        ({"signed_on": dt.date(2999, 1, 1)}, "signed_on"),
    ],
)
def test_terms_validation(city_a, coordinator_a, change, field):
    with scope(municipality=city_a):
        deal = NegotiationFactory(municipality=city_a, state=State.TERMS)
        with pytest.raises(ValidationError) as error:
            services.licence_terms_record(negotiation=deal, actor=coordinator_a, data={**TERMS, **change})
        assert field in error.value.message_dict
        deal.refresh_from_db()
        assert deal.state == State.TERMS


@pytest.mark.django_db
def test_product_launch_is_counted(city_a, coordinator_a):
    with scope(municipality=city_a):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.PROTOTYPE), State.PROTOTYPE)
        with pytest.raises(ValidationError):
            services.product_record(
                negotiation=NegotiationFactory(municipality=city_a, state=State.TERMS),
                actor=coordinator_a,
                name="x",
                launch_date=dt.date(2026, 5, 1),
            )
        product = services.product_record(
            negotiation=deal,
            actor=coordinator_a,
            name="防振マウント",
            launch_date=timezone.localdate() - dt.timedelta(days=1),
            price_yen=12800,
        )
        deal.refresh_from_db()
        assert (deal.state, product.negotiation_id) == (State.LAUNCHED, deal.pk)
        counts = selectors.outcome_counts(municipality=city_a)
        assert (counts["products"], counts["active"]) == (1, 1)


@pytest.mark.django_db
def test_reminders_are_sent_once(city_a, coordinator_a, django_capture_on_commit_callbacks):
    other = make_member(city_a, Role.COORDINATOR, email="other-coord@example.jp")
    today = timezone.localdate()
    with scopes_disabled():
        TaskFactory(
            negotiation__municipality=city_a, assignee=coordinator_a, title="NDA案を送る", due_on=today
        )
        TaskFactory(
            negotiation__municipality=city_a,
            assignee=coordinator_a,
            title="試作の確認",
            due_on=today + dt.timedelta(days=1),
        )
        TaskFactory(
            negotiation__municipality=city_a,
            assignee=other,
            title="先の話",
            due_on=today + dt.timedelta(days=5),
        )
        TaskFactory(
            negotiation__municipality=city_a,
            assignee=other,
            title="済み",
            due_on=today,
            done_at=timezone.now(),
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_task_reminders.apply().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_task_reminders.apply().get() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["coord-a@example.jp"]
    assert mail.outbox[0].subject == "期限のタスク: 2件"
    assert "NDA案を送る" in mail.outbox[0].body
    assert "試作の確認" in mail.outbox[0].body
