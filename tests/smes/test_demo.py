"""The smes app's demo: every demo SME of each city has one or two people to call, fictional and
unreachable (（サンプル） names, 555 numbers, example.jp addresses), shown on its page to the coordinator."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kawasaki import demo
from kawasaki.models import User
from smes.models import SME, ContactPerson
from tests.conftest import enrol_totp

PHONE = re.compile(r"^0\d{2}-555-\d{4}$")


@pytest.mark.django_db
def test_every_demo_sme_has_fictional_contacts(seeded):
    for slug in ("kawasaki", "sagamihara"):
        smes = SME.objects.filter(municipality=seeded[slug])
        assert smes.count() >= 8
        for sme in smes:
            people = list(ContactPerson.objects.filter(sme=sme))
            assert 1 <= len(people) <= 2, sme.name_ja
            for person in people:
                assert person.name.endswith("（サンプル）"), person.name
                assert person.role
                assert person.phone or person.email, person.name
                assert not person.phone or PHONE.match(person.phone), person.phone
                assert not person.email or person.email.endswith(".example.jp"), person.email
    # A second run adds nobody.
    before = ContactPerson.objects.count()
    demo.seed_demo()
    assert ContactPerson.objects.count() == before


@pytest.mark.django_db
def test_coordinator_sees_a_demo_smes_contacts_on_its_page(seeded, client_of):
    kawasaki = seeded["kawasaki"]
    sme = SME.objects.get(municipality=kawasaki, name_ja="株式会社臨海プラント工業（サンプル）")
    coordinator = User.objects.get(email="coordinator@kawasaki.example.jp")
    enrol_totp(coordinator)  # the test settings require a second factor of staff; the demo does not
    body = (
        client_of(coordinator)
        .get(reverse("sme_detail", kwargs={"municipality": kawasaki.slug, "pk": sme.pk}))
        .content.decode()
    )
    assert "臨海 大輔（サンプル）" in body
    assert "044-555-0110" in body
    assert "sayaka@rinkai-plant.example.jp" in body


@pytest.mark.django_db
def test_demo_plans_are_dated_along_the_story(seeded):
    import datetime as dt

    from django.utils import timezone

    from smes.models import BusinessPlan, PlanComment, PlanVersion

    now = timezone.now()
    plans = list(BusinessPlan.objects.filter(municipality=seeded["kawasaki"]))
    assert len(plans) >= 6
    starts = sorted(plan.created_at for plan in plans)
    assert now - starts[0] > dt.timedelta(days=180)  # the oldest began months ago, not when the demo ran
    assert len({start.date() for start in starts}) == len(starts)
    for version in PlanVersion.objects.filter(plan__in=plans):
        assert version.plan.created_at < version.submitted_at <= now
        for comment in PlanComment.objects.filter(version=version):
            assert version.submitted_at < comment.created_at <= now
    # Each plan with feedback has its own comments, not one text for all.
    texts = {}
    for comment in PlanComment.objects.filter(version__plan__in=plans, internal=False):
        texts.setdefault(comment.version.plan_id, set()).add(comment.body)
    bodies = [frozenset(t) for t in texts.values()]
    assert len(bodies) >= 3
    assert len(set(bodies)) >= 3
