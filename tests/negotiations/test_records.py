"""Records a council can trust: what each state needs before a deal enters it, dates that agree, the
confirmation of hard-to-undo moves, reopening (and the KPIs that follow), the data-quality page, and
the timeline stored as codes shown in the reader's language."""

import datetime as dt
import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from negotiations import selectors, services
from negotiations.models import (
    DropReason,
    EntryCode,
    LicenceTerms,
    Negotiation,
    Product,
    State,
    TimelineEntry,
)
from reports import selectors as report_selectors
from tests.factories.negotiations import NegotiationFactory, records_for

BASE = "/m/city-a/negotiations"
TERMS = {
    "licence_type": "non_exclusive",
    "field_of_use": "産業用ロボットの振動対策部品",
    "territory": "日本国内",
    "term_months": 60,
    "upfront_fee_yen": 500_000,
    "royalty_percent": 3,
    "minimum_royalty_yen": 100_000,
    "sublicensing": False,
    "improvements": "grant_back",
}


def _nothing_moved(deal, state):
    deal.refresh_from_db()
    assert deal.state == state
    assert (
        not TimelineEntry.objects.filter(negotiation=deal, to_state__gt="").exclude(to_state=state).exists()
    )
    assert not AuditEntry.objects.filter(action="negotiation.moved", object_id=str(deal.pk)).exists()


# --- guard rails ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nda_signed_needs_an_nda_date(city_a, coordinator_a):
    with scope(municipality=city_a), translation.override("ja"):
        deal = NegotiationFactory(municipality=city_a, state=State.MEETING_HELD)
        with pytest.raises(ValidationError) as error:
            services.negotiation_move(negotiation=deal, to_state=State.NDA_SIGNED, actor=coordinator_a)
        assert error.value.message_dict == {
            "to_state": ["「秘密保持契約締結」の前に: 先に秘密保持契約の締結日を記録してください。"]
        }
        _nothing_moved(deal, State.MEETING_HELD)
        services.nda_record(
            negotiation=deal, actor=coordinator_a, signed_on=dt.date(2026, 6, 1), expires_on=None
        )
        services.negotiation_move(negotiation=deal, to_state=State.NDA_SIGNED, actor=coordinator_a)
        deal.refresh_from_db()
        assert deal.state == State.NDA_SIGNED


@pytest.mark.django_db
def test_licence_signed_needs_terms_and_launched_needs_a_product(city_a, coordinator_a):
    with scope(municipality=city_a), translation.override("en"):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.TERMS), State.TERMS)
        with pytest.raises(ValidationError) as error:
            services.negotiation_move(
                negotiation=deal, to_state=State.LICENCE_SIGNED, actor=coordinator_a, confirmed=True
            )
        assert error.value.message_dict == {
            "to_state": [
                "Before “Licence signed”: Record the licence terms and the date the licence was signed."
            ]
        }
        _nothing_moved(deal, State.TERMS)
        launched = records_for(
            NegotiationFactory(municipality=city_a, state=State.PROTOTYPE), State.PROTOTYPE
        )
        with pytest.raises(ValidationError) as error:
            services.negotiation_move(
                negotiation=launched, to_state=State.LAUNCHED, actor=coordinator_a, confirmed=True
            )
        assert error.value.message_dict == {
            "to_state": ["Before “Product launched”: Record the product launched from the licence."]
        }
        _nothing_moved(launched, State.PROTOTYPE)


@pytest.mark.django_db
def test_hard_to_undo_moves_need_confirmation(city_a, coordinator_a):
    with scope(municipality=city_a), translation.override("en"):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.PROTOTYPE), State.LAUNCHED)
        with pytest.raises(ValidationError) as error:
            services.negotiation_move(negotiation=deal, to_state=State.LAUNCHED, actor=coordinator_a)
        assert error.value.message_dict == {
            "confirm": ["“Product launched” is hard to undo: confirm the move to go ahead."]
        }
        _nothing_moved(deal, State.PROTOTYPE)
        # Moves that are easy to take back need none.
        easy = NegotiationFactory(municipality=city_a, state=State.INTEREST)
        services.negotiation_move(negotiation=easy, to_state=State.INTRODUCED, actor=coordinator_a)
        assert easy.state == State.INTRODUCED
    assert {State.LICENCE_SIGNED, State.LAUNCHED, State.DROPPED} == services.CONFIRM_STATES


