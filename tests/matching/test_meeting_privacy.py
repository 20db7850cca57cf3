"""Privacy by meeting kind: in a closed meeting or a one-on-one an SME does not see the other SMEs; at a
symposium only those that consented are listed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry
from matching.models import MeetingKind, Participant
from tests.factories.matching import MeetingFactory, ParticipantFactory, member_of, staff_of


def _page(meeting):
    return reverse("meeting_detail", kwargs={"municipality": meeting.municipality.slug, "pk": meeting.pk})


def _setup(city, kind, **meeting_kwargs):
    with scopes_disabled():
        meeting = MeetingFactory(municipality=city, kind=kind, **meeting_kwargs)
        mine = ParticipantFactory(meeting=meeting, reply="attending", attended=None)
        rival = ParticipantFactory(meeting=meeting, reply="declined")
        member = member_of(mine.sme, email=f"owner-{kind}@mine.example.jp")
    return meeting, mine, rival, member


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [MeetingKind.CLOSED, MeetingKind.ONE_ON_ONE])
def test_closed_meetings_show_an_sme_the_company_and_city_but_not_the_other_smes(client_of, city_a, kind):
    meeting, mine, rival, member = _setup(city_a, kind)
    with scopes_disabled():
        rival.listed_to_attendees = True  # even a consent does not list SMEs in these meetings
        rival.save()
    client = client_of(member)
    page = client.get(_page(meeting)).content.decode()
    assert str(mine.sme.name_ja) in page
    assert meeting.company.name_ja in page
    assert city_a.name_ja in page
    assert rival.sme.name_ja not in page
    ics = client.get(reverse("meeting_ics", kwargs={"municipality": city_a.slug, "pk": meeting.pk}))
    assert rival.sme.name_ja not in ics.content.decode()


@pytest.mark.django_db
def test_coordinators_and_the_company_see_every_invited_sme(client_of, city_a, coordinator_a):
    meeting, mine, rival, _member = _setup(city_a, MeetingKind.CLOSED)
    with scopes_disabled():
        staff = staff_of(meeting.company, email="ip@company.example.com")
    for user in (coordinator_a, staff):
        page = client_of(user).get(_page(meeting)).content.decode()
        assert mine.sme.name_ja in page
        assert rival.sme.name_ja in page


@pytest.mark.django_db
def test_api_meeting_has_no_participants_for_an_sme(api_client_of, city_a):
    meeting, _mine, rival, member = _setup(city_a, MeetingKind.CLOSED)
    response = api_client_of(member, city_a).get(reverse("api_meeting_detail", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    assert rival.sme.name_ja not in response.content.decode()
    assert "participants" not in response.json()


@pytest.mark.django_db
def test_a_symposium_lists_only_the_smes_that_consented(client_of, city_a):
    meeting, _mine, rival, member = _setup(city_a, MeetingKind.SYMPOSIUM, company=None)
    with scopes_disabled():
        shy = ParticipantFactory(meeting=meeting, reply="attending")
    client = client_of(member)
    page = client.get(_page(meeting)).content.decode()
    assert rival.sme.name_ja not in page
    assert shy.sme.name_ja not in page
    with scopes_disabled():
        rival.listed_to_attendees = True
        rival.save()
    page = client.get(_page(meeting)).content.decode()
    assert rival.sme.name_ja in page
    assert shy.sme.name_ja not in page


@pytest.mark.django_db
def test_an_sme_gives_and_withdraws_its_consent(client_of, city_a):
    meeting, mine, _rival, member = _setup(city_a, MeetingKind.SYMPOSIUM, company=None)
    url = reverse("meeting_listing", kwargs={"municipality": city_a.slug, "pk": meeting.pk})
    client = client_of(member)
    assert "他の中小企業に自社を表示する" in client.get(_page(meeting)).content.decode()
    assert client.post(url, {"listed": "yes"}).status_code == 302
    with scopes_disabled():
        assert Participant.objects.get(pk=mine.pk).listed_to_attendees is True
        assert AuditEntry.objects.filter(action="meeting.listing_consent").count() == 1
    assert client.post(url, {"listed": "no"}).status_code == 302
    with scopes_disabled():
        assert Participant.objects.get(pk=mine.pk).listed_to_attendees is False


@pytest.mark.django_db
def test_consent_is_refused_outside_symposiums(client_of, city_a):
    meeting, mine, _rival, member = _setup(city_a, MeetingKind.CLOSED)
    url = reverse("meeting_listing", kwargs={"municipality": city_a.slug, "pk": meeting.pk})
    response = client_of(member).post(url, {"listed": "yes"}, follow=True)
    assert "シンポジウムでのみ" in response.content.decode()
    with scopes_disabled():
        assert Participant.objects.get(pk=mine.pk).listed_to_attendees is False
        assert not AuditEntry.objects.filter(action="meeting.listing_consent").exists()
