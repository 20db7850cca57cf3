"""The demo data: a deal in every state, launched products from the NASA spinoff stories; idempotent.

Runs the core's accounts and this app's step only (the other apps' demo steps are tested in their own
suites), so the fallback companies and SMEs of matching.demo.demo_companies_and_smes are what it uses."""

import pytest
from django.utils.module_loading import autodiscover_modules
from django_scopes import scopes_disabled

from kawasaki import demo
from negotiations.models import Negotiation, Product, State, Task


@pytest.mark.django_db
def test_seed_demo_has_every_state_and_runs_twice(monkeypatch):
    # Every app's demo module is imported here, in app order, before this test picks its steps: a demo
    # module imported first at collection would put its steps ahead of the apps it builds on.
    autodiscover_modules("demo")
    from negotiations.demo import negotiations_demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [negotiations_demo])
    seed_demo = demo.seed_demo
    seed_demo()
    with scopes_disabled():
        counts = (Negotiation.objects.count(), Product.objects.count(), Task.objects.count())
        assert set(Negotiation.objects.values_list("state", flat=True)) == set(State.values)
        assert sorted(Product.objects.values_list("source_note", flat=True)) == [
            "NASA Spinoff GSFC-SO-124 (public domain)",
            "NASA Spinoff GSFC-SO-29 (public domain)",
            "NASA Spinoff GSFC-SO-46 (public domain)",
        ]
        dropped = Negotiation.objects.filter(state=State.DROPPED)
        assert all(d.drop_reason for d in dropped)
        # Without the meetings demo, no task is put on a meeting.
        assert not Task.objects.filter(meeting__isnull=False).exists()
    seed_demo()
    with scopes_disabled():
        assert (Negotiation.objects.count(), Product.objects.count(), Task.objects.count()) == counts


@pytest.mark.django_db
def test_demo_closed_meeting_gets_its_follow_up_task(monkeypatch):
    # Every app's demo module is imported here, in app order, before this test picks its steps: a demo
    # module imported first at collection would put its steps ahead of the apps it builds on.
    autodiscover_modules("demo")
    from matching.demo import meetings_demo
    from negotiations.demo import negotiations_demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [meetings_demo, negotiations_demo])
    demo.seed_demo()
    with scopes_disabled():
        assert list(Task.objects.filter(meeting__isnull=False).values_list("title", "meeting__title")) == [
            ("説明会の資料を企業から受領", "クローズド技術説明会（デモ）")
        ]
