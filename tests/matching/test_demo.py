"""The meetings demo: one meeting of each kind and state the pages show; idempotent.

Runs the core's accounts and the meetings step only, so the fallback companies and SMEs of
matching.demo.demo_companies_and_smes are what it uses."""

import pytest
from django.utils.module_loading import autodiscover_modules
from django_scopes import scopes_disabled

from kawasaki import demo
from matching.models import Meeting, OneOnOneRequest, Participant


@pytest.mark.django_db
def test_meetings_demo_has_each_kind_and_runs_twice(monkeypatch):
    # Every app's demo module is imported here, in app order, before this test picks its steps: a demo
    # module imported first at collection would put its steps ahead of the apps it builds on.
    autodiscover_modules("demo")
    from matching.demo import meetings_demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [meetings_demo])
    demo.seed_demo()
    with scopes_disabled():
        rows = sorted(Meeting.objects.values_list("title", "kind", "status"))
        assert rows == [
            ("クローズド技術説明会（デモ）", "closed", "planned"),
            ("クローズド説明会 延期分（デモ）", "closed", "cancelled"),
            ("個別面談（デモ）", "one_on_one", "planned"),
            ("知的財産交流会 秋（デモ）", "symposium", "planned"),
            ("知的財産交流会（デモ）", "symposium", "held"),
        ]
        upcoming = Meeting.objects.get(title="知的財産交流会 秋（デモ）")
        assert upcoming.participants.filter(reply="attending").count() == 2
        assert OneOnOneRequest.objects.count() == 1
        counts = (Meeting.objects.count(), Participant.objects.count(), OneOnOneRequest.objects.count())
    demo.seed_demo()
    with scopes_disabled():
        assert (
            Meeting.objects.count(),
            Participant.objects.count(),
            OneOnOneRequest.objects.count(),
        ) == counts


@pytest.mark.django_db
def test_demo_has_a_proposal_to_schedule(monkeypatch, client_of):
    """The coordinator's proposals page is not empty in the demo: one one-on-one from the first SME's
    shortlisted seed waits to be scheduled, with its schedule link."""
    from django.apps import apps
    from django.urls import reverse

    from kawasaki.models import Municipality, User
    from matching.models import MeetingProposal
    from tests.conftest import enrol_totp

    autodiscover_modules("demo")
    order = [config.name for config in apps.get_app_configs()]
    steps = sorted(demo.DEMO_STEPS, key=lambda step: order.index(step.__module__.split(".")[0]))
    monkeypatch.setattr(demo, "DEMO_STEPS", steps)
    demo.seed_demo()
    with scopes_disabled():
        kawasaki = Municipality.objects.get(slug="kawasaki")
        proposal = MeetingProposal.objects.get(municipality=kawasaki)
        assert proposal.kind == "one_on_one"
        assert proposal.smes.count() == 1
        assert proposal.patents.count() == 1
        coordinator = User.objects.get(email="coordinator@kawasaki.example.jp")
        enrol_totp(coordinator)
    demo.seed_demo()
    with scopes_disabled():
        assert MeetingProposal.objects.filter(municipality=kawasaki).count() == 1
    page = client_of(coordinator).get(reverse("meetingproposal_list", kwargs={"municipality": "kawasaki"}))
    body = page.content.decode()
    assert proposal.company.name_ja in body
    schedule = reverse("proposal_schedule", kwargs={"municipality": "kawasaki", "pk": proposal.pk})
    assert f'href="{schedule}"' in body
