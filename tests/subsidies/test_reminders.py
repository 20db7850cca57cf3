"""Deadline reminders: sent once per recipient and lead time, however often the beat task runs."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from subsidies import services
from subsidies.models import SentReminder
from subsidies.tasks import send_deadline_reminders
from tests.conftest import make_member
from tests.factories.subsidies import ApplicationFactory, ProgrammeWindowFactory


@pytest.fixture
def draft_closing_in_10_days(city_a, sme_a, sme_member_a, programme_a, coordinator_a):
    today = timezone.localdate()
    with scopes_disabled():
        window = ProgrammeWindowFactory(
            programme=programme_a,
            label="後期",
            opens_on=today - dt.timedelta(days=5),
            closes_on=today + dt.timedelta(days=10),
        )
        return ApplicationFactory(
            sme=sme_a, programme=programme_a, window=window, coordinator=coordinator_a, title="試作"
        )


@pytest.mark.django_db
def test_beat_task_sends_each_reminder_once(
    settings, city_a, city_b, draft_closing_in_10_days, coordinator_a, sme_member_a
):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14, 3]
    # Noise: a submitted application and a draft far from its deadline get nothing; B has no drafts.
    make_member(city_b, Role.COORDINATOR)
    assert send_deadline_reminders.apply().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["coord-a@example.jp", "owner-a@example.jp"]
    coordinator_mail = next(m for m in mail.outbox if m.to == ["coord-a@example.jp"])
    assert coordinator_mail.subject == "締切まであと10日: 共同研究開発補助金（後期）"
    assert "「試作」" in coordinator_mail.body
    # Run again, same day: nothing new.
    assert send_deadline_reminders.apply().get() == 0
    assert len(mail.outbox) == 2
    with scopes_disabled():
        assert sorted(SentReminder.objects.values_list("recipient__email", "lead_days")) == [
            ("coord-a@example.jp", 14),
            ("owner-a@example.jp", 14),
        ]


@pytest.mark.django_db
def test_each_lead_time_fires_once(settings, city_a, draft_closing_in_10_days):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14, 3]
    closes = draft_closing_in_10_days.window.closes_on
    with scope(municipality=city_a):
        counts = [
            services.deadline_reminders_send(municipality=city_a, today=closes - dt.timedelta(days=n))
            for n in (15, 14, 13, 4, 3, 2, 0, 3)
        ]
    # 15 days out: too early; 14: first reminder; 3: the second; the rest repeat nothing.
    assert counts == [0, 2, 0, 0, 2, 0, 0, 0]
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_late_start_sends_only_the_tightest_reminder(settings, city_a, draft_closing_in_10_days):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14, 3]
    closes = draft_closing_in_10_days.window.closes_on
    with scope(municipality=city_a):
        assert services.deadline_reminders_send(municipality=city_a, today=closes - dt.timedelta(days=2)) == 2
        assert services.deadline_reminders_send(municipality=city_a, today=closes - dt.timedelta(days=1)) == 0
    assert {m.subject for m in mail.outbox} == {"締切まであと2日: 共同研究開発補助金（後期）"}


@pytest.mark.django_db
def test_submitted_applications_and_former_coordinators_get_nothing(
    settings, city_a, draft_closing_in_10_days, coordinator_a
):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14]
    with scopes_disabled():
        coordinator_a.memberships.update(role=Role.SME_MEMBER)
    with scope(municipality=city_a):
        assert services.deadline_reminders_send(municipality=city_a) == 1
        assert [m.to for m in mail.outbox] == [["owner-a@example.jp"]]
        draft_closing_in_10_days.status = "submitted"
        draft_closing_in_10_days.save()
        mail.outbox.clear()
        SentReminder.objects.all().delete()
        assert services.deadline_reminders_send(municipality=city_a) == 0
