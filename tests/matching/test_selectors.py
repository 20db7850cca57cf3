"""What each role sees through the matching selectors: a coordinator the whole municipality, company IP
staff the meetings their company holds or presents at, an SME member those its SME is invited to, and a
member of another municipality nothing here."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from matching import selectors
from matching.models import MeetingKind, ProposalStatus, Reply
from tests.factories.matching import (
    MeetingFactory,
    MeetingProposalFactory,
    OneOnOneRequestFactory,
    ParticipantFactory,
    ScreeningCandidateFactory,
    ScreeningRunFactory,
    member_of,
    staff_of,
)
from tests.factories.patents import LargeCompanyFactory
from tests.factories.smes import SMEFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(city_a, city_b):
    """In city A: a one-on-one (company X, SME S), a closed meeting (company Y, SMEs S and T), a symposium
    (Y presents, T registered), a cancelled symposium; in city B a meeting of its own."""
    with scopes_disabled():
        x, y = (LargeCompanyFactory(municipality=city_a, name_ja=n) for n in ("X電機", "Y工業"))
        s, t = (SMEFactory(municipality=city_a, name_ja=n) for n in ("S製作所", "T精工"))
        start = timezone.now() + dt.timedelta(days=5)
        one = MeetingFactory(municipality=city_a, title="one", company=x, starts_at=start)
        closed = MeetingFactory(
            municipality=city_a, title="closed", kind=MeetingKind.CLOSED, company=y, starts_at=start
        )
        symposium = MeetingFactory(
            municipality=city_a,
            title="symposium",
            kind=MeetingKind.SYMPOSIUM,
            company=None,
            capacity=10,
            starts_at=start + dt.timedelta(days=1),
        )
        symposium.presenting_companies.add(y)
        cancelled = MeetingFactory(
            municipality=city_a,
            title="cancelled",
            kind=MeetingKind.SYMPOSIUM,
            company=None,
            status="cancelled",
            starts_at=start + dt.timedelta(days=2),
        )
        cancelled.presenting_companies.add(x)
        ParticipantFactory(meeting=one, sme=s)
        ParticipantFactory(meeting=closed, sme=s, reply=Reply.DECLINED)
        ParticipantFactory(meeting=closed, sme=t)
        ParticipantFactory(meeting=symposium, sme=t, reply=Reply.ATTENDING)
        MeetingFactory(municipality=city_b, title="b")
        return {
            "x_staff": staff_of(x, email="ip@x.example.com"),
            "y_staff": staff_of(y, email="ip@y.example.com"),
            "s_member": member_of(s, email="owner@s.example.jp"),
            "t_member": member_of(t, email="owner@t.example.jp"),
            "s": s,
            "t": t,
            "symposium": symposium,
        }


def _titles(qs):
    return sorted(m.title for m in qs)


def test_meetings_visible_to_each_role(city_a, coordinator_a, coordinator_b, meetings):
    with scope(municipality=city_a):
        seen = {
            name: _titles(selectors.meetings_visible_to(user=user, municipality=city_a))
            for name, user in [
                ("coordinator", coordinator_a),
                ("x_staff", meetings["x_staff"]),
                ("y_staff", meetings["y_staff"]),
                ("s_member", meetings["s_member"]),
                ("t_member", meetings["t_member"]),
                ("other_city", coordinator_b),
            ]
        }
    assert seen == {
        "coordinator": ["cancelled", "closed", "one", "symposium"],
        "x_staff": ["cancelled", "one"],
        "y_staff": ["closed", "symposium"],
        "s_member": ["closed", "one"],
        "t_member": ["closed", "symposium"],
        "other_city": [],
    }


def test_meeting_list_counts_every_participant(city_a, coordinator_a, meetings):
    with scope(municipality=city_a):
        counts = {
            m.title: m.sme_count for m in selectors.meeting_list(user=coordinator_a, municipality=city_a)
        }
        own = {
            m.title: m.sme_count
            for m in selectors.meeting_list(user=meetings["s_member"], municipality=city_a)
        }
    assert counts == {"one": 1, "closed": 2, "symposium": 1, "cancelled": 0}
    assert own == {"one": 1, "closed": 2}


def test_symposiums_open_for_registration_and_an_smes_places(city_a, meetings):
    with scope(municipality=city_a):
        open_now = [
            (m.title, m.registered) for m in selectors.symposiums_open_for_registration(municipality=city_a)
        ]
        places_t = selectors.registrations_of(sme_id=meetings["t"].pk, municipality=city_a)
        places_s = selectors.registrations_of(sme_id=meetings["s"].pk, municipality=city_a)
        none = selectors.registrations_of(sme_id=None, municipality=city_a)
    assert open_now == [("symposium", 1)]  # the cancelled one takes no registrations
    assert places_t == {meetings["symposium"].pk: Reply.ATTENDING}
    assert places_s == {}
    assert none == {}


def test_open_requests_and_proposals_stay_in_their_municipality(city_a, city_b, meetings):
    with scopes_disabled():
        symposium = meetings["symposium"]
        OneOnOneRequestFactory(symposium=symposium, sme=meetings["t"])
        OneOnOneRequestFactory(symposium=symposium, sme=meetings["s"], status="scheduled")
        MeetingProposalFactory(municipality=city_a, note="a")
        MeetingProposalFactory(municipality=city_a, note="done", status=ProposalStatus.SCHEDULED)
        MeetingProposalFactory(municipality=city_b, note="b")
    with scope(municipality=city_a):
        requests = [(r.sme.name_ja, r.company.name_ja) for r in selectors.open_requests(municipality=city_a)]
        proposals = sorted(p.note for p in selectors.proposals_of(municipality=city_a))
    assert requests == [("T精工", "Y工業")]
    assert proposals == ["a", "done"]


def test_shared_candidates_only_for_the_companys_own_seeds(city_a):
    with scopes_disabled():
        shared = ScreeningRunFactory(municipality=city_a, shared_with_company=True)
        private = ScreeningRunFactory(municipality=city_a)
        mine = ScreeningCandidateFactory(run=shared, rank=1)
        company = mine.patent.company
        ScreeningCandidateFactory(run=shared, rank=2)  # another company's seed
        ScreeningCandidateFactory(run=private, rank=1, patent=mine.patent)  # not shared
    with scope(municipality=city_a):
        seen = [
            (c.run_id, c.rank) for c in selectors.candidates_shared_with(municipality=city_a, company=company)
        ]
        runs = sorted(r.pk for r in selectors.runs_of(municipality=city_a))
    assert seen == [(shared.pk, 1)]
    assert runs == sorted([shared.pk, private.pk])