def test_requirements_are_cumulative_along_the_pipeline():
    codes = {
        state: [check.__name__.removeprefix("_check_") for check in checks]
        for state, checks in services.REQUIRED_FOR.items()
    }
    assert codes == {
        "interest": [],
        "introduced": [],
        "meeting_held": [],
        "nda_signed": ["nda_date"],
        "evaluation": ["nda_date"],
        "terms": ["nda_date"],
        "licence_signed": ["nda_date", "terms", "licence_after_nda"],
        "prototype": ["nda_date", "terms", "licence_after_nda"],
        "launched": ["nda_date", "terms", "licence_after_nda", "product"],
        "dropped": [],
    }


# --- dates that agree -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dates_must_run_nda_then_licence_then_product(city_a, coordinator_a):
    """The issue's case: NDA 20 December, licence 1 December, product 30 November. Each refused with
    both dates named in the reader's format, nothing written."""
    with scope(municipality=city_a), translation.override("ja"):
        deal = NegotiationFactory(municipality=city_a, state=State.TERMS, nda_signed_on=dt.date(2025, 12, 20))
        with pytest.raises(ValidationError) as error:
            services.licence_terms_record(
                negotiation=deal, actor=coordinator_a, data={**TERMS, "signed_on": dt.date(2025, 12, 1)}
            )
        assert error.value.message_dict == {
            "signed_on": [
                "ライセンス契約の締結日 2025年12月1日 が、秘密保持契約の締結日 2025年12月20日 より前になっています。"
            ]
        }
        assert not LicenceTerms.objects.filter(negotiation=deal).exists()
        services.licence_terms_record(
            negotiation=deal, actor=coordinator_a, data={**TERMS, "signed_on": dt.date(2026, 1, 10)}
        )
        deal.refresh_from_db()
        assert deal.state == State.LICENCE_SIGNED
    with scope(municipality=city_a), translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.product_record(
                negotiation=deal, actor=coordinator_a, name="防振マウント", launch_date=dt.date(2025, 11, 30)
            )
        assert error.value.message_dict == {
            "launch_date": [
                "The product “防振マウント” launched on Nov. 30, 2025, before the licence signed on Jan. 10, 2026."
            ]
        }
        # Moving the NDA after the licence is refused too.
        with pytest.raises(ValidationError) as error:
            services.nda_record(
                negotiation=deal, actor=coordinator_a, signed_on=dt.date(2026, 2, 1), expires_on=None
            )
        assert error.value.message_dict == {
            "nda_signed_on": ["The licence is dated Jan. 10, 2026, before the NDA signed on Feb. 1, 2026."]
        }
        deal.refresh_from_db()
        assert (deal.nda_signed_on, deal.state, Product.objects.filter(negotiation=deal).count()) == (
            dt.date(2025, 12, 20),
            State.LICENCE_SIGNED,
            0,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["nda", "licence", "launch"])
def test_dates_in_the_future_are_refused_where_the_event_must_have_happened(city_a, coordinator_a, what):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with scope(municipality=city_a), translation.override("en"):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.PROTOTYPE), State.PROTOTYPE)
        before = (deal.nda_signed_on, deal.terms.signed_on)
        calls = {
            "nda": lambda: services.nda_record(
                negotiation=deal, actor=coordinator_a, signed_on=tomorrow, expires_on=None
            ),
            "licence": lambda: services.licence_terms_record(
                negotiation=deal, actor=coordinator_a, data={**TERMS, "signed_on": tomorrow}
            ),
            "launch": lambda: services.product_record(
                negotiation=deal, actor=coordinator_a, name="x", launch_date=tomorrow
            ),
        }
        with pytest.raises(ValidationError) as error:
            calls[what]()
        (message,) = [m for messages in error.value.message_dict.values() for m in messages]
        assert "is in the future (today is" in message
        deal.refresh_from_db()
        assert (deal.nda_signed_on, LicenceTerms.objects.get(negotiation=deal).signed_on) == before
        assert deal.state == State.PROTOTYPE


