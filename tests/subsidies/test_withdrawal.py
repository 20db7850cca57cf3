"""Withdrawal: a state of the transition table, open to the SME's own members and coordinators while a
draft or submitted, with a reason; a withdrawn application stays on record, gets no reminders and
counts neither as waiting for a decision nor as granted."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from subsidies import services
from subsidies.dashboard import subsidies_panel
from subsidies.models import Application, ApplicationStatus
from tests.factories.subsidies import ApplicationFactory


def url(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


@pytest.fixture
def draft(sme_a, programme_a, open_window_a, coordinator_a):
    with scopes_disabled():
        return ApplicationFactory(
            sme=sme_a,
            programme=programme_a,
            window=open_window_a,
            coordinator=coordinator_a,
            title="試作の共同研究",
            amount_requested_jpy=2_000_000,
        )


def _stored(application):
    with scopes_disabled():
        return Application.objects.get(pk=application.pk)


@pytest.mark.django_db
def test_sme_member_withdraws_its_draft_with_a_reason(city_a, draft, sme_member_a):
    today = timezone.localdate()
    with scope(municipality=city_a):
        services.application_set_status(
            application=draft,
            new_status=ApplicationStatus.WITHDRAWN,
            actor=sme_member_a,
            reason="  別の制度に申請するため  ",
        )
        entry = AuditEntry.objects.get(action="subsidy_application.status_changed")
    stored = _stored(draft)
    assert (stored.status, stored.withdrawn_on, stored.withdrawal_reason) == (
        "withdrawn",
        today,
        "別の制度に申請するため",
    )
    assert entry.changes == {
        "status": {"old": "draft", "new": "withdrawn"},
        "withdrawn_on": {"old": None, "new": today.isoformat()},
        "withdrawal_reason": {"old": "", "new": "別の制度に申請するため"},
    }
    assert entry.actor == sme_member_a


@pytest.mark.django_db
def test_withdrawing_a_submitted_application_keeps_its_submission(city_a, draft, sme_member_a, coordinator_a):
    today = timezone.localdate()
    with scope(municipality=city_a):
        services.application_set_status(
            application=draft, new_status="submitted", actor=sme_member_a, on=today - dt.timedelta(days=2)
        )
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=coordinator_a, reason="交渉が中断"
        )
    stored = _stored(draft)
    assert (stored.status, stored.submitted_on, stored.withdrawn_on, stored.amount_requested_jpy) == (
        "withdrawn",
        today - dt.timedelta(days=2),
        today,
        2_000_000,
    )


@pytest.mark.django_db
def test_another_smes_member_cannot_withdraw(city_a, draft, other_member_a):
    with scope(municipality=city_a), pytest.raises(PermissionDenied):
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=other_member_a, reason="x"
        )
    assert _stored(draft).status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "label"),
    [
        (["granted"], "Granted"),
        (["rejected"], "Rejected"),
        (["granted", "result_reported"], "Result reported"),
    ],
)
def test_decided_applications_cannot_be_withdrawn(city_a, draft, coordinator_a, path, label):
    with scope(municipality=city_a), translation.override("en"):
        services.application_set_status(application=draft, new_status="submitted", actor=coordinator_a)
        for status in path:
            services.application_set_status(
                application=draft, new_status=status, actor=coordinator_a, amount_granted_jpy=1_000_000
            )
        assert "withdrawn" not in services.transitions_for(application=draft, user=coordinator_a)
        with pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=draft, new_status="withdrawn", actor=coordinator_a, reason="x"
            )
    assert error.value.messages == [f"An application cannot move from “{label}” to “Withdrawn”."]


@pytest.mark.django_db
def test_withdrawn_is_final_and_no_longer_editable(city_a, draft, sme_member_a, coordinator_a):
    with scope(municipality=city_a), translation.override("en"):
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=sme_member_a, reason="延期"
        )
        assert services.transitions_for(application=draft, user=coordinator_a) == []
        for status in ("draft", "submitted"):
            with pytest.raises(ValidationError) as error:
                services.application_set_status(application=draft, new_status=status, actor=coordinator_a)
            assert error.value.messages == [
                f"An application cannot move from “Withdrawn” to “{ApplicationStatus(status).label}”."
            ]
        with pytest.raises(ValidationError) as error:
            services.application_update(application=draft, actor=sme_member_a, data={"title": "x"})
    assert error.value.messages == ["Only a draft can be edited; this application is Withdrawn."]


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_withdrawal_needs_a_reason(city_a, draft, sme_member_a, reason):
    with scope(municipality=city_a), translation.override("en"), pytest.raises(ValidationError) as error:
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=sme_member_a, reason=reason
        )
    assert error.value.message_dict == {"reason": ["Say why the application is withdrawn."]}
    assert _stored(draft).status == "draft"


@pytest.mark.django_db
def test_withdrawal_dates_are_checked(city_a, draft, coordinator_a):
    today = timezone.localdate()
    with scope(municipality=city_a), translation.override("en"):
        services.application_set_status(application=draft, new_status="submitted", actor=coordinator_a)
        with pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=draft,
                new_status="withdrawn",
                actor=coordinator_a,
                reason="x",
                on=today - dt.timedelta(days=1),
            )
        assert error.value.message_dict == {
            "on": [
                f"The withdrawal date cannot be before the submission date ({formats.date_format(today, 'DATE_FORMAT')})."
            ]
        }
        with pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=draft,
                new_status="withdrawn",
                actor=coordinator_a,
                reason="x",
                on=today + dt.timedelta(days=1),
            )
        assert error.value.message_dict == {"on": ["The date cannot be in the future."]}
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=coordinator_a, reason="x", on=today
        )
    assert _stored(draft).withdrawn_on == today


@pytest.mark.django_db
def test_withdrawn_drafts_get_no_reminders(settings, city_a, draft, sme_member_a, coordinator_a):
    settings.KAWASAKI_SUBSIDY_REMINDER_DAYS = [14]
    with scope(municipality=city_a):
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=sme_member_a, reason="延期"
        )
        assert services.deadline_reminders_send(municipality=city_a) == 0
    assert mail.outbox == []


def _waiting_for_decision(city, user) -> int:
    """The coordinator dashboard's "waiting for a decision" figure."""
    request = RequestFactory().get("/")
    request.user, request.municipality = user, city
    with scope(municipality=city), translation.override("en"):
        figures = {str(label): value for label, value, _url in subsidies_panel(request)["figures"]}
    return figures["Applications waiting for a decision"]


