"""The coordinator's .ics feed: RFC 5545 structure line by line, unguessable and revocable address."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from subsidies import ics, services
from subsidies.models import CalendarFeed
from tests.conftest import make_member
from tests.factories.subsidies import ProgrammeFactory, ProgrammeWindowFactory
from tests.helpers.db_state import assert_db_unchanged


def test_escape_and_fold():
    assert ics.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    # 3 octets a character: 8 + 22 * 3 = 74 on the first line, then a space and 24 characters.
    folded = ics.fold("SUMMARY:" + "締" * 80)
    lines = folded.split("\r\n")
    assert [len(line.encode()) for line in lines] == [74, 73, 73, 31]
    assert all(line.startswith(" ") for line in lines[1:])
    assert "".join(line[1:] if i else line for i, line in enumerate(lines)) == "SUMMARY:" + "締" * 80


@pytest.mark.django_db
def test_feed_lists_window_events(client, city_a, coordinator_a):
    today = timezone.localdate()
    with scopes_disabled():
        programme = ProgrammeFactory(
            municipality=city_a, name="共同研究, 開発; 補助金", official_url="https://example.jp/"
        )
        window = ProgrammeWindowFactory(
            programme=programme,
            label="後期",
            opens_on=today - dt.timedelta(days=3),
            closes_on=today + dt.timedelta(days=7),
        )
        ProgrammeWindowFactory(
            programme=programme,
            label="昔",
            opens_on=today - dt.timedelta(days=400),
            closes_on=today - dt.timedelta(days=300),
        )
    with scope(municipality=city_a):
        _feed, token = services.calendar_feed_issue(municipality=city_a, user=coordinator_a)
    assert len(token) >= 43
    response = client.get(reverse("api_subsidy_calendar_ics", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "")
    physical = body.split("\r\n")[:-1]
    assert max(len(line.encode()) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)  # the long DESCRIPTION was folded
    lines = body.replace("\r\n ", "").split("\r\n")[:-1]
    stamp = next(line for line in lines if line.startswith("DTSTAMP:"))
    assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", stamp)
    opens, closes = window.opens_on, window.closes_on
    description = (
        f"DESCRIPTION:受付期間 {opens.isoformat()} ～ {closes.isoformat()}\\n経済労働局\\nhttps://example.jp/"
    )
    url = f"URL:http://testserver/m/city-a/subsidies/programmes/{programme.pk}/"
    assert lines == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kawasaki IP Matching//Subsidies//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:補助金の締切: A市",
        "BEGIN:VEVENT",
        f"UID:subsidy-window-{window.pk}-opens@kawasaki-ip",
        stamp,
        f"DTSTART;VALUE=DATE:{opens:%Y%m%d}",
        f"DTEND;VALUE=DATE:{opens + dt.timedelta(days=1):%Y%m%d}",
        "SUMMARY:受付開始: 共同研究\\, 開発\\; 補助金（後期）",
        description,
        url,
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "BEGIN:VEVENT",
        f"UID:subsidy-window-{window.pk}-deadline@kawasaki-ip",
        stamp,
        f"DTSTART;VALUE=DATE:{closes:%Y%m%d}",
        f"DTEND;VALUE=DATE:{closes + dt.timedelta(days=1):%Y%m%d}",
        "SUMMARY:締切: 共同研究\\, 開発\\; 補助金（後期）",
        description,
        url,
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    with scopes_disabled():
        assert CalendarFeed.objects.get(user=coordinator_a).last_used_at is not None


@pytest.mark.django_db
def test_feed_address_is_revocable_and_dies_with_the_role(client, city_a, coordinator_a):
    with scope(municipality=city_a):
        first, old_token = services.calendar_feed_issue(municipality=city_a, user=coordinator_a)
        _second, token = services.calendar_feed_issue(municipality=city_a, user=coordinator_a)
    url = reverse("api_subsidy_calendar_ics", kwargs={"token": token})
    assert client.get(reverse("api_subsidy_calendar_ics", kwargs={"token": old_token})).status_code == 404
    assert client.get(url).status_code == 200
    with scopes_disabled():
        coordinator_a.memberships.update(role=Role.SME_MEMBER)
    coordinator_a.refresh_from_db()
    assert client.get(url).status_code == 404
    with scopes_disabled():
        coordinator_a.memberships.update(role=Role.COORDINATOR)
        assert client.get(url).status_code == 200
        with scope(municipality=city_a):
            services.calendar_feed_revoke(
                feed=CalendarFeed.objects.get(revoked_at__isnull=True), actor=coordinator_a
            )
    assert client.get(url).status_code == 404
    assert first.token_hash != token


@pytest.mark.django_db
def test_feed_page_shows_the_address_once(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    page = reverse("subsidy_calendar_feed", kwargs={"municipality": city_a.slug})
    response = client.post(page, {"action": "issue"})
    assert response.status_code == 200
    url = re.search(r'data-testid="feed-url">([^<]+)<', response.content.decode()).group(1)
    assert url.startswith("http://testserver/api/v1/subsidy-calendar/")
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    assert url not in client.get(page).content.decode()
    assert client.post(page, {"action": "revoke"}).status_code == 302
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    sme_user = make_member(city_a, Role.SME_MEMBER)
    with assert_db_unchanged():
        assert client_of(sme_user).post(page, {"action": "issue"}).status_code == 403
