"""NDA-expiry reminders: the coordinator and the SME's members, once per NDA end date and lead time,
however often the beat task runs (also through the real worker)."""

import datetime as dt
import time
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import formats, timezone, translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry, Role
from negotiations import services
from negotiations.models import NdaReminder, State
from negotiations.tasks import send_nda_reminders
from tests.conftest import make_member
from tests.factories.core import MunicipalityFactory
from tests.factories.negotiations import NegotiationFactory, member_of
from tests.matching.conftest import make_company, make_sme


@pytest.fixture
def nda_deal(city_a, coordinator_a):
    """A deal in evaluation whose NDA ends in 20 days, with an SME member (and one inactive member)."""
    today = timezone.localdate()
    with scopes_disabled():
        deal = NegotiationFactory(
            municipality=city_a,
            coordinator=coordinator_a,
            state=State.EVALUATION,
            sme=make_sme(city_a, "秘密保持製作所"),
            company=make_company(city_a, "大手精機株式会社"),
            nda_signed_on=today - dt.timedelta(days=340),
            nda_expires_on=today + dt.timedelta(days=20),
        )
        member_of(deal.sme, email="owner@nda.example.jp")
        gone = member_of(deal.sme, email="left@nda.example.jp")
        gone.memberships.update(is_active=False)
    return deal


@pytest.mark.django_db
def test_beat_task_reminds_coordinator_and_sme_once(settings, city_a, city_b, nda_deal, coordinator_a):
    settings.KAWASAKI_NDA_REMINDER_DAYS = [30, 7]
    # Noise: a deal without an NDA, one whose NDA ends far away, a dropped one, and another city's.
    with scopes_disabled():
        NegotiationFactory(municipality=city_a, coordinator=coordinator_a)
        NegotiationFactory(
            municipality=city_a,
            coordinator=coordinator_a,
            nda_expires_on=timezone.localdate() + dt.timedelta(days=90),
        )
        NegotiationFactory(
            municipality=city_a,
            coordinator=coordinator_a,
            state=State.DROPPED,
            nda_expires_on=timezone.localdate() + dt.timedelta(days=3),
        )
        b_coordinator = make_member(city_b, Role.COORDINATOR, email="coord-b@example.jp")
        NegotiationFactory(
            municipality=city_b,
            coordinator=b_coordinator,
            nda_expires_on=timezone.localdate() + dt.timedelta(days=10),
        )
    assert send_nda_reminders.apply().get() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coord-a@example.jp",
        "coord-b@example.jp",
        "owner@nda.example.jp",
    ]
    coordinator_mail = next(m for m in mail.outbox if m.to == ["coord-a@example.jp"])
    assert coordinator_mail.subject == "秘密保持契約の期限まであと20日: 秘密保持製作所 × 大手精機株式会社"
    day = nda_deal.nda_expires_on
    expires = f"{day.year}年{day.month}月{day.day}日"
    assert f"秘密保持製作所 と 大手精機株式会社 の秘密保持契約は {expires} に終了します（あと20日）。" in (
        coordinator_mail.body
    )
    assert f"/m/city-a/negotiations/deals/{nda_deal.pk}/" in coordinator_mail.body
    # The beat runs again (hourly): nothing new.
    assert send_nda_reminders.apply().get() == 0
    assert send_nda_reminders.apply(kwargs={"municipality_id": city_a.pk}).get() == 0
    assert len(mail.outbox) == 3
    with scopes_disabled():
        assert sorted(NdaReminder.objects.values_list("recipient__email", "lead_days")) == [
            ("coord-a@example.jp", 30),
            ("coord-b@example.jp", 30),
            ("owner@nda.example.jp", 30),
        ]
        audit = AuditEntry.objects.filter(
            municipality=city_a, action="negotiation.nda_reminder_sent"
        ).order_by("id")
        assert [(a.actor, a.changes["recipient"]["new"]) for a in audit] == [
            (None, "coord-a@example.jp"),
            (None, "owner@nda.example.jp"),
        ]


@pytest.mark.django_db
def test_each_lead_time_fires_once(settings, city_a, nda_deal):
    settings.KAWASAKI_NDA_REMINDER_DAYS = [30, 7]
    expires = nda_deal.nda_expires_on
    with scope(municipality=city_a):
        counts = [
            services.nda_reminders_send(municipality=city_a, today=expires - dt.timedelta(days=n))
            for n in (31, 30, 29, 8, 7, 6, 0, 7, 30)
        ]
    # 31 days out: too early; 30: first reminder; 7: the second; the rest repeat nothing; gone: nothing.
    assert counts == [0, 2, 0, 0, 2, 0, 0, 0, 0]
    assert len(mail.outbox) == 4
    with scope(municipality=city_a):
        assert services.nda_reminders_send(municipality=city_a, today=expires + dt.timedelta(days=1)) == 0