@pytest.mark.django_db
def test_withdrawn_applications_stay_listed_but_are_not_waiting(
    client_of, city_a, draft, sme_member_a, coordinator_a
):
    with scope(municipality=city_a):
        services.application_set_status(application=draft, new_status="submitted", actor=sme_member_a)
    assert _waiting_for_decision(city_a, coordinator_a) == 1
    with scope(municipality=city_a):
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=sme_member_a, reason="延期"
        )
    assert _waiting_for_decision(city_a, coordinator_a) == 0
    for user in (sme_member_a, coordinator_a):
        client = client_of(user)
        listing = client.get(url("subsidy_application_list", city_a)).content.decode()
        assert "試作の共同研究" in listing
        assert "status--withdrawn" in listing
        filtered = client.get(url("subsidy_application_list", city_a) + "?status=withdrawn").content.decode()
        assert "試作の共同研究" in filtered
        drafts = client.get(url("subsidy_application_list", city_a) + "?status=draft").content.decode()
        assert "試作の共同研究" not in drafts


@pytest.mark.django_db
def test_withdraw_page_refuses_without_reason_and_shows_the_withdrawal(
    client_of, city_a, draft, sme_member_a
):
    client = client_of(sme_member_a)
    detail = client.get(url("subsidy_application_detail", city_a, pk=draft.pk)).content.decode()
    assert "申請を取り下げる" in detail
    withdraw = url("subsidy_application_withdraw", city_a, pk=draft.pk)
    empty = client.post(withdraw, {"withdraw-reason": ""})
    assert empty.status_code == 400
    assert 'id="id_withdraw-reason_error_1">この項目は必須です。</p>' in empty.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    late = client.post(withdraw, {"withdraw-reason": "延期", "withdraw-on": future})
    assert late.status_code == 400
    assert 'id="id_withdraw-on_error_1">未来の日付は指定できません。</p>' in late.content.decode()
    assert _stored(draft).status == "draft"
    done = client.post(withdraw, {"withdraw-reason": "開発計画を見直すため"})
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "取り下げ済み" in page
    assert "開発計画を見直すため" in page
    assert "申請を取り下げる" not in page
    assert _stored(draft).status == "withdrawn"


@pytest.mark.django_db
def test_withdraw_page_of_another_sme_is_404(client_of, city_a, draft, other_member_a):
    response = client_of(other_member_a).post(
        url("subsidy_application_withdraw", city_a, pk=draft.pk), {"withdraw-reason": "x"}
    )
    assert response.status_code == 404
    assert _stored(draft).status == "draft"


@pytest.mark.django_db
def test_api_shows_the_withdrawal(api_client_of, city_a, draft, sme_member_a, coordinator_a):
    with scope(municipality=city_a):
        services.application_set_status(
            application=draft, new_status="withdrawn", actor=sme_member_a, reason="延期"
        )
    body = (
        api_client_of(coordinator_a, city_a)
        .get(reverse("api_subsidy_application_detail", kwargs={"pk": draft.pk}))
        .json()
    )
    assert (body["status"], body["withdrawn_on"], body["withdrawal_reason"]) == (
        "withdrawn",
        timezone.localdate().isoformat(),
        "延期",
    )
