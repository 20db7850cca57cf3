"""Accounts: invitations, login, MFA enrolment and enforcement, rate limits, logout, sessions."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry, Invitation, Membership, Role, User
from tests.conftest import enrol_totp, make_member, totp_now
from tests.factories import InvitationFactory
from tests.factories.core import PASSWORD
from tests.helpers.db_state import assert_db_unchanged


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters and used TOTP codes live in the shared cache.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- invitations -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_invites_and_invitee_sets_password_and_joins(
    client_of, city_a, admin_a, django_capture_on_commit_callbacks
):
    admin = client_of(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("invitation_list", kwargs={"municipality": "city-a"}),
            {"email": "New.Person@Example.jp", "role": Role.SME_MEMBER},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.jp"]
    assert "A市" in message.subject
    link = re.search(r"http://\S+/invitations/(\S+)/", message.body)
    assert link is not None
    token = link.group(1)

    invitee = Client()
    page = invitee.get(reverse("invitation_accept", kwargs={"token": token}))
    assert page.status_code == 200
    mismatch = invitee.post(
        reverse("invitation_accept", kwargs={"token": token}),
        {"password1": "a-long-enough-pass-1", "password2": "a-long-enough-pass-2"},
    )
    assert mismatch.status_code == 400
    assert not User.objects.filter(email="new.person@example.jp").exists()

    joined = invitee.post(
        reverse("invitation_accept", kwargs={"token": token}),
        {"password1": "a-long-enough-pass-1", "password2": "a-long-enough-pass-1"},
    )
    assert joined.status_code == 302
    assert joined["Location"] == reverse("dashboard", kwargs={"municipality": "city-a"})
    user = User.objects.get(email="new.person@example.jp")
    assert user.check_password("a-long-enough-pass-1")
    assert Membership.objects.get(user=user).role == Role.SME_MEMBER
    assert invitee.get(joined["Location"]).status_code == 200
    with scopes_disabled():
        actions = list(AuditEntry.objects.filter(municipality=city_a).values_list("action", flat=True))
    assert actions == ["invitation.accepted", "invitation.created"]
    # A used link cannot be used again.
    with assert_db_unchanged():
        again = Client().post(
            reverse("invitation_accept", kwargs={"token": token}),
            {"password1": "another-long-pass-9", "password2": "another-long-pass-9"},
        )
    assert again.status_code == 410
    assert User.objects.get(email="new.person@example.jp").check_password("a-long-enough-pass-1")


@pytest.mark.django_db
def test_weak_password_is_refused_with_a_message(city_a):
    with scopes_disabled():
        invitation = InvitationFactory(municipality=city_a, role=Role.SME_MEMBER)
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    response = client.post(
        reverse("invitation_accept", kwargs={"token": invitation.raw_token}),
        {"password1": "short", "password2": "short"},
    )
    assert response.status_code == 400
    assert "このパスワードは短すぎます" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.django_db
def test_expired_invitation_cannot_be_used(city_a):
    with scopes_disabled():
        invitation = InvitationFactory(
            municipality=city_a, expires_at=timezone.now() - timezone.timedelta(minutes=1)
        )
    client = Client()
    url = reverse("invitation_accept", kwargs={"token": invitation.raw_token})
    assert client.get(url).status_code == 410
    response = client.post(url, {"password1": "a-long-enough-pass-1", "password2": "a-long-enough-pass-1"})
    assert response.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.django_db
def test_inviting_an_existing_member_is_refused(client_of, city_a, admin_a, coordinator_a):
    response = client_of(admin_a).post(
        reverse("invitation_list", kwargs={"municipality": "city-a"}),
        {"email": coordinator_a.email, "role": Role.COORDINATOR},
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode() or "既にこの自治体" in response.content.decode()
    with scopes_disabled():
        assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_signed_in_user_accepts_invitation_to_second_municipality(client_of, city_a, city_b, coordinator_a):
    with scopes_disabled():
        invitation = InvitationFactory(municipality=city_b, email=coordinator_a.email, role=Role.COORDINATOR)
    client = client_of(coordinator_a)
    response = client.post(reverse("invitation_accept", kwargs={"token": invitation.raw_token}))
    assert response.status_code == 302
    slugs = sorted(Membership.objects.filter(user=coordinator_a).values_list("municipality__slug", flat=True))
    assert slugs == ["city-a", "city-b"]
    # Switching: both dashboards open, and the switcher lists both.
    page = client.get(reverse("dashboard", kwargs={"municipality": "city-b"}))
    assert page.status_code == 200
    assert page.context["current_municipality"] == city_b
    assert [m.municipality.slug for m in page.context["user_memberships"]] == ["city-a", "city-b"]


@pytest.mark.django_db
def test_invitation_for_another_address_is_refused(client_of, city_b, coordinator_a):
    with scopes_disabled():
        invitation = InvitationFactory(municipality=city_b, email="someone-else@example.jp")
    response = client_of(coordinator_a).post(
        reverse("invitation_accept", kwargs={"token": invitation.raw_token})
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=coordinator_a, municipality=city_b).exists()


# --- login, MFA ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_with_email_and_wrong_password(city_a):
    make_member(city_a, Role.SME_MEMBER, email="sme@example.jp")
    client = Client()
    bad = login(client, "sme@example.jp", "wrong-password")
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session
    good = login(client, "SME@example.jp")
    assert good.status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("dashboard", kwargs={"municipality": "city-a"})).status_code == 200


# A real commit: allauth announces the new authenticator on commit, inside the request.
@pytest.mark.django_db(transaction=True)
def test_coordinator_without_totp_must_enrol_then_gets_in(city_a):
    user = make_member(city_a, Role.COORDINATOR, email="new-coord@example.jp", with_mfa=False)
    client = Client()
    assert login(client, user.email).status_code == 302
    dashboard = reverse("dashboard", kwargs={"municipality": "city-a"})
    blocked = client.get(dashboard)
    assert blocked.status_code == 302
    assert blocked["Location"] == reverse("mfa_required")
    assert client.get(reverse("mfa_required")).status_code == 200

    # allauth asks for the password again before a security change, even right after login.
    reauth = client.get(reverse("mfa_activate_totp"))
    assert reauth.status_code == 302
    assert reauth["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    wrong = client.post(
        reverse("mfa_activate_totp"), {"code": "000000" if totp_now(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
    # Enrolment (a valid code typed) counts as this session's second factor.
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert done.status_code == 302
    types = sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == [Authenticator.Type.RECOVERY_CODES, Authenticator.Type.TOTP]
    assert client.get(dashboard).status_code == 200


@pytest.mark.django_db
def test_sme_member_is_not_forced_to_enrol(client_of, city_a):
    user = make_member(city_a, Role.SME_MEMBER)
    assert client_of(user).get(reverse("dashboard", kwargs={"municipality": "city-a"})).status_code == 200


@pytest.mark.django_db
def test_login_with_totp_asks_for_the_code(city_a):
    user = make_member(city_a, Role.COORDINATOR, email="mfa-coord@example.jp", with_mfa=False)
    secret = enrol_totp(user)
    client = Client()
    response = login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345x"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    ok = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    assert ok.status_code == 302
    assert client.get(reverse("dashboard", kwargs={"municipality": "city-a"})).status_code == 200


@pytest.mark.django_db
def test_totp_accepts_the_neighbouring_step_once_but_not_older_codes(city_a):
    user = make_member(city_a, Role.COORDINATOR, email="drift-coord@example.jp", with_mfa=False)
    secret = enrol_totp(user)
    step = int(time.time()) // 30
    stale = format_hotp_value(hotp_value(secret, step - 3))
    previous = format_hotp_value(hotp_value(secret, step - 1))

    client = Client()
    login(client, user.email)
    assert client.post(reverse("mfa_authenticate"), {"code": stale}).status_code == 200
    assert "_auth_user_id" not in client.session
    # A code typed just as the step turned (or from a phone a little behind) still works ...
    assert client.post(reverse("mfa_authenticate"), {"code": previous}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # ... but only once.
    other = Client()
    login(other, user.email)
    assert other.post(reverse("mfa_authenticate"), {"code": previous}).status_code == 200
    assert "_auth_user_id" not in other.session


@pytest.mark.django_db
def test_login_with_a_recovery_code(city_a):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = make_member(city_a, Role.COORDINATOR, email="rc-coord@example.jp", with_mfa=False)
    enrol_totp(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    assert len(codes) == 10
    client = Client()
    login(client, user.email)
    ok = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # The same code works only once.
    other = Client()
    login(other, user.email)
    reused = other.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert reused.status_code == 200
    assert "_auth_user_id" not in other.session


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(settings, city_a):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,3/5m/key", "login": "100/m/ip"}
    make_member(city_a, Role.SME_MEMBER, email="target@example.jp")
    client = Client()
    for _ in range(3):
        assert "_auth_user_id" not in (login(client, "target@example.jp", "bad-password"), client.session)[1]
    blocked = login(client, "target@example.jp")  # even the right password is refused now
    assert "_auth_user_id" not in client.session
    assert blocked.status_code in (200, 429)
    body = blocked.content.decode()
    assert "Too many failed login attempts" in body or "ログイン失敗が連続しています" in body


@pytest.mark.django_db
def test_logout_really_ends_the_session(city_a):
    make_member(city_a, Role.SME_MEMBER, email="leaver@example.jp")
    client = Client()
    login(client, "leaver@example.jp")
    session_key = client.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = session_key
    dashboard = reverse("dashboard", kwargs={"municipality": "city-a"})
    assert stolen.get(dashboard).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    # The old cookie, replayed, no longer opens anything.
    assert stolen.get(dashboard).status_code == 302


@pytest.mark.django_db
def test_session_expires_and_ends_with_browser(settings, city_a):
    make_member(city_a, Role.SME_MEMBER, email="timed@example.jp")
    client = Client()
    login(client, "timed@example.jp")
    assert client.session.get_expire_at_browser_close() is True
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = timezone.now() - timezone.timedelta(seconds=1)
    session.save()
    response = client.get(reverse("dashboard", kwargs={"municipality": "city-a"}))
    assert response.status_code == 302


@pytest.mark.django_db
def test_signup_is_closed():
    response = Client().post(
        reverse("account_signup"),
        {"email": "x@example.jp", "password1": "a-long-pass-123", "password2": "a-long-pass-123"},
    )
    assert not User.objects.filter(email="x@example.jp").exists()
    assert response.status_code == 200