# --- reopening ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reopen_needs_a_reason_and_an_earlier_state(city_a, coordinator_a):
    with scope(municipality=city_a), translation.override("en"):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.EVALUATION), State.EVALUATION)
        with pytest.raises(ValidationError) as error:
            services.negotiation_reopen(
                negotiation=deal, to_state=State.NDA_SIGNED, actor=coordinator_a, reason=" "
            )
        assert error.value.message_dict == {"reason": ["Say why the deal is reopened."]}
        with pytest.raises(ValidationError) as error:
            services.negotiation_reopen(
                negotiation=deal, to_state=State.TERMS, actor=coordinator_a, reason="x"
            )
        assert error.value.message_dict == {
            "to_state": ["A deal in “Evaluation” cannot be reopened to “Terms negotiation”."]
        }
        deal.refresh_from_db()
        assert deal.state == State.EVALUATION
        assert not AuditEntry.objects.filter(action="negotiation.reopened").exists()


@pytest.mark.django_db
def test_reopen_is_audited_and_on_the_timeline(city_a, coordinator_a):
    with scope(municipality=city_a):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.EVALUATION), State.EVALUATION)
        services.negotiation_move(
            negotiation=deal,
            to_state=State.DROPPED,
            actor=coordinator_a,
            reason=DropReason.PRICE,
            confirmed=True,
        )
        services.negotiation_reopen(
            negotiation=deal, to_state=State.EVALUATION, actor=coordinator_a, reason="先方が条件を再提示"
        )
        deal.refresh_from_db()
        assert (deal.state, deal.drop_reason) == (State.EVALUATION, "")
        entry = TimelineEntry.objects.filter(negotiation=deal).first()
        assert (entry.code, entry.from_state, entry.to_state, entry.text, entry.actor) == (
            EntryCode.REOPENED,
            State.DROPPED,
            State.EVALUATION,
            "先方が条件を再提示",
            coordinator_a,
        )
        audit = AuditEntry.objects.get(action="negotiation.reopened")
        assert audit.changes["state"] == {"old": "dropped", "new": "evaluation"}
        assert audit.changes["reason"] == {"new": "先方が条件を再提示"}


@pytest.mark.django_db
def test_reopening_takes_the_licence_out_of_its_fiscal_year_and_re_signing_counts_it_in_the_new_one(
    city_a, coordinator_a
):
    """A licence recorded on 31 March 2026 (FY2025) by mistake: reopened, it leaves FY2025; signed
    again on 1 April 2026 it counts in FY2026 only; the KPI page says what it left out meanwhile."""
    with scope(municipality=city_a):
        deal = NegotiationFactory(municipality=city_a, state=State.TERMS, nda_signed_on=dt.date(2026, 1, 15))
        services.licence_terms_record(
            negotiation=deal, actor=coordinator_a, data={**TERMS, "signed_on": dt.date(2026, 3, 31)}
        )
        assert report_selectors.licences_by_year(municipality=city_a).per_year == {2025: 1}
        services.negotiation_reopen(
            negotiation=deal, to_state=State.TERMS, actor=coordinator_a, reason="誤登録"
        )
        assert report_selectors.licences_by_year(municipality=city_a).per_year == {}
        with translation.override("en"):
            assert [(e.figure, e.reason, e.count) for e in selectors.kpi_exclusions(municipality=city_a)] == [
                ("Licences", "the deal is not (or no longer) at “licence signed”", 1)
            ]
        services.licence_terms_record(
            negotiation=deal, actor=coordinator_a, data={**TERMS, "signed_on": dt.date(2026, 4, 1)}
        )
        deal.refresh_from_db()
        assert deal.state == State.LICENCE_SIGNED
        assert report_selectors.licences_by_year(municipality=city_a).per_year == {2026: 1}
        assert selectors.kpi_exclusions(municipality=city_a) == []


