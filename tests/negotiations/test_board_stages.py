"""The board grouped into stages that fit a laptop screen; cards carry seed, age and next task."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from negotiations.models import Negotiation, State
from tests.factories.negotiations import NegotiationFactory, TaskFactory

BASE = "/m/city-a/negotiations"


@pytest.mark.django_db
def test_board_groups_the_states_into_four_stages_with_dropped_folded(client_of, deal_a, coordinator_a):
    with scopes_disabled():
        dropped = NegotiationFactory(municipality=deal_a.municipality, state=State.DROPPED)
    response = client_of(coordinator_a).get(f"{BASE}/")
    stages = response.context["stages"]
    assert [(s["key"], s["open"], s["count"]) for s in stages] == [
        ("matching", True, 1),
        ("negotiating", True, 0),
        ("building", True, 0),
        ("closed", False, 1),
    ]
    assert [state for s in stages for state, _l, _c in s["columns"]] == State.values
    body = response.content.decode()
    closed_tag = body.split('data-testid="stage-closed"')[1].split(">")[0]
    matching_tag = body.split('data-testid="stage-matching"')[1].split(">")[0]
    assert ("open" in matching_tag, "open" in closed_tag) == (True, False)
    # A folded stage's cards are not read: counted, with a link that opens the stage.
    assert [d.pk for _s, _l, cards in stages[3]["columns"] for d in cards] == []
    assert 'href="?stage=closed"' in body.split('data-testid="stage-closed"')[1]
    assert "1 件の案件を表示" in body
    assert f'id="deal-{dropped.pk}"' not in body
    unfolded = client_of(coordinator_a).get(f"{BASE}/", {"stage": "closed"})
    assert unfolded.context["stages"][3]["open"] is True
    assert unfolded.context["stages"][3]["count"] == 1
    assert f'id="deal-{dropped.pk}"' in unfolded.content.decode()


@pytest.mark.django_db
def test_card_shows_seed_days_in_state_and_the_next_open_task(client_of, deal_a, coordinator_a):
    with scopes_disabled():
        Negotiation.objects.filter(pk=deal_a.pk).update(
            state_changed_at=timezone.now() - dt.timedelta(days=9)
        )
        today = timezone.localdate()
        TaskFactory(negotiation=deal_a, title="done", due_on=today, done_at=timezone.now())
        TaskFactory(negotiation=deal_a, title="later", due_on=today + dt.timedelta(days=5))
        TaskFactory(negotiation=deal_a, title="契約書案を送る", due_on=today + dt.timedelta(days=1))
        seed = deal_a.seeds.get()
    body = client_of(coordinator_a).get(f"{BASE}/").content.decode()
    card = body.split(f'id="deal-{deal_a.pk}"')[1].split("</li>")[0]
    assert seed.title[:20] in card
    assert "9" in card.split(f'data-testid="card-age-{deal_a.pk}">')[1][:30]
    assert "契約書案を送る" in card.split(f'data-testid="card-task-{deal_a.pk}"')[1][:200]
    assert "later" not in card
