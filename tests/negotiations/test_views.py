"""Pages: who sees which deals, notes and documents; moving cards by form and by JSON."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from negotiations import services
from negotiations.models import Document, State, TimelineEntry
from tests.factories.negotiations import NegotiationFactory
from tests.helpers.db_state import assert_db_unchanged

BASE = "/m/city-a/negotiations"


def _notes(deal, coordinator):
    with scope(municipality=deal.municipality):
        services.timeline_add(
            negotiation=deal, actor=coordinator, kind="note", text="社内メモ: 価格は強気", internal=True
        )
        services.timeline_add(
            negotiation=deal, actor=coordinator, kind="call", text="先方と電話: 試料送付", internal=False
        )


@pytest.mark.django_db
def test_detail_visibility_by_party(client_of, deal_a, parties_a, coordinator_a, coordinator_b):
    _notes(deal_a, coordinator_a)
    url = f"{BASE}/deals/{deal_a.pk}/"
    seen = {}
    for key, user in [("coordinator", coordinator_a), *parties_a.items()]:
        seen[key] = client_of(user).get(url)
    assert {k: r.status_code for k, r in seen.items()} == {
        "coordinator": 200,
        "company": 200,
        "sme": 200,
        "other_company": 404,
        "other_sme": 404,
    }
    assert "社内メモ: 価格は強気" in seen["coordinator"].content.decode()
    for party in ("company", "sme"):
        body = seen[party].content.decode()
        assert "社内メモ: 価格は強気" not in body
        assert "先方と電話: 試料送付" in body
    # Another municipality's coordinator: the URL's municipality is not theirs.
    assert client_of(coordinator_b).get(url).status_code == 404


@pytest.mark.django_db
def test_lists_show_only_own_deals(client_of, deal_a, parties_a, coordinator_a):
    with scopes_disabled():
        other_name = str(NegotiationFactory(municipality=deal_a.municipality).sme)
    mine = client_of(parties_a["sme"]).get(f"{BASE}/deals/")
    assert [d.pk for d in mine.context["negotiations"]] == [deal_a.pk]
    assert other_name not in mine.content.decode()
    staff = client_of(coordinator_a).get(f"{BASE}/deals/")
    assert len(staff.context["negotiations"]) == 3  # deal_a, the parties_a "other" deal, and this one


@pytest.mark.django_db
def test_party_uploads_a_draft_and_only_parties_download_it(client_of, deal_a, parties_a, coordinator_a):
    upload = SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft\n%%EOF\n", content_type="application/pdf")
    response = client_of(parties_a["company"]).post(
        f"{BASE}/deals/{deal_a.pk}/documents/",
        {"kind": "licence_draft", "title": "実施許諾契約書案", "file": upload, "side": "coordinator"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        document = Document.objects.get()
        # The side comes from the uploader's role, not from the form.
        assert (document.side, document.version, document.uploaded_by) == (
            "licensor",
            1,
            parties_a["company"],
        )
        entry = TimelineEntry.objects.get(kind="document")
        assert entry.internal is False
    url = f"{BASE}/documents/{document.pk}/"
    codes = {
        k: client_of(u).get(url).status_code for k, u in [("coordinator", coordinator_a), *parties_a.items()]
    }
    assert codes == {"coordinator": 200, "company": 200, "sme": 200, "other_company": 404, "other_sme": 404}
    download = client_of(parties_a["sme"]).get(url)
    assert (download.content, download["Content-Type"]) == (b"%PDF-1.4 draft\n%%EOF\n", "application/pdf")
    assert download["Content-Disposition"].startswith('attachment; filename="draft')
    # Second draft from the SME side is version 2; a non-party cannot upload.
    client_of(parties_a["sme"]).post(
        f"{BASE}/deals/{deal_a.pk}/documents/",
        {
            "kind": "licence_draft",
            "title": "修正案",
            "file": SimpleUploadedFile("v2.pdf", b"%PDF-1.4 v2\n%%EOF\n"),
        },
    )
    blocked = client_of(parties_a["other_sme"]).post(
        f"{BASE}/deals/{deal_a.pk}/documents/",
        {"kind": "licence_draft", "title": "x", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x\n%%EOF\n")},
    )
    assert blocked.status_code == 404
    with scopes_disabled():
        assert list(Document.objects.order_by("version").values_list("version", "side")) == [
            (1, "licensor"),
            (2, "licensee"),
        ]


@pytest.mark.django_db
def test_rejects_a_disallowed_file_type(client_of, deal_a, coordinator_a):
    client_of(coordinator_a).post(
        f"{BASE}/deals/{deal_a.pk}/documents/",
        {"kind": "other", "title": "x", "side": "coordinator", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    with scopes_disabled():
        assert Document.objects.count() == 0


@pytest.mark.django_db
def test_parties_cannot_move_or_annotate(client_of, deal_a, parties_a):
    with assert_db_unchanged():
        for user in (parties_a["company"], parties_a["sme"]):
            client = client_of(user)
            assert (
                client.post(f"{BASE}/deals/{deal_a.pk}/move/", {"to_state": "introduced"}).status_code == 403
            )
            assert (
                client.post(f"{BASE}/deals/{deal_a.pk}/entries/", {"kind": "note", "text": "x"}).status_code
                == 403
            )
    deal_a.refresh_from_db()
    assert deal_a.state == State.INTEREST


@pytest.mark.django_db
def test_move_by_form_and_by_json(client_of, deal_a, coordinator_a):
    client = client_of(coordinator_a)
    response = client.post(
        f"{BASE}/deals/{deal_a.pk}/move/", {"to_state": "introduced", "next": f"{BASE}/?sme={deal_a.sme_id}"}
    )
    assert (response.status_code, response["Location"]) == (302, f"{BASE}/?sme={deal_a.sme_id}")
    with assert_db_unchanged():
        response = client.post(
            f"{BASE}/deals/{deal_a.pk}/move/", {"to_state": "nda_signed"}, HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    response = client.post(
        f"{BASE}/deals/{deal_a.pk}/move/", {"to_state": "meeting_held"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"id": deal_a.pk, "state": "meeting_held"}
    # An off-site "next" is ignored.
    response = client.post(
        f"{BASE}/deals/{deal_a.pk}/move/",
        {"to_state": "dropped", "reason": "price", "confirm": "on", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"{BASE}/deals/{deal_a.pk}/"
    deal_a.refresh_from_db()
    assert (deal_a.state, deal_a.drop_reason) == ("dropped", "price")


@pytest.mark.django_db
def test_board_columns_and_filters(client_of, deal_a, coordinator_a, city_a):
    with scopes_disabled():
        other = NegotiationFactory(municipality=city_a, state=State.EVALUATION)
    client = client_of(coordinator_a)
    response = client.get(f"{BASE}/")
    columns = {state: [d.pk for d in cards] for state, _label, cards in response.context["columns"]}
    assert list(columns) == State.values
    assert (columns["interest"], columns["evaluation"]) == ([deal_a.pk], [other.pk])
    filtered = client.get(f"{BASE}/", {"company": other.company_id})
    columns = {state: [d.pk for d in cards] for state, _label, cards in filtered.context["columns"]}
    assert [pk for pks in columns.values() for pk in pks] == [other.pk]
    mine = client.get(f"{BASE}/", {"coordinator": coordinator_a.pk})
    assert [d.pk for _s, _l, c in mine.context["columns"] for d in c] == [deal_a.pk]


@pytest.mark.django_db
def test_board_queries_do_not_grow_with_cards(
    client_of, coordinator_a, city_a, django_assert_max_num_queries
):
    with scopes_disabled():
        for _ in range(12):
            NegotiationFactory(municipality=city_a)
    client = client_of(coordinator_a)
    client.get(f"{BASE}/")
    with django_assert_max_num_queries(20):
        response = client.get(f"{BASE}/")
    assert sum(len(c) for _s, _l, c in response.context["columns"]) == 12
