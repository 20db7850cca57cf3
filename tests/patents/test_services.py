import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from patents import services
from patents.models import CompanyAlias, PublicationState, company_name_key
from patents.selectors import company_by_name
from tests.factories.patents import PatentFactory

pytestmark = pytest.mark.django_db


def test_company_name_key_folds_case_width_punctuation_and_legal_form():
    assert company_name_key("Google Inc.") == "google"
    assert company_name_key("GOOGLE INC.") == "google"
    assert company_name_key("Ｇｏｏｇｌｅ　ＬＬＣ") == "google"
    assert company_name_key("川崎電機株式会社") == "川崎電機"
    assert company_name_key("川崎電機(株)") == "川崎電機"


def test_company_create_registers_names_as_aliases_and_audits(city_a, coordinator_a):
    with scope(municipality=city_a):
        company = services.company_create(
            municipality=city_a,
            actor=coordinator_a,
            name_ja="グーグル",
            name_en="Google Inc.",
            aliases=["GOOGLE INC"],
        )
        assert sorted(CompanyAlias.objects.filter(company=company).values_list("name", flat=True)) == [
            "Google Inc.",
            "グーグル",
        ]
        assert company_by_name(municipality=city_a, name="GOOGLE INC.") == company
        entry = AuditEntry.objects.get(action="company.created")
    assert entry.changes == {"name_ja": {"new": "グーグル"}, "name_en": {"new": "Google Inc."}}
    assert entry.actor == coordinator_a


def test_company_create_refuses_another_spelling_of_an_existing_company(city_a, coordinator_a):
    with scope(municipality=city_a):
        services.company_create(municipality=city_a, actor=coordinator_a, name_ja="Google Inc.")
        with pytest.raises(ValidationError) as error:
            services.company_create(municipality=city_a, actor=coordinator_a, name_ja="GOOGLE INC.")
    assert error.value.message_dict == {
        "name_ja": ["「GOOGLE INC.」はすでに Google Inc. の名称として登録されています。"]
    }


def test_same_name_in_another_municipality_is_another_company(city_a, city_b, coordinator_a, coordinator_b):
    with scope(municipality=city_a):
        a = services.company_create(municipality=city_a, actor=coordinator_a, name_ja="Google Inc.")
    with scope(municipality=city_b):
        b = services.company_create(municipality=city_b, actor=coordinator_b, name_ja="GOOGLE INC.")
        assert company_by_name(municipality=city_b, name="Google") == b
    assert a.pk != b.pk


def test_company_alias_add(company_a, coordinator_a):
    with scope(municipality=company_a.municipality):
        services.company_alias_add(company=company_a, actor=coordinator_a, name="KAWASAKI DENKI K.K.")
        assert company_by_name(municipality=company_a.municipality, name="Kawasaki Denki KK") == company_a
        with pytest.raises(ValidationError):
            services.company_alias_add(company=company_a, actor=coordinator_a, name="kawasaki denki")


def test_patent_update_takes_only_editable_fields_and_audits_changes(company_a, staff_a):
    with scopes_disabled():
        patent = PatentFactory(company=company_a, title="Old", number="JP1")
    with scope(municipality=company_a.municipality):
        services.patent_update(
            patent=patent,
            actor=staff_a,
            data={
                "title": "New",
                "fit_clear_use": "yes",
                "number": "HACKED",
                "publication_state": "published",
            },
        )
        entry = AuditEntry.objects.get(action="patent.updated")
    patent.refresh_from_db()
    assert (patent.title, patent.fit_clear_use, patent.number, patent.publication_state) == (
        "New",
        "yes",
        "JP1",
        "draft",
    )
    assert entry.changes == {
        "title": {"old": "Old", "new": "New"},
        "fit_clear_use": {"old": "unknown", "new": "yes"},
    }


def test_publish_withdraw_and_forbidden_move(company_a, coordinator_a):
    with scopes_disabled():
        patent = PatentFactory(company=company_a)
    with scope(municipality=company_a.municipality):
        services.patent_set_state(patent=patent, actor=coordinator_a, state=PublicationState.PUBLISHED)
        assert patent.published_at is not None
        with pytest.raises(ValidationError):
            services.patent_set_state(patent=patent, actor=coordinator_a, state=PublicationState.DRAFT)
        services.patent_set_state(patent=patent, actor=coordinator_a, state=PublicationState.WITHDRAWN)
        # (Publishing also starts the company's screening: matching audits that as its own entry.)
        actions = list(
            AuditEntry.objects.filter(action__startswith="patent.")
            .order_by("id")
            .values_list("action", "changes")
        )
    assert actions == [
        ("patent.published", {"publication_state": {"old": "draft", "new": "published"}}),
        ("patent.withdrawn", {"publication_state": {"old": "published", "new": "withdrawn"}}),
    ]


def test_bulk_state_moves_what_it_can(company_a, coordinator_a):
    with scopes_disabled():
        draft = PatentFactory(company=company_a)
        published = PatentFactory(company=company_a, publication_state=PublicationState.PUBLISHED)
    with scope(municipality=company_a.municipality):
        moved = services.patents_set_state(
            patents=[draft, published], actor=coordinator_a, state=PublicationState.PUBLISHED
        )
    assert moved == (1, 1)
    draft.refresh_from_db()
    assert draft.publication_state == "published"


def test_confirm_refuses_an_import_that_is_not_valid(company_a, staff_a):
    from tests.patents.helpers import upload_and_validate

    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", b"number,title\nJP1,\n")
    with scope(municipality=company_a.municipality), pytest.raises(ValidationError) as error:
        services.portfolio_import_confirm(portfolio_import=portfolio_import, actor=staff_a)
    assert error.value.messages == ["確定できるのは、問題なく確認を終えた取り込みだけです。"]


def test_validation_rerun_on_a_finished_import_changes_nothing(company_a, staff_a):
    from tests.patents.helpers import upload_and_validate

    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", b"number,title\nJP1,x\n")
    with scope(municipality=company_a.municipality):
        again = services.portfolio_import_validate(portfolio_import=portfolio_import)
    assert (again.state, again.validated_at) == ("valid", portfolio_import.validated_at)


def test_import_for_a_company_of_another_municipality_is_refused(company_a, city_b, coordinator_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with scope(municipality=city_b), pytest.raises(ValidationError):
        services.portfolio_import_start(
            municipality=city_b,
            actor=coordinator_b,
            company=company_a,
            upload=SimpleUploadedFile("p.csv", b"x"),
        )
