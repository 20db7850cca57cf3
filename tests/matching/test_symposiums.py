"""SME self-registration for symposiums: the SME member's page, registering and withdrawing the company,
capacity, closed registrations, who may do it, and another municipality's symposium."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry, Role
from matching import services
from matching.models import Meeting, MeetingKind, Participant, Reply
from tests.conftest import make_member
from tests.factories.matching import member_of, seed_of, staff_of
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company, make_sme

BASE = "/m/city-a/negotiations"


def _symposium(municipality, coordinator, *, title="知財交流会2026", days=7, capacity=None):
    start = timezone.now() + dt.timedelta(days=days)
    with scope(municipality=municipality):
        company = make_company(municipality, f"{title} 登壇株式会社")
        return services.meeting_create(
            municipality=municipality,
            actor=coordinator,
            kind=MeetingKind.SYMPOSIUM,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            venue="川崎市産業振興会館",
            online_url="https://meet.example.jp/symposium",
            presenting_companies=[company],
            seeds=[seed_of(company, "軽量断熱パネル")],
            agenda="13:00 開会\n13:10 技術紹介",
            capacity=capacity,
        )


@pytest.fixture
def sme_a(city_a):
    return make_sme(city_a, "川崎精密製作所")


@pytest.fixture
def owner_a(sme_a):
    with scopes_disabled():
        return member_of(sme_a, email="owner@kawasaki-seimitsu.example.jp")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_sme_member_registers_and_withdraws_the_company(client_of, city_a, coordinator_a, sme_a, owner_a):
    symposium = _symposium(city_a, coordinator_a, capacity=20)
    client = client_of(owner_a)
    # The menu leads to the page; it lists the upcoming symposium with what an SME needs to decide.
    dashboard = client.get("/m/city-a/").content.decode()
    assert f'href="{BASE}/symposiums/"' in dashboard
    page = client.get(f"{BASE}/symposiums/")
    assert page.status_code == 200
    assert [s.pk for s in page.context["symposiums"]] == [symposium.pk]
    body = page.content.decode()
    for text in (
        "知財交流会2026",
        "川崎市産業振興会館",
        "軽量断熱パネル",
        "13:10 技術紹介",
        "残り20席（定員20）",
    ):
        assert text in body
    assert f"{BASE}/symposiums/{symposium.pk}/register/" in body
    # Not registered yet: the symposium's own page is not theirs to open.
    assert client.get(f"{BASE}/meetings/{symposium.pk}/").status_code == 404

    registered = client.post(f"{BASE}/symposiums/{symposium.pk}/register/", follow=True)
    assert registered.redirect_chain == [(f"{BASE}/symposiums/", 302)]
    assert _messages(registered) == ["川崎精密製作所 を「知財交流会2026」に登録しました。"]
    body = registered.content.decode()
    assert "登録済みです。" in body
    assert "残り19席（定員20）" in body
    assert f"{BASE}/symposiums/{symposium.pk}/unregister/" in body
    with scopes_disabled():
        participant = Participant.objects.get(meeting=symposium)
        assert (participant.sme, participant.reply) == (sme_a, Reply.ATTENDING)
        audit = AuditEntry.objects.get(action="meeting.registered")
        assert (audit.actor, audit.changes) == (owner_a, {"reply": {"old": None, "new": "attending"}})
    # Registered: the symposium's page opens, where the SME can ask for one-on-ones.
    detail = client.get(f"{BASE}/meetings/{symposium.pk}/")
    assert detail.status_code == 200
    assert "request_form" in detail.context
    # Registering twice changes nothing.
    twice = client.post(f"{BASE}/symposiums/{symposium.pk}/register/", follow=True)
    assert _messages(twice) == ["川崎精密製作所 を「知財交流会2026」に登録しました。"]
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="meeting.registered").count() == 1

    withdrawn = client.post(f"{BASE}/symposiums/{symposium.pk}/unregister/", follow=True)
    assert _messages(withdrawn) == ["川崎精密製作所 の「知財交流会2026」への登録を取り消しました。"]
    assert "残り20席（定員20）" in withdrawn.content.decode()
    with scopes_disabled():
        participant.refresh_from_db()
        assert participant.reply == Reply.DECLINED
        assert AuditEntry.objects.get(action="meeting.unregistered").actor == owner_a
    again = client.post(f"{BASE}/symposiums/{symposium.pk}/unregister/", follow=True)
    assert _messages(again) == ["この中小企業はこの交流会に登録していません。"]
    # Withdrawn, the company may register again.
    client.post(f"{BASE}/symposiums/{symposium.pk}/register/")
    with scopes_disabled():
        participant.refresh_from_db()
        assert participant.reply == Reply.ATTENDING


@pytest.mark.django_db
def test_capacity_is_enforced_with_a_clear_message(client_of, city_a, coordinator_a, sme_a, owner_a):
    symposium = _symposium(city_a, coordinator_a, capacity=1)
    with scopes_disabled():
        late = member_of(make_sme(city_a, "後発工業"), email="owner@kouhatsu.example.jp")
    assert client_of(owner_a).post(f"{BASE}/symposiums/{symposium.pk}/register/").status_code == 302
    client = client_of(late)
    page = client.get(f"{BASE}/symposiums/").content.decode()
    assert "満席です。" in page
    assert f"{BASE}/symposiums/{symposium.pk}/register/" not in page
    refused = client.post(f"{BASE}/symposiums/{symposium.pk}/register/", follow=True)
    assert _messages(refused) == ["この交流会は満席です（定員1社）。"]
    with scopes_disabled():
        assert list(Participant.objects.values_list("sme__name_ja", flat=True)) == ["川崎精密製作所"]
    # A place freed by a withdrawal can be taken.
    client_of(owner_a).post(f"{BASE}/symposiums/{symposium.pk}/unregister/")
    assert client.post(f"{BASE}/symposiums/{symposium.pk}/register/").status_code == 302
    with scopes_disabled():
        attending = Participant.objects.filter(reply=Reply.ATTENDING)
        assert list(attending.values_list("sme__name_ja", flat=True)) == ["後発工業"]
    # An invited SME answering "attending" also needs a free place.
    with scope(municipality=city_a):
        invited = Participant.objects.create(
            municipality=city_a, meeting=symposium, sme=make_sme(city_a, "招待")
        )
        with pytest.raises(ValidationError) as error:
            services.participant_reply(participant=invited, actor=coordinator_a, reply=Reply.ATTENDING)
        assert error.value.messages == ["この交流会は満席です（定員1社）。"]


@pytest.mark.django_db
def test_only_upcoming_planned_symposiums_take_registrations(client_of, city_a, coordinator_a, owner_a):
    upcoming = _symposium(city_a, coordinator_a, title="今後の交流会")
    cancelled = _symposium(city_a, coordinator_a, title="中止の交流会")
    started = _symposium(city_a, coordinator_a, title="開始済みの交流会")
    with scope(municipality=city_a):
        services.meeting_cancel(meeting=cancelled, actor=coordinator_a, reason="会場の都合")
        closed = services.meeting_create(
            municipality=city_a,
            actor=coordinator_a,
            kind=MeetingKind.CLOSED,
            title="クローズド",
            starts_at=upcoming.starts_at,
            ends_at=upcoming.ends_at,
            venue="会議室",
            company=make_company(city_a, "単独株式会社"),
        )
    with scopes_disabled():
        Meeting.objects.filter(pk=started.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    client = client_of(owner_a)
    assert [s.title for s in client.get(f"{BASE}/symposiums/").context["symposiums"]] == ["今後の交流会"]
    with assert_db_unchanged():
        answers = {
            symposium.title: _messages(
                client.post(f"{BASE}/symposiums/{symposium.pk}/register/", follow=True)
            )
            for symposium in (cancelled, started)
        }
        # A closed meeting is not a symposium: nothing to register for.
        assert client.post(f"{BASE}/symposiums/{closed.pk}/register/").status_code == 404
    assert answers == {
        "中止の交流会": ["この交流会は中止されました。"],
        "開始済みの交流会": ["この交流会は開始済みのため、参加登録を締め切りました。"],
    }
    with scopes_disabled():
        assert not Participant.objects.filter(meeting__in=[cancelled, started, closed]).exists()


@pytest.mark.django_db
def test_who_may_register(client_of, city_a, city_b, coordinator_a, coordinator_b, owner_a):
    symposium = _symposium(city_a, coordinator_a)
    with scopes_disabled():
        company_staff = staff_of(symposium.presenting_companies.get(), email="ip@presenter.example.com")
        unlinked = make_member(city_a, Role.SME_MEMBER, email="nolink@example.jp")
        b_owner = member_of(make_sme(city_b, "B市の製作所"), email="owner@b.example.jp")
    register = f"{BASE}/symposiums/{symposium.pk}/register/"
    b_symposium = _symposium(city_b, coordinator_b, title="B市交流会")
    b_register = f"/m/city-b/negotiations/symposiums/{b_symposium.pk}/register/"
    with assert_db_unchanged():
        # Coordinators and company staff: not their page (coordinators register nobody here).
        for user in (coordinator_a, company_staff):
            assert client_of(user).get(f"{BASE}/symposiums/").status_code == 403
            assert client_of(user).post(register).status_code == 403
        # An SME member of another municipality: neither the page nor the symposium exist for them.
        assert client_of(b_owner).get(f"{BASE}/symposiums/").status_code == 404
        assert client_of(b_owner).post(register).status_code == 404
        assert client_of(b_owner).get("/m/city-b/negotiations/symposiums/").status_code == 200
        # Another municipality's symposium through one's own municipality's URL: 404, whatever the role.
        for user in (owner_a, coordinator_a):
            assert client_of(user).post(f"{BASE}/symposiums/{b_symposium.pk}/register/").status_code == 404
        assert client_of(owner_a).post(b_register).status_code == 404
        # A member whose account has no company: told so, nothing registered.
        page = client_of(unlinked).get(f"{BASE}/symposiums/")
        assert (
            "アカウントが企業に紐付いていません。コーディネーターにお問い合わせください。"
            in page.content.decode()
        )
        assert register not in page.content.decode()
        refused = client_of(unlinked).post(register, follow=True)
        assert _messages(refused) == [
            "アカウントが企業に紐付いていません。コーディネーターにお問い合わせください。"
        ]
        assert client_of(owner_a).get(register).status_code == 405
    with scopes_disabled():
        assert not Participant.objects.exists()
