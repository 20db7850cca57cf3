"""Meeting pages: who sees which meeting and may reply, the list's counts, paging and empty state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import Role
from matching.models import Meeting, MeetingKind, Participant
from tests.conftest import make_member
from tests.factories.matching import MeetingFactory, ParticipantFactory, member_of, staff_of
from tests.helpers.db_state import assert_db_unchanged

BASE = "/m/city-a/negotiations"


def _main(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.django_db
def test_meeting_visibility_and_reply(client_of, city_a, coordinator_a):
    with scopes_disabled():
        participant = ParticipantFactory(meeting=MeetingFactory(municipality=city_a))
        meeting = participant.meeting
        invited = member_of(participant.sme)
        outsider = make_member(city_a, Role.SME_MEMBER)
        company = staff_of(meeting.company)
    url = f"{BASE}/meetings/{meeting.pk}/"
    assert client_of(invited).get(url).status_code == 200
    assert client_of(company).get(url).status_code == 200
    with assert_db_unchanged():
        assert client_of(outsider).get(url).status_code == 404
        assert client_of(outsider).post(url + "reply/", {"reply": "attending"}).status_code == 404
    assert client_of(invited).post(url + "reply/", {"reply": "declined"}).status_code == 302
    with scopes_disabled():
        assert Participant.objects.get().reply == "declined"
    listing = client_of(invited).get(f"{BASE}/meetings/")
    assert [m.pk for m in listing.context["meetings"]] == [meeting.pk]


@pytest.mark.django_db
def test_empty_meeting_list_offers_planning_or_symposiums(client_of, city_a, coordinator_a):
    html = _main(client_of(coordinator_a).get(f"{BASE}/meetings/"))
    assert 'data-testid="empty-meetings"' in html
    assert f'href="{BASE}/meetings/new/"' in html
    html = _main(client_of(make_member(city_a, Role.SME_MEMBER)).get(f"{BASE}/meetings/"))
    assert f'href="{BASE}/symposiums/"' in html
    assert f'href="{BASE}/meetings/new/"' not in html
    html = _main(client_of(make_member(city_a, Role.COMPANY_STAFF)).get(f"{BASE}/meetings/"))
    assert 'data-testid="empty-meetings"' in html
    assert f'href="{BASE}/symposiums/"' not in html


@pytest.mark.django_db
def test_meeting_list_counts_every_sme_also_for_an_invited_sme(client_of, city_a, coordinator_a):
    """The SME count is every participant, even when the list is filtered to the SME's own meetings."""
    with scopes_disabled():
        meeting = MeetingFactory(municipality=city_a, kind=MeetingKind.CLOSED)
        participants = ParticipantFactory.create_batch(3, meeting=meeting)
        MeetingFactory(municipality=city_a)  # no participants
        invited = member_of(participants[0].sme)
    for user in (coordinator_a, invited):
        response = client_of(user).get(f"{BASE}/meetings/")
        counts = {m.pk: m.sme_count for m in response.context["meetings"]}
        assert counts[meeting.pk] == 3
    with scopes_disabled():
        assert Participant.objects.filter(meeting=meeting).count() == 3


@pytest.mark.django_db
def test_meeting_list_pages_by_fifty(client_of, city_a, coordinator_a):
    start = timezone.now()
    with scopes_disabled():
        for i in range(55):
            MeetingFactory(municipality=city_a, starts_at=start + dt.timedelta(days=i))
    client = client_of(coordinator_a)
    first = client.get(f"{BASE}/meetings/")
    assert len(first.context["meetings"]) == 50
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(f"{BASE}/meetings/", {"page": 2})
    with scopes_disabled():
        oldest = Meeting.objects.order_by("starts_at").first()
    assert [m.pk for m in second.context["meetings"]][-1] == oldest.pk
