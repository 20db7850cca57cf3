"""Changing and cancelling a meeting: the services, the pages, the e-mails to the SMEs that will attend
(each person in their language), and the .ics that tells calendars to update or remove the event."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry, Role
from matching import services
from matching.ics import meeting_ics
from matching.models import Meeting, MeetingKind, MeetingStatus, Participant, Reply
from tests.conftest import make_member
from tests.factories.matching import member_of, seed_of, staff_of
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company, make_sme
from tests.matching.test_ics import unfold

BASE = "/m/city-a/negotiations"
JST = dt.timezone(dt.timedelta(hours=9))


def _future(days=10, hour=14):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=JST)


def _ics_values(text: str) -> dict[str, str]:
    lines = unfold(text)
    return dict(line.split(":", 1) for line in lines if not line.startswith(("BEGIN", "END")))


@pytest.fixture
def closed_meeting(city_a, coordinator_a):
    """A closed meeting with three invited SMEs: one attending (two members, ja and en), one that
    declined, one that has not answered."""
    start = _future()
    with scopes_disabled():
        company = make_company(city_a, "変更テスト工業株式会社")
        attending = make_sme(city_a, "出席製作所")
        declined = make_sme(city_a, "欠席製作所")
        silent = make_sme(city_a, "未回答製作所")
        member_of(attending, email="ja@attending.example.jp")
        member_of(attending, email="en@attending.example.jp", preferred_language="en")
        member_of(declined, email="owner@declined.example.jp")
        member_of(silent, email="owner@silent.example.jp")
    with scope(municipality=city_a):
        meeting = services.meeting_create(
            municipality=city_a,
            actor=coordinator_a,
            kind=MeetingKind.CLOSED,
            title="クローズド説明会",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            venue="会議室A",
            company=company,
            seeds=[seed_of(company, "小型モータの制振構造")],
            smes=[attending, declined, silent],
        )
        for sme, reply in ((attending, Reply.ATTENDING), (declined, Reply.DECLINED)):
            services.participant_reply(
                participant=meeting.participants.get(sme=sme), actor=coordinator_a, reply=reply
            )
    return meeting


# --- cancel ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_marks_the_meeting_and_mails_attending_smes_in_their_language(
    closed_meeting, coordinator_a, django_capture_on_commit_callbacks
):
    with scope(municipality=closed_meeting.municipality):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_cancel(
                meeting=closed_meeting, actor=coordinator_a, reason="講師の急病のため"
            )
        assert (meeting.status, meeting.cancel_reason, meeting.sequence) == (
            MeetingStatus.CANCELLED,
            "講師の急病のため",
            1,
        )
        assert meeting.cancelled_at is not None
        audit = AuditEntry.objects.get(action="meeting.cancelled", object_id=str(meeting.pk))
        assert audit.actor == coordinator_a
        assert audit.changes == {
            "status": {"old": "planned", "new": "cancelled"},
            "cancel_reason": {"new": "講師の急病のため"},
            "sequence": {"old": 0, "new": 1},
        }
    # Only the attending SME's members, one e-mail each, in their own language.
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["en@attending.example.jp", "ja@attending.example.jp"]
    japanese, english = by_address["ja@attending.example.jp"], by_address["en@attending.example.jp"]
    assert japanese.subject == "中止: クローズド説明会"
    assert english.subject == "Cancelled: クローズド説明会"
    assert "「クローズド説明会」は中止になりました。" in japanese.body
    assert "理由: 講師の急病のため" in japanese.body
    assert "“クローズド説明会” has been cancelled." in english.body
    assert "Reason: 講師の急病のため" in english.body
    name, content, mimetype = english.attachments[0]
    assert (name, mimetype) == (f"meeting-{meeting.pk}.ics", "text/calendar")
    values = _ics_values(content)
    assert (values["STATUS"], values["SEQUENCE"]) == ("CANCELLED", "1")
    assert values["UID"] == f"meeting-{meeting.pk}@127.0.0.1"
    assert values["DESCRIPTION"].startswith("Closed meeting\\nCancelled: 講師の急病のため")
    assert _ics_values(japanese.attachments[0][1])["DESCRIPTION"].startswith(
        "クローズド説明会\\n中止: 講師の急病のため"
    )


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_happens_once(closed_meeting, coordinator_a):
    with scope(municipality=closed_meeting.municipality):
        with pytest.raises(ValidationError) as error:
            services.meeting_cancel(meeting=closed_meeting, actor=coordinator_a, reason="   ")
        assert error.value.message_dict == {"reason": ["中止の理由を書いてください。"]}
        services.meeting_cancel(meeting=closed_meeting, actor=coordinator_a, reason="延期")
        with pytest.raises(ValidationError) as error:
            services.meeting_cancel(meeting=closed_meeting, actor=coordinator_a, reason="再度")
        assert error.value.messages == ["この面談はすでに中止されています。"]
        closed_meeting.refresh_from_db()
        assert (closed_meeting.cancel_reason, closed_meeting.sequence) == ("延期", 1)
        assert AuditEntry.objects.filter(action="meeting.cancelled").count() == 1


@pytest.mark.django_db
def test_a_meeting_is_marked_held_only_on_or_after_its_date(closed_meeting, coordinator_a):
    with scope(municipality=closed_meeting.municipality):
        starts_on = timezone.localtime(closed_meeting.starts_at).date()
        with pytest.raises(ValidationError) as error:
            services.meeting_hold(
                meeting=closed_meeting, actor=coordinator_a, minutes="実施", attended_sme_ids=[]
            )
        today = timezone.localdate()
        assert error.value.messages == [
            f"面談日は {starts_on.year}年{starts_on.month}月{starts_on.day}日 です。実施済みにできるのはその日以降です"
            f"（本日は {today.year}年{today.month}月{today.day}日）。"
        ]
        closed_meeting.refresh_from_db()
        assert (closed_meeting.status, closed_meeting.minutes) != ("held", "実施")
        assert not AuditEntry.objects.filter(action="meeting.held").exists()
        # On its day (earlier that day) it can.
        _make_past(closed_meeting)
        services.meeting_hold(
            meeting=closed_meeting, actor=coordinator_a, minutes="実施", attended_sme_ids=[]
        )
        closed_meeting.refresh_from_db()
        assert closed_meeting.status == "held"


def _make_past(meeting):
    meeting.starts_at = timezone.now() - dt.timedelta(minutes=90)
    meeting.ends_at = timezone.now() - dt.timedelta(minutes=30)
    meeting.save(update_fields=["starts_at", "ends_at"])


@pytest.mark.django_db
def test_a_held_meeting_cannot_be_cancelled_or_changed(closed_meeting, coordinator_a):
    with scope(municipality=closed_meeting.municipality):
        _make_past(closed_meeting)
        services.meeting_hold(
            meeting=closed_meeting, actor=coordinator_a, minutes="実施", attended_sme_ids=[]
        )
        with pytest.raises(ValidationError) as error:
            services.meeting_cancel(meeting=closed_meeting, actor=coordinator_a, reason="x")
        assert error.value.messages == ["実施済みの面談は中止できません。"]
        with pytest.raises(ValidationError) as error:
            services.meeting_update(
                meeting=closed_meeting,
                actor=coordinator_a,
                title="x",
                starts_at=closed_meeting.starts_at,
                ends_at=closed_meeting.ends_at,
                venue="y",
            )
        assert error.value.messages == ["この面談はすでに実施済みです。"]


@pytest.mark.django_db
def test_a_cancelled_meeting_takes_no_invitations_replies_attendance_or_requests(
    closed_meeting, coordinator_a
):
    with scope(municipality=closed_meeting.municipality):
        company = make_company(closed_meeting.municipality, "交流会登壇株式会社")
        symposium = services.meeting_create(
            municipality=closed_meeting.municipality,
            actor=coordinator_a,
            kind=MeetingKind.SYMPOSIUM,
            title="知財交流会",
            starts_at=_future(5),
            ends_at=_future(5, 17),
            online_url="https://meet.example.jp/x",
            presenting_companies=[company],
        )
        sme = make_sme(closed_meeting.municipality, "登録製作所")
        services.meeting_register(meeting=symposium, actor=coordinator_a, sme=sme)
        for meeting in (closed_meeting, symposium):
            services.meeting_cancel(meeting=meeting, actor=coordinator_a, reason="中止")
        participant = closed_meeting.participants.get(reply=Reply.PENDING)
        refusals = {
            "invite": lambda: services.meeting_invite(meeting=closed_meeting, actor=coordinator_a),
            "reply": lambda: services.participant_reply(
                participant=participant, actor=coordinator_a, reply=Reply.ATTENDING
            ),
            "hold": lambda: services.meeting_hold(
                meeting=closed_meeting, actor=coordinator_a, minutes="x", attended_sme_ids=[]
            ),
            "register": lambda: services.meeting_register(
                meeting=symposium, actor=coordinator_a, sme=make_sme(symposium.municipality, "新規")
            ),
            "unregister": lambda: services.meeting_unregister(
                meeting=symposium, actor=coordinator_a, sme=sme
            ),
            "request": lambda: services.one_on_one_request(
                symposium=symposium, actor=coordinator_a, sme=sme, company=company
            ),
        }
        messages = {}
        for name, call in refusals.items():
            with pytest.raises(ValidationError) as error:
                call()
            messages[name] = error.value.messages
        assert messages == {
            "invite": ["この面談は中止されました。"],
            "reply": ["この面談は中止されました。"],
            "hold": ["中止した面談は実施済みにできません。"],
            "register": ["この交流会は中止されました。"],
            "unregister": ["この交流会は中止されました。"],
            "request": ["この交流会は中止されました。"],
        }
        participant.refresh_from_db()
        assert (participant.reply, participant.invited_at) == (Reply.PENDING, None)
        assert Participant.objects.filter(meeting=symposium).count() == 1


# --- change ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_date_raises_the_sequence_and_mails_attending_smes(
    closed_meeting, coordinator_a, django_capture_on_commit_callbacks
):
    new_start = _future(12, 10)
    with scope(municipality=closed_meeting.municipality):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_update(
                meeting=closed_meeting,
                actor=coordinator_a,
                title=closed_meeting.title,
                starts_at=new_start,
                ends_at=new_start + dt.timedelta(hours=2),
                venue="会議室A",
                seeds=closed_meeting.seeds.all(),
            )
        assert (meeting.sequence, meeting.starts_at) == (1, new_start)
        audit = AuditEntry.objects.get(action="meeting.updated")
        assert set(audit.changes) == {"starts_at", "ends_at", "sequence"}
        assert audit.changes["sequence"] == {"old": 0, "new": 1}
    assert sorted(m.to[0] for m in mail.outbox) == ["en@attending.example.jp", "ja@attending.example.jp"]
    japanese = next(m for m in mail.outbox if m.to == ["ja@attending.example.jp"])
    english = next(m for m in mail.outbox if m.to == ["en@attending.example.jp"])
    assert japanese.subject == "変更: クローズド説明会"
    assert english.subject == "Changed: クローズド説明会"
    # Dates in the reader's format, times in the municipality's time zone (kawasaki.mail).
    old, new = timezone.localtime(_future()), timezone.localtime(new_start)
    with translation.override("en"):
        old_en, new_en = (formats.date_format(d, "DATE_FORMAT") for d in (old, new))
    with translation.override("ja"):
        old_ja, new_ja = (formats.date_format(d, "DATE_FORMAT") for d in (old, new))
    assert (
        f"When: {new_en} 10 a.m.–noon\nPreviously: {old_en} 2 p.m.–4 p.m.\nWhere: 会議室A \n" in english.body
    )
    assert f"日時: {new_ja} 10:00–12:00\n変更前: {old_ja} 14:00–16:00\n場所: 会議室A \n" in japanese.body
    values = _ics_values(english.attachments[0][1])
    assert (values["SEQUENCE"], values["STATUS"]) == ("1", "CONFIRMED")
    assert values["DTSTART"] == new_start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.django_db
def test_title_and_agenda_changes_raise_the_sequence_without_mail(
    closed_meeting, coordinator_a, django_capture_on_commit_callbacks
):
    same = {
        "starts_at": closed_meeting.starts_at,
        "ends_at": closed_meeting.ends_at,
        "venue": closed_meeting.venue,
    }
    with scope(municipality=closed_meeting.municipality):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_update(
                meeting=closed_meeting,
                actor=coordinator_a,
                title="クローズド説明会（第2回）",
                agenda="1. 技術紹介\n2. 質疑",
                **same,
            )
        assert (meeting.title, meeting.agenda, meeting.sequence) == (
            "クローズド説明会（第2回）",
            "1. 技術紹介\n2. 質疑",
            1,
        )
        # The seeds were not passed: they stay.
        assert [s.title for s in meeting.seeds.all()] == ["小型モータの制振構造"]
        assert "1. 技術紹介\\n2. 質疑" in _ics_values(meeting_ics(meeting))["DESCRIPTION"]
        # Saving the same values again writes nothing.
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_update(
                meeting=meeting,
                actor=coordinator_a,
                title="クローズド説明会（第2回）",
                agenda="1. 技術紹介\n2. 質疑",
                **same,
            )
        meeting.refresh_from_db()
        assert meeting.sequence == 1
        assert AuditEntry.objects.filter(action="meeting.updated").count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_change_validation(closed_meeting, coordinator_a):
    with scope(municipality=closed_meeting.municipality):
        other = make_company(closed_meeting.municipality, "他社株式会社")
        start = closed_meeting.starts_at
        with pytest.raises(ValidationError) as error:
            services.meeting_update(
                meeting=closed_meeting,
                actor=coordinator_a,
                title="x",
                starts_at=start,
                ends_at=start - dt.timedelta(hours=1),
                capacity=10,
                seeds=[seed_of(other)],
            )
        assert error.value.message_dict == {
            "ends_at": ["終了日時は開始日時より後にしてください。"],
            "venue": ["会場またはオンライン会議のURLを入力してください。"],
            "capacity": ["定員を設定できるのは参加登録を受け付ける交流会だけです。"],
            "seeds": ["シーズはすべて面談の企業のものである必要があります。"],
        }
        closed_meeting.refresh_from_db()
        assert (closed_meeting.title, closed_meeting.sequence) == ("クローズド説明会", 0)


@pytest.mark.django_db
def test_symposium_capacity_cannot_drop_below_registrations(city_a, coordinator_a):
    with scope(municipality=city_a):
        company = make_company(city_a, "登壇株式会社")
        symposium = services.meeting_create(
            municipality=city_a,
            actor=coordinator_a,
            kind=MeetingKind.SYMPOSIUM,
            title="知財交流会",
            starts_at=_future(5),
            ends_at=_future(5, 17),
            venue="産業振興会館",
            presenting_companies=[company],
            capacity=5,
        )
        for name in ("一号製作所", "二号製作所", "三号製作所"):
            services.meeting_register(meeting=symposium, actor=coordinator_a, sme=make_sme(city_a, name))
        base = {"title": "知財交流会", "starts_at": symposium.starts_at, "ends_at": symposium.ends_at}
        with pytest.raises(ValidationError) as error:
            services.meeting_update(
                meeting=symposium, actor=coordinator_a, venue="産業振興会館", capacity=2, **base
            )
        assert error.value.message_dict == {
            "capacity": ["すでに3社が登録しているため、定員をそれより少なくはできません。"]
        }
        with pytest.raises(ValidationError) as error:
            services.meeting_update(
                meeting=symposium, actor=coordinator_a, venue="x", presenting_companies=[], **base
            )
        assert set(error.value.message_dict) == {"presenting_companies"}
        meeting = services.meeting_update(
            meeting=symposium, actor=coordinator_a, venue="産業振興会館", capacity=3, **base
        )
        assert meeting.capacity == 3


# --- pages -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_changes_and_cancels_through_the_pages(
    client_of, closed_meeting, coordinator_a, django_capture_on_commit_callbacks
):
    client = client_of(coordinator_a)
    url = f"{BASE}/meetings/{closed_meeting.pk}/"
    form = client.get(url + "edit/")
    assert form.status_code == 200
    assert form.context["form"]["title"].value() == "クローズド説明会"
    assert "presenting_companies" not in form.context["form"].fields  # a closed meeting has one company
    local = timezone.localtime(closed_meeting.starts_at)
    with scopes_disabled():
        seed_ids = [s.pk for s in closed_meeting.seeds.all()]
    data = {
        "title": "クローズド説明会",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local.strftime("%Y-%m-%dT") + "11:00",
        "venue": "",
        "online_url": "",
        "agenda": "",
        "seeds": seed_ids,
    }
    with assert_db_unchanged():
        bad = client.post(url + "edit/", data)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "終了日時は開始日時より後にしてください。" in body
    assert "会場またはオンライン会議のURLを入力してください。" in body
    data.update(ends_at=local.strftime("%Y-%m-%dT") + "18:00", online_url="https://meet.example.jp/abc")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "edit/", data).status_code == 302
    with scopes_disabled():
        changed = Meeting.objects.get(pk=closed_meeting.pk)
    assert (changed.online_url, changed.sequence) == ("https://meet.example.jp/abc", 1)
    assert len(mail.outbox) == 2  # the new place and end time go to the attending SME's two members

    page = client.get(url + "cancel/")
    assert page.status_code == 200
    assert [p.sme.name_ja for p in page.context["attending"]] == ["出席製作所"]
    with assert_db_unchanged():
        missing = client.post(url + "cancel/", {"reason": ""})
    assert missing.status_code == 400
    assert "中止の理由を書いてください。" in missing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "cancel/", {"reason": "会場の都合"}).status_code == 302
    detail = client.get(url).content.decode()
    assert "この面談は中止されました" in detail
    assert "会場の都合" in detail
    assert f"{BASE}/meetings/{closed_meeting.pk}/invite/" not in detail
    assert f"{BASE}/meetings/{closed_meeting.pk}/hold/" not in detail
    assert f"{BASE}/meetings/{closed_meeting.pk}/edit/" not in detail
    listing = client.get(f"{BASE}/meetings/").content.decode()
    assert 'class="state state--dropped">中止' in listing
    # A cancelled meeting's edit page sends the coordinator back with the reason.
    again = client.get(url + "edit/", follow=True)
    assert [str(m) for m in again.context["messages"]] == ["変更できるのは予定中の面談だけです。"]
    invite = client.post(url + "invite/", follow=True)
    assert [str(m) for m in invite.context["messages"]] == ["この面談は中止されました。"]
    ics = client.get(url + "meeting.ics").content.decode()
    assert (_ics_values(ics)["STATUS"], _ics_values(ics)["SEQUENCE"]) == ("CANCELLED", "2")


@pytest.mark.django_db
def test_only_coordinators_of_the_municipality_change_or_cancel(
    client_of, closed_meeting, city_b, coordinator_b
):
    with scopes_disabled():
        company_staff = staff_of(closed_meeting.company, email="ip@closed.example.com")
        sme = Participant.objects.filter(meeting=closed_meeting).first().sme
        invited = member_of(sme, email="second@attending.example.jp")
    url = f"{BASE}/meetings/{closed_meeting.pk}/"
    b_admin = make_member(city_b, Role.MUNICIPALITY_ADMIN)
    with assert_db_unchanged():
        for user in (company_staff, invited):
            client = client_of(user)
            assert client.get(url).status_code == 200  # a party sees the meeting ...
            assert client.get(url + "edit/").status_code == 403  # ... but may not change it
            assert client.post(url + "edit/", {"title": "x"}).status_code == 403
            assert client.post(url + "cancel/", {"reason": "x"}).status_code == 403
        # Another municipality's coordinator: not theirs, whatever the URL.
        other = client_of(coordinator_b)
        assert other.post(url + "cancel/", {"reason": "x"}).status_code == 404
        b_edit = f"/m/city-b/negotiations/meetings/{closed_meeting.pk}/edit/"
        assert client_of(b_admin).get(b_edit).status_code == 404
        assert client_of(b_admin).post(b_edit, {"title": "x"}).status_code == 404
    with scopes_disabled():
        assert Meeting.objects.get(pk=closed_meeting.pk).status == MeetingStatus.PLANNED
