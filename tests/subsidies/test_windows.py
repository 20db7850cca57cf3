"""Application windows: deleting one that no application uses (and refusing, with how many, otherwise),
correcting dates without contradicting recorded submissions, and deadline reminders that start again
for a moved deadline but never announce the same deadline twice."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from subsidies import services
from subsidies.models import ProgrammeWindow, SentReminder
from tests.factories.subsidies import ApplicationFactory, ProgrammeWindowFactory

D = dt.timedelta


def url(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


def _exists(window) -> bool:
    with scopes_disabled():
        return ProgrammeWindow.objects.filter(pk=window.pk).exists()


@pytest.mark.django_db
def test_unused_window_is_deleted_with_an_audit_entry(city_a, open_window_a, coordinator_a):
    with scope(municipality=city_a):
        services.window_delete(window=open_window_a, actor=coordinator_a)
        entry = AuditEntry.objects.get(action="subsidy_window.deleted")
    assert not _exists(open_window_a)
    assert entry.changes["label"] == {"old": "後期"}
    assert entry.changes["closes_on"] == {"old": open_window_a.closes_on.isoformat()}
    assert entry.object_id == str(open_window_a.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("count", "message"),
    [
        (1, "This window cannot be deleted: 1 application uses it. Correct its dates instead."),
        (3, "This window cannot be deleted: 3 applications use it. Correct its dates instead."),
    ],
)
def test_window_in_use_is_not_deleted(
    city_a, sme_a, sme_member_a, programme_a, open_window_a, coordinator_a, count, message
):
    with scopes_disabled():
        applications = [
            ApplicationFactory(sme=sme_a, programme=programme_a, window=open_window_a) for _ in range(count)
        ]
    with scope(municipality=city_a), translation.override("en"):
        # A withdrawn application keeps its window too: it stays on record.
        services.application_set_status(
            application=applications[0], new_status="withdrawn", actor=sme_member_a, reason="延期"
        )
        with pytest.raises(ValidationError) as error:
            services.window_delete(window=open_window_a, actor=coordinator_a)
    assert error.value.messages == [message]
    assert _exists(open_window_a)
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="subsidy_window.deleted").exists()


@pytest.mark.django_db
def test_only_coordinators_delete_windows(city_a, open_window_a, sme_member_a):
    with scope(municipality=city_a), pytest.raises(PermissionDenied):
        services.window_delete(window=open_window_a, actor=sme_member_a)
    assert _exists(open_window_a)


@pytest.mark.django_db
def test_delete_page_confirms_then_deletes(client_of, city_a, programme_a, open_window_a, coordinator_a):
    client = client_of(coordinator_a)
    delete = url("programmewindow_delete", city_a, pk=open_window_a.pk)
    page = client.get(delete).content.decode()
    assert "公募回「後期」を削除" in page
    assert "公募回を削除する" in page
    assert _exists(open_window_a)
    response = client.post(delete)
    assert response.status_code == 302
    assert response["Location"] == url("programme_detail", city_a, pk=programme_a.pk)
    assert not _exists(open_window_a)
    assert "公募回「後期」を削除しました。" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_delete_page_says_how_many_applications_use_the_window(
    client_of, city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    with scopes_disabled():
        ApplicationFactory(sme=sme_a, programme=programme_a, window=open_window_a)
        ApplicationFactory(sme=sme_a, programme=programme_a, window=open_window_a)
    client = client_of(coordinator_a)
    detail = client.get(url("programme_detail", city_a, pk=programme_a.pk)).content.decode()
    assert "申請2件" in detail
    delete = url("programmewindow_delete", city_a, pk=open_window_a.pk)
    page = client.get(delete).content.decode()
    expected = "この公募回は削除できません。2件の申請が使っています。日付の修正で対応してください。"
    assert expected in page
    assert "公募回を削除する" not in page
    response = client.post(delete)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert _exists(open_window_a)


@pytest.mark.django_db
def test_new_dates_must_keep_recorded_submissions_inside(
    city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    today = timezone.localdate()
    with scopes_disabled():
        application = ApplicationFactory(sme=sme_a, programme=programme_a, window=open_window_a)
    with scope(municipality=city_a), translation.override("en"):
        services.application_set_status(
            application=application, new_status="submitted", actor=coordinator_a, on=today - D(2)
        )
        with pytest.raises(ValidationError) as error:
            services.window_update(
                window=open_window_a,
                actor=coordinator_a,
                label="後期",
                opens_on=today - D(1),
                closes_on=today + D(30),
            )
        assert error.value.messages == [
            f"1 application was submitted on {(today - D(2)).isoformat()}, outside the new dates; keep "
            "that day inside the window."
        ]
        # Extending the deadline keeps the submission inside: accepted.
        services.window_update(
            window=open_window_a,
            actor=coordinator_a,
            label="後期（延長）",
            opens_on=open_window_a.opens_on,
            closes_on=today + D(30),
        )
    with scopes_disabled():
        open_window_a.refresh_from_db()
    assert (open_window_a.label, open_window_a.closes_on) == ("後期（延長）", today + D(30))


@pytest.fixture
def draft(city_a, sme_a, sme_member_a, programme_a, coordinator_a):
    """A draft whose window closes in 10 days, with the coordinator and one SME member to remind."""
    today = timezone.localdate()
    with scopes_disabled():
        window = ProgrammeWindowFactory(
            programme=programme_a, label="後期", opens_on=today - D(5), closes_on=today + D(10)
        )
        return ApplicationFactory(sme=sme_a, programme=programme_a, window=window, coordinator=coordinator_a)


def _move_deadline(window, actor, closes_on):
    services.window_update(
        window=window, actor=actor, label=window.label, opens_on=window.opens_on, closes_on=closes_on
    )


@pytest.mark.django_db
def test_moved_deadline_is_reminded_again_once(settings, city_a, draft, coordinator_a):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14, 3]
    today = timezone.localdate()
    window = draft.window
    old_deadline = window.closes_on
    with scope(municipality=city_a):
        assert services.deadline_reminders_send(municipality=city_a, today=today) == 2
        # The call is extended by 20 days: nothing is due today, 30 days ahead.
        _move_deadline(window, coordinator_a, today + D(30))
        draft.refresh_from_db()
        assert services.deadline_reminders_send(municipality=city_a, today=today) == 0
        # 14 days before the new deadline the reminder that was sent for the old one does not block it.
        new_deadline = today + D(30)
        assert services.deadline_reminders_send(municipality=city_a, today=new_deadline - D(14)) == 2
        assert services.deadline_reminders_send(municipality=city_a, today=new_deadline - D(14)) == 0
        assert services.deadline_reminders_send(municipality=city_a, today=new_deadline - D(3)) == 2
        assert services.deadline_reminders_send(municipality=city_a, today=new_deadline - D(1)) == 0
        deadlines = sorted(set(SentReminder.objects.values_list("deadline", "lead_days")))
    assert deadlines == [(old_deadline, 14), (new_deadline, 3), (new_deadline, 14)]
    assert len(mail.outbox) == 6
    assert sorted({m.subject for m in mail.outbox}) == [
        "締切まであと10日: 共同研究開発補助金（後期）",
        "締切まであと14日: 共同研究開発補助金（後期）",
        "締切まであと3日: 共同研究開発補助金（後期）",
    ]


@pytest.mark.django_db
def test_deadline_moved_back_is_not_announced_twice(settings, city_a, draft, coordinator_a):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14, 3]
    today = timezone.localdate()
    window = draft.window
    old_deadline = window.closes_on
    with scope(municipality=city_a):
        assert services.deadline_reminders_send(municipality=city_a, today=today) == 2
        _move_deadline(window, coordinator_a, today + D(12))
        draft.refresh_from_db()
        assert services.deadline_reminders_send(municipality=city_a, today=today) == 2
        # The correction is undone: the original deadline was announced at this lead time already.
        _move_deadline(window, coordinator_a, old_deadline)
        draft.refresh_from_db()
        assert services.deadline_reminders_send(municipality=city_a, today=today) == 0
        assert services.deadline_reminders_send(municipality=city_a, today=old_deadline - D(3)) == 2
    assert len(mail.outbox) == 6


@pytest.mark.django_db
def test_deadline_brought_forward_gets_the_tight_reminder(settings, city_a, draft, coordinator_a):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14, 3]
    today = timezone.localdate()
    with scope(municipality=city_a):
        assert services.deadline_reminders_send(municipality=city_a, today=today) == 2
        _move_deadline(draft.window, coordinator_a, today + D(2))
        draft.refresh_from_db()
        assert services.deadline_reminders_send(municipality=city_a, today=today) == 2
        assert services.deadline_reminders_send(municipality=city_a, today=today + D(1)) == 0
    assert [m.subject for m in mail.outbox[-2:]] == ["締切まであと2日: 共同研究開発補助金（後期）"] * 2