@pytest.mark.django_db
def test_late_nda_gets_only_the_tightest_reminder_and_an_extension_is_reminded_again(
    settings, city_a, nda_deal, coordinator_a
):
    settings.KAWASAKI_NDA_REMINDER_DAYS = [30, 7]
    today = timezone.localdate()
    with scope(municipality=city_a):
        services.nda_record(
            negotiation=nda_deal,
            actor=coordinator_a,
            signed_on=nda_deal.nda_signed_on,
            expires_on=today + dt.timedelta(days=3),
        )
        assert services.nda_reminders_send(municipality=city_a, today=today) == 2
        assert services.nda_reminders_send(municipality=city_a, today=today + dt.timedelta(days=1)) == 0
        assert {m.subject for m in mail.outbox} == {
            "秘密保持契約の期限まであと3日: 秘密保持製作所 × 大手精機株式会社"
        }
        # The NDA is extended by a year: its new end date gets its own reminders.
        services.nda_record(
            negotiation=nda_deal,
            actor=coordinator_a,
            signed_on=nda_deal.nda_signed_on,
            expires_on=today + dt.timedelta(days=365),
        )
        new_end = today + dt.timedelta(days=365)
        assert services.nda_reminders_send(municipality=city_a, today=today + dt.timedelta(days=2)) == 0
        assert services.nda_reminders_send(municipality=city_a, today=new_end - dt.timedelta(days=30)) == 2
        assert NdaReminder.objects.filter(expires_on=new_end).count() == 2


@pytest.mark.django_db
def test_language_former_coordinators_and_finished_deals(settings, city_a, nda_deal, coordinator_a):
    settings.KAWASAKI_NDA_REMINDER_DAYS = [30]
    with scopes_disabled():
        english = member_of(nda_deal.sme, email="en@nda.example.jp", preferred_language="en")
        # The coordinator moved to another job: no longer staff here, so no reminder.
        coordinator_a.memberships.update(role=Role.SME_MEMBER)
    with scope(municipality=city_a):
        assert services.nda_reminders_send(municipality=city_a) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [english.email, "owner@nda.example.jp"]
    english_mail = next(m for m in mail.outbox if m.to == [english.email])
    assert english_mail.subject == "NDA ends in 20 days: 秘密保持製作所 × 大手精機株式会社"
    with translation.override("en"):
        expires = formats.date_format(nda_deal.nda_expires_on, "DATE_FORMAT")
    assert f"The NDA between 秘密保持製作所 and 大手精機株式会社 ends on {expires}, in 20 days." in (
        english_mail.body
    )
    # A launched deal's NDA is not reminded about.
    mail.outbox.clear()
    with scope(municipality=city_a):
        NdaReminder.objects.all().delete()
        nda_deal.state = State.LAUNCHED
        nda_deal.save()
        assert services.nda_reminders_send(municipality=city_a) == 0
    settings.KAWASAKI_NDA_REMINDER_DAYS = []
    with scope(municipality=city_a):
        nda_deal.state = State.EVALUATION
        nda_deal.save()
        assert services.nda_reminders_send(municipality=city_a) == 0
    assert mail.outbox == []


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_reminders_through_the_real_worker_fire_once(celery_worker_process):
    """The worker reads the deployment's setting (30 days by default); three runs, one reminder each."""
    from kawasaki.tasks import ping

    municipality = MunicipalityFactory(slug="nda-worker-city")
    coordinator = make_member(municipality, Role.COORDINATOR, email="coord@nda-worker.example.jp")
    with scopes_disabled():
        deal = NegotiationFactory(
            municipality=municipality,
            coordinator=coordinator,
            nda_expires_on=timezone.localdate() + dt.timedelta(days=10),
        )
        member_of(deal.sme, email="owner@nda-worker.example.jp")

    def reminders():
        with scopes_disabled():
            return sorted(
                NdaReminder.objects.filter(negotiation=deal).values_list("recipient__email", flat=True)
            )

    for _run in range(3):
        send_nda_reminders.delay(municipality_id=municipality.pk)
    # The solo worker runs tasks in order: once the ping after them has run, so have they.
    marker = uuid.uuid4().hex
    ping.delay(marker=marker)
    assert _wait(lambda: cache.get(f"kawasaki:ping:{marker}") == "pong")
    assert reminders() == ["coord@nda-worker.example.jp", "owner@nda-worker.example.jp"]
    with scopes_disabled():
        assert (
            AuditEntry.objects.filter(
                municipality=municipality, action="negotiation.nda_reminder_sent"
            ).count()
            == 2
        )
