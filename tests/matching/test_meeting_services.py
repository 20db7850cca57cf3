"""Meeting services: symposium requests become one-on-ones, the meeting rules, invitations with the .ics
(to the SMEs and, once, to the company's IP staff), replies."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from matching import services
from matching.models import MeetingKind
from tests.factories.matching import member_of, seed_of
from tests.factories.patents import company_staff
from tests.matching.conftest import make_company, make_sme


def _start(days=1):
    start = timezone.now() + dt.timedelta(days=days)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=1)}


@pytest.mark.django_db
def test_symposium_requests_become_one_on_ones(city_a, coordinator_a):
    with scope(municipality=city_a):
        company = make_company(city_a)
        seed = seed_of(company)
        sme = make_sme(city_a, "参加企業")
        symposium = services.meeting_create(
            municipality=city_a,
            actor=coordinator_a,
            kind=MeetingKind.SYMPOSIUM,
            title="知財交流会",
            online_url="https://meet.example.jp/x",
            presenting_companies=[company],
            seeds=[seed],
            **_start(),
        )
        services.meeting_register(meeting=symposium, actor=coordinator_a, sme=sme)
        request = services.one_on_one_request(
            symposium=symposium, actor=coordinator_a, sme=sme, company=company, seeds=[seed]
        )
        meeting = services.one_on_one_schedule(
            request=request, actor=coordinator_a, venue="会議室", **_start(8)
        )
        request.refresh_from_db()
        assert (request.status, request.meeting) == ("scheduled", meeting)
        assert (meeting.kind, meeting.company, [p.sme for p in meeting.participants.all()]) == (
            MeetingKind.ONE_ON_ONE,
            company,
            [sme],
        )
        with pytest.raises(ValidationError):
            services.one_on_one_schedule(request=request, actor=coordinator_a, venue="x", **_start(9))


@pytest.mark.django_db
def test_meeting_validation(city_a, coordinator_a):
    with scope(municipality=city_a):
        company = make_company(city_a)
        other = make_company(city_a, "他社")
        start = timezone.now()
        with pytest.raises(ValidationError) as error:
            services.meeting_create(
                municipality=city_a,
                actor=coordinator_a,
                kind=MeetingKind.ONE_ON_ONE,
                title="x",
                starts_at=start,
                ends_at=start,
                company=company,
                seeds=[seed_of(other)],
                smes=[],
            )
        assert set(error.value.message_dict) == {"ends_at", "venue", "smes", "seeds"}


@pytest.mark.django_db
def test_invitations_go_to_the_sme_members_once_with_ics(
    city_a, coordinator_a, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        sme = make_sme(city_a, "招待先")
        member_of(sme, email="owner@invitee.example.jp")
    with scope(municipality=city_a):
        meeting = services.meeting_create(
            municipality=city_a,
            actor=coordinator_a,
            kind=MeetingKind.CLOSED,
            title="クローズド説明会",
            venue="会議室",
            company=make_company(city_a),
            smes=[sme],
            **_start(),
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert services.meeting_invite(meeting=meeting, actor=coordinator_a) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.meeting_invite(meeting=meeting, actor=coordinator_a) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@invitee.example.jp"]
    assert message.subject == "ご案内: クローズド説明会"
    assert message.attachments[0][0] == "meeting.ics"
    assert message.attachments[0][2] == "text/calendar"
    with scope(municipality=city_a):
        participant = meeting.participants.get()
        services.participant_reply(participant=participant, actor=coordinator_a, reply="attending")
        participant.refresh_from_db()
        assert participant.reply == "attending"


@pytest.mark.django_db
def test_company_staff_hear_once_that_the_smes_were_invited(
    city_a, coordinator_a, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        company = make_company(city_a, "説明会の企業")
        company_staff(company, email="ip@presenter.example.jp")
        company_staff(company, email="licensing@presenter.example.jp", preferred_language="en")
        company_staff(make_company(city_a, "関係ない企業"), email="ip@bystander.example.jp")
        first, later = make_sme(city_a, "最初の招待先"), make_sme(city_a, "後から追加")
        member_of(first, email="owner@first.example.jp")
        member_of(later, email="owner@later.example.jp")
    with scope(municipality=city_a):
        meeting = services.meeting_create(
            municipality=city_a,
            actor=coordinator_a,
            kind=MeetingKind.CLOSED,
            title="技術説明会",
            venue="会議室",
            company=company,
            smes=[first],
            **_start(),
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_invite(meeting=meeting, actor=coordinator_a)
        meeting.participants.create(municipality=city_a, sme=later)
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_invite(meeting=meeting, actor=coordinator_a)
    sent = [(m.to, m.subject) for m in mail.outbox]
    assert sent == [
        (["owner@first.example.jp"], "ご案内: 技術説明会"),
        (["ip@presenter.example.jp"], "貴社が発表する会合: 技術説明会"),
        (["licensing@presenter.example.jp"], "Your company presents at: 技術説明会"),
        (["owner@later.example.jp"], "ご案内: 技術説明会"),
    ]
    # Each person reads the notice in their own language only.
    notice, english = mail.outbox[1], mail.outbox[2]
    assert "1社の中小企業を招待しました" in notice.body
    assert "SME has been invited" not in notice.body
    assert "1 SME has been invited" in english.body
    assert "招待しました" not in english.body
    assert notice.attachments[0][0] == "meeting.ics"
