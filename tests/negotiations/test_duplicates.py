"""A deal opened by hand for an SME that already has an open deal with the company on the same seed is
warned about, naming that deal; the coordinator may go on ("add to that deal anyway")."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry
from negotiations import services
from negotiations.models import Negotiation, State
from tests.factories.negotiations import seed_of
from tests.helpers.db_state import assert_db_unchanged


def _open(deal, actor, seeds, **kwargs):
    return services.negotiation_open(
        municipality=deal.municipality, actor=actor, sme=deal.sme, company=deal.company, seeds=seeds, **kwargs
    )


@pytest.mark.django_db
def test_same_sme_and_seed_in_an_open_deal_is_refused_naming_the_deal(deal_a, coordinator_a):
    with scopes_disabled():
        seed = deal_a.seeds.get()
        with assert_db_unchanged(), pytest.raises(ValidationError) as refused:
            _open(deal_a, coordinator_a, [seed], allow_duplicate=False)
    (error,) = refused.value.error_dict["allow_duplicate"]
    assert error.code == "duplicate"
    assert error.params == {"negotiation": deal_a.pk}
    message = error.message
    assert f"#{deal_a.pk}" in message
    assert seed.number in message
    assert str(deal_a.sme) in message


@pytest.mark.django_db
def test_coordinator_goes_on_after_the_warning_and_it_is_audited(deal_a, coordinator_a):
    with scopes_disabled():
        seed = deal_a.seeds.get()
        other = seed_of(deal_a.company, title="別のシーズ")
        deal, created = _open(deal_a, coordinator_a, [seed, other], allow_duplicate=True)
        assert (deal.pk, created) == (deal_a.pk, False)
        assert set(deal.seeds.all()) == {seed, other}
        entry = AuditEntry.objects.get(action="negotiation.seeds_added")
        assert entry.changes == {"seeds": {"new": [other.number]}, "duplicate": {"new": True}}


@pytest.mark.django_db
def test_a_new_seed_or_a_closed_deal_is_no_duplicate(deal_a, coordinator_a):
    with scopes_disabled():
        other = seed_of(deal_a.company, title="別のシーズ")
        deal, created = _open(deal_a, coordinator_a, [other], allow_duplicate=False)
        assert (deal.pk, created) == (deal_a.pk, False)
        Negotiation.objects.filter(pk=deal_a.pk).update(state=State.DROPPED)
        deal, _created = _open(deal_a, coordinator_a, [deal_a.seeds.first()], allow_duplicate=False)
        assert deal.pk == deal_a.pk


@pytest.mark.django_db
def test_new_deal_page_warns_with_a_link_then_adds_when_ticked(client_of, deal_a, coordinator_a):
    client = client_of(coordinator_a)
    url = reverse("negotiation_create", kwargs={"municipality": deal_a.municipality.slug})
    with scopes_disabled():
        seed = deal_a.seeds.get()
    data = {"sme": deal_a.sme.pk, "company": deal_a.company.pk, "seeds": [seed.pk], "note": ""}
    with assert_db_unchanged():
        response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"#{deal_a.pk}" in page
    assert reverse("negotiation_detail", kwargs={"municipality": "city-a", "pk": deal_a.pk}) in page
    response = client.post(url, {**data, "allow_duplicate": "on"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{deal_a.pk}/")
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="negotiation.seeds_added").count() == 1
