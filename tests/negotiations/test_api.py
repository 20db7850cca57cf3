"""The API lists the same deals, meetings and products the pages show, per role."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from negotiations.models import Product, State
from tests.factories.negotiations import NegotiationFactory
from tests.helpers.db_state import assert_db_unchanged


@pytest.mark.django_db
def test_api_lists_follow_party_visibility(
    api_client_of, deal_a, parties_a, coordinator_a, city_b, coordinator_b
):
    with scopes_disabled():
        deal_a.state = State.LAUNCHED
        deal_a.save()
        product = Product.objects.create(
            municipality=deal_a.municipality,
            negotiation=deal_a,
            name="防振マウント",
            launch_date=dt.date(2026, 5, 1),
        )
        NegotiationFactory(municipality=city_b)
    coordinator = api_client_of(coordinator_a, deal_a.municipality)
    assert len(coordinator.get("/api/v1/negotiations/").json()["results"]) == 2
    sme = api_client_of(parties_a["sme"], deal_a.municipality)
    body = sme.get("/api/v1/negotiations/").json()
    assert [(d["id"], d["state"]) for d in body["results"]] == [(deal_a.pk, "launched")]
    assert [p["name"] for p in sme.get("/api/v1/products/").json()["results"]] == ["防振マウント"]
    assert sme.get(f"/api/v1/products/{product.pk}/").json()["name"] == "防振マウント"
    other = api_client_of(parties_a["other_sme"], deal_a.municipality)
    other_ids = [d["id"] for d in other.get("/api/v1/negotiations/").json()["results"]]
    assert len(other_ids) == 1  # only the other SME's own deal
    assert deal_a.pk not in other_ids
    assert other.get(f"/api/v1/negotiations/{deal_a.pk}/").status_code == 404
    assert other.get(f"/api/v1/products/{product.pk}/").status_code == 404
    b = api_client_of(coordinator_b, city_b)
    assert b.get(f"/api/v1/negotiations/{deal_a.pk}/").status_code == 404
    assert len(b.get("/api/v1/negotiations/").json()["results"]) == 1


def test_negotiations_can_be_ordered(api_client_of, city_a, coordinator_a):
    """`ordering` works on the deal list (newest first and back)."""
    from django.urls import reverse

    with scopes_disabled():
        made = [NegotiationFactory(municipality=city_a).pk for _ in range(3)]
    api = api_client_of(coordinator_a, city_a)
    newest = api.get(reverse("api_negotiation_list"), {"ordering": "-created_at"})
    oldest = api.get(reverse("api_negotiation_list"), {"ordering": "created_at"})
    assert newest.status_code == oldest.status_code == 200
    ids_new = [n["id"] for n in newest.json()["results"]]
    ids_old = [n["id"] for n in oldest.json()["results"]]
    assert ids_old == made
    assert ids_new == list(reversed(made))


# --- POST /api/v1/negotiations/{id}/transition/ -----------------------------------------------------


def _transition(client, deal, payload, **headers):
    return client.post(f"/api/v1/negotiations/{deal.pk}/transition/", payload, format="json", **headers)


@pytest.mark.django_db
def test_transition_moves_through_the_one_service(api_client_of, deal_a, coordinator_a):
    from kawasaki.models import AuditEntry
    from negotiations.models import TimelineEntry

    api = api_client_of(coordinator_a, deal_a.municipality, read_only=False)
    response = _transition(api, deal_a, {"to_state": "introduced", "note": "先方に紹介済み"})
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["drop_reason"]) == (deal_a.pk, "introduced", "")
    with scopes_disabled():
        entry = TimelineEntry.objects.get(negotiation=deal_a)
        assert (entry.from_state, entry.to_state, entry.text, entry.actor) == (
            "interest",
            "introduced",
            "先方に紹介済み",
            coordinator_a,
        )
        audit = AuditEntry.objects.get(action="negotiation.moved", object_id=str(deal_a.pk))
        assert (audit.actor, audit.changes["state"]) == (
            coordinator_a,
            {"old": "interest", "new": "introduced"},
        )
    dropped = _transition(
        api, deal_a, {"to_state": "dropped", "reason": "price", "note": "条件が合わず", "confirm": True}
    )
    assert dropped.status_code == 200
    assert (dropped.json()["state"], dropped.json()["drop_reason"]) == ("dropped", "price")


@pytest.mark.django_db
def test_transition_refuses_bad_moves_with_field_messages(api_client_of, deal_a, coordinator_a):
    api = api_client_of(coordinator_a, deal_a.municipality, read_only=False)
    cases = {
        "skip": (
            {"to_state": "licence_signed"},
            "to_state",
            "案件を「関心あり」から「ライセンス契約締結」へ移すことはできません。",
        ),
        "unknown": ({"to_state": "flying"}, "to_state", '"flying"は有効な選択肢ではありません。'),
        "missing": ({}, "to_state", "この項目は必須です。"),
        "no_reason": ({"to_state": "dropped"}, "reason", "中止の理由を選んでください。"),
        "other_no_note": (
            {"to_state": "dropped", "reason": "other"},
            "note",
            "「その他」の場合は理由を書いてください。",
        ),
        "unconfirmed": (
            {"to_state": "dropped", "reason": "price"},
            "confirm",
            "「中止」は取り消しにくい移動です。確認のチェックを入れてから進めてください。",
        ),
    }
    answers = {}
    with assert_db_unchanged():
        for name, (payload, _field, _message) in cases.items():
            response = _transition(api, deal_a, payload, HTTP_ACCEPT_LANGUAGE="ja")
            answers[name] = (
                response.status_code,
                response.json()["error"]["code"],
                response.json()["error"]["fields"],
            )
    assert answers == {
        name: (400, "invalid", {field: [message]}) for name, (_payload, field, message) in cases.items()
    }
    with scopes_disabled():
        deal_a.refresh_from_db()
        assert deal_a.state == "interest"


@pytest.mark.django_db
def test_transition_permissions_and_tenancy(
    api_client_of, deal_a, parties_a, coordinator_a, city_b, coordinator_b
):
    read_only = api_client_of(coordinator_a, deal_a.municipality)
    parties = {
        party: api_client_of(parties_a[party], deal_a.municipality, read_only=False)
        for party in ("company", "sme")
    }
    other_city = api_client_of(coordinator_b, city_b, read_only=False)
    with assert_db_unchanged():
        assert _transition(read_only, deal_a, {"to_state": "introduced"}).status_code == 403
        for api in parties.values():
            refused = _transition(api, deal_a, {"to_state": "introduced"})
            assert (refused.status_code, refused.json()["error"]["code"]) == (403, "permission_denied")
            # The party still reads its deal; it is the write that is refused.
            assert api.get(f"/api/v1/negotiations/{deal_a.pk}/").status_code == 200
        assert _transition(other_city, deal_a, {"to_state": "introduced"}).status_code == 404
        assert APIClient().post(f"/api/v1/negotiations/{deal_a.pk}/transition/").status_code == 401
    with scopes_disabled():
        deal_a.refresh_from_db()
        assert deal_a.state == "interest"


@pytest.mark.django_db
def test_transition_honours_the_idempotency_key(api_client_of, deal_a, coordinator_a):
    from negotiations.models import TimelineEntry

    api = api_client_of(coordinator_a, deal_a.municipality, read_only=False)
    first = _transition(api, deal_a, {"to_state": "introduced"}, HTTP_IDEMPOTENCY_KEY="move-42")
    replay = _transition(api, deal_a, {"to_state": "introduced"}, HTTP_IDEMPOTENCY_KEY="move-42")
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    with scopes_disabled():
        assert TimelineEntry.objects.filter(negotiation=deal_a).count() == 1
    # Without the key the same request is a new move, which the table refuses from "introduced".
    with assert_db_unchanged():
        assert _transition(api, deal_a, {"to_state": "introduced"}).status_code == 400
        reused = _transition(api, deal_a, {"to_state": "meeting_held"}, HTTP_IDEMPOTENCY_KEY="move-42")
    assert (reused.status_code, reused.json()["error"]["code"]) == (422, "idempotency_key_reused")
    with scopes_disabled():
        deal_a.refresh_from_db()
        assert deal_a.state == "introduced"


# --- POST /api/v1/negotiations/{id}/reopen/ ---------------------------------------------------------


def _reopen(client, deal, payload, **headers):
    return client.post(f"/api/v1/negotiations/{deal.pk}/reopen/", payload, format="json", **headers)


@pytest.mark.django_db
def test_reopen_takes_the_deal_back_through_the_page_service(api_client_of, deal_a, coordinator_a):
    from kawasaki.models import AuditEntry
    from negotiations.models import EntryCode, TimelineEntry

    api = api_client_of(coordinator_a, deal_a.municipality, read_only=False)
    dropped = _transition(
        api, deal_a, {"to_state": "dropped", "reason": "price", "note": "条件が合わず", "confirm": True}
    )
    assert dropped.status_code == 200
    response = _reopen(api, deal_a, {"to_state": "interest", "reason": "先方が再検討"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["drop_reason"]) == ("interest", "")
    with scopes_disabled():
        deal_a.refresh_from_db()
        assert (deal_a.state, deal_a.drop_reason) == ("interest", "")
        entry = TimelineEntry.objects.filter(negotiation=deal_a).order_by("-pk").first()
        assert (entry.from_state, entry.to_state, entry.text, entry.code, entry.actor) == (
            "dropped",
            "interest",
            "先方が再検討",
            EntryCode.REOPENED,
            coordinator_a,
        )
        assert AuditEntry.objects.filter(action="negotiation.reopened", object_id=str(deal_a.pk)).exists()


@pytest.mark.django_db
def test_reopen_refusals_name_the_field_and_change_nothing(api_client_of, deal_a, coordinator_a):
    api = api_client_of(coordinator_a, deal_a.municipality, read_only=False)
    assert _transition(api, deal_a, {"to_state": "introduced"}).status_code == 200
    cases = {
        "forward": ({"to_state": "meeting_held", "reason": "間違い"}, "to_state"),
        "same": ({"to_state": "introduced", "reason": "間違い"}, "to_state"),
        "no_reason": ({"to_state": "interest", "reason": "  "}, "reason"),
        "missing": ({"reason": "間違い"}, "to_state"),
    }
    with assert_db_unchanged():
        answers = {}
        for name, (payload, _field) in cases.items():
            response = _reopen(api, deal_a, payload, HTTP_ACCEPT_LANGUAGE="ja")
            body = response.json()
            answers[name] = (response.status_code, body["error"]["code"], list(body["error"]["fields"]))
    assert answers == {name: (400, "invalid", [field]) for name, (_payload, field) in cases.items()}
    forward = _reopen(api, deal_a, cases["forward"][0], HTTP_ACCEPT_LANGUAGE="ja").json()
    assert forward["error"]["fields"]["to_state"] == [
        "「紹介済み」の案件を「面談実施」へ戻すことはできません。"
    ]


@pytest.mark.django_db
def test_reopen_is_refused_to_parties_read_only_tokens_and_other_cities(
    api_client_of, deal_a, parties_a, coordinator_a, city_b, coordinator_b
):
    with scopes_disabled():
        deal_a.state = State.INTRODUCED
        deal_a.save()
    sme = api_client_of(parties_a["sme"], deal_a.municipality, read_only=False)
    read_only = api_client_of(coordinator_a, deal_a.municipality)
    other_city = api_client_of(coordinator_b, city_b, read_only=False)
    payload = {"to_state": "interest", "reason": "戻したい"}
    with assert_db_unchanged():
        refused = _reopen(sme, deal_a, payload)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "permission_denied")
        assert _reopen(read_only, deal_a, payload).status_code == 403
        assert _reopen(other_city, deal_a, payload).status_code == 404
        assert APIClient().post(f"/api/v1/negotiations/{deal_a.pk}/reopen/").status_code == 401
    with scopes_disabled():
        deal_a.refresh_from_db()
        assert deal_a.state == "introduced"