@pytest.mark.django_db
def test_reopening_a_launched_deal_takes_its_product_out_of_the_kpis(city_a, coordinator_a):
    with scope(municipality=city_a):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.LAUNCHED), State.LAUNCHED)
        year = city_a.fiscal_year_of(deal.products.get().launch_date)
        assert report_selectors.products_by_year(municipality=city_a).per_year == {year: 1}
        services.negotiation_reopen(
            negotiation=deal, to_state=State.PROTOTYPE, actor=coordinator_a, reason="未発売"
        )
        assert report_selectors.products_by_year(municipality=city_a).per_year == {}
        assert report_selectors.licences_by_year(municipality=city_a).per_year != {}


# --- pages and API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deal_page_shows_the_checklist_and_a_confirm_box(client_of, coordinator_a, city_a):
    with scopes_disabled():
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.TERMS), State.TERMS)
    html = (
        client_of(coordinator_a).get(f"{BASE}/deals/{deal.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    )
    assert 'data-testid="checklist-licence_signed"' in html
    assert "✓ 秘密保持契約の締結日が記録されている" in html
    assert (
        "✗ ライセンス条件と締結日が記録されている: ライセンス条件と契約の締結日を記録してください。" in html
    )
    assert re.search(
        r'<input type="checkbox"\s+name="confirm"\s+value="on"\s+id="move-confirm-licence_signed"\s+required>',
        html,
    )
    assert 'id="drop-confirm-' in html
    assert f'action="{BASE}/deals/{deal.pk}/reopen/"' in html


@pytest.mark.django_db
def test_move_without_confirmation_by_form_is_refused_and_reopen_by_form(client_of, coordinator_a, city_a):
    with scopes_disabled():
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.EVALUATION), State.EVALUATION)
    client = client_of(coordinator_a)
    response = client.post(f"{BASE}/deals/{deal.pk}/move/", {"to_state": "dropped", "reason": "price"})
    assert response.status_code == 302
    with scopes_disabled():
        deal.refresh_from_db()
        assert deal.state == State.EVALUATION
    client.post(f"{BASE}/deals/{deal.pk}/reopen/", {"to_state": "nda_signed", "reason": "評価をやり直す"})
    with scopes_disabled():
        deal.refresh_from_db()
        assert deal.state == State.NDA_SIGNED
        assert AuditEntry.objects.get(action="negotiation.reopened").actor == coordinator_a


@pytest.mark.django_db
def test_api_refuses_an_unmet_requirement_with_the_pages_message(api_client_of, coordinator_a, city_a):
    with scopes_disabled():
        deal = NegotiationFactory(municipality=city_a, state=State.MEETING_HELD)
    api = api_client_of(coordinator_a, city_a, read_only=False)
    response = api.post(
        f"/api/v1/negotiations/{deal.pk}/transition/",
        {"to_state": "nda_signed"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "to_state": ["Before “NDA signed”: Record the NDA's signing date first."]
    }
    with scopes_disabled():
        deal.refresh_from_db()
        assert deal.state == State.MEETING_HELD


# --- data quality ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_data_quality_page_lists_records_that_break_the_rules(client_of, coordinator_a, city_a, city_b):
    with scopes_disabled():
        # From before the rules: launched with no NDA date, a product before its licence.
        bad = NegotiationFactory(municipality=city_a, state=State.LAUNCHED)
        LicenceTerms.objects.create(
            municipality=city_a,
            negotiation=bad,
            licence_type="exclusive",
            signed_on=dt.date(2025, 12, 1),
            field_of_use="x",
            territory="y",
            improvements="licensee",
        )
        Product.objects.create(
            municipality=city_a, negotiation=bad, name="早すぎた製品", launch_date=dt.date(2025, 11, 30)
        )
        good = records_for(NegotiationFactory(municipality=city_a, state=State.LAUNCHED), State.LAUNCHED)
        NegotiationFactory(municipality=city_b, state=State.LAUNCHED)
    response = client_of(coordinator_a).get(f"{BASE}/data-quality/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    problems = [(p.pk, p.problem) for p in response.context["problems"]]
    assert problems == [
        (bad.pk, "Record the NDA's signing date first."),
        (
            bad.pk,
            "The product “早すぎた製品” launched on Nov. 30, 2025, before the licence signed on Dec. 1, 2025.",
        ),
    ]
    assert good.pk not in [p.pk for p in response.context["problems"]]
    html = response.content.decode()
    assert f'href="{BASE}/deals/{bad.pk}/"' in html
    assert "Products: 1 left out (launched before the licence was signed)" in html
    with scopes_disabled():
        assert report_selectors.products_by_year(municipality=city_a).per_year == {
            city_a.fiscal_year_of(good.products.get().launch_date): 1
        }


@pytest.mark.django_db
def test_kpi_page_says_what_it_leaves_out(client_of, coordinator_a, city_a):
    with scopes_disabled():
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.LAUNCHED), State.LAUNCHED)
        Negotiation.objects.filter(pk=deal.pk).update(state=State.PROTOTYPE)
    html = client_of(coordinator_a).get("/m/city-a/reports/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "製品: 1件を除外（案件が「製品化」の段階にない（または戻された））" in html
    assert f'href="{BASE}/data-quality/"' in html


# --- the timeline in the reader's language -----------------------------------------------------------


@pytest.mark.django_db
def test_timeline_entries_are_codes_shown_in_the_readers_language(client_of, coordinator_a, city_a):
    with scope(municipality=city_a):
        deal = NegotiationFactory(municipality=city_a, state=State.MEETING_HELD)
        services.nda_record(
            negotiation=deal, actor=coordinator_a, signed_on=dt.date(2026, 11, 20), expires_on=None
        )
        entry = TimelineEntry.objects.get(negotiation=deal)
        assert (entry.code, entry.params, entry.text) == (EntryCode.NDA_RECORDED, {"date": "2026-11-20"}, "")
    client = client_of(coordinator_a)
    english = client.get(f"{BASE}/deals/{deal.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "NDA signed on Nov. 20, 2026" in english
    assert "秘密保持契約締結" not in english
    japanese = client.get(f"{BASE}/deals/{deal.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "秘密保持契約締結（2026年11月20日）" in japanese


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("document", "秘密保持契約締結（2026-12-20）", ("nda_recorded", {"date": "2026-12-20"})),
        ("document", "NDA signed on 2026-12-20", ("nda_recorded", {"date": "2026-12-20"})),
        ("note", "製品を記録: 防振マウント", ("product_recorded", {"name": "防振マウント"})),
        ("document", "ライセンス条件を記録: 通常実施権", ("terms_recorded", {"type": "non_exclusive"})),
        (
            "meeting",
            "個別面談（2026-11-02 実施）",
            ("meeting_held", {"meeting": "個別面談", "date": "2026-11-02"}),
        ),
        (
            "document",
            "契約書案（第2版、ライセンサー（企業））",
            ("document_uploaded", {"title": "契約書案", "version": 2, "side": "licensor"}),
        ),
        ("document", "ライセンス条件を記録: 何か", None),
        ("note", "先方と電話", None),
    ],
)
def test_migration_parses_the_old_sentences(kind, text, expected):
    migration = importlib.import_module("negotiations.migrations.0005_timeline_text_to_codes")
    assert migration.parse(kind, text) == expected
