"""The six SME-fit criteria have one definition (patents.models.FIT_CRITERIA) that every user takes."""

from django.utils import translation

from matching.engine.fit import FIT_PROFILE_FIELDS, FitProfile
from matching.indexing import FIT_FIELD_MAP
from patents import services
from patents.filters import PatentFilterSet
from patents.forms import PatentEditForm
from patents.models import FIT_CRITERIA, FIT_EDIT_FIELDS, FIT_FIELDS, Patent

EXPECTED_FIELDS = [
    "fit_clear_use",
    "fit_direct_contribution",
    "fit_adds_value",
    "fit_low_effort",
    "fit_prototype",
    "fit_not_large_business",
]


def test_definition_names_the_six_fields_in_the_programmes_order():
    assert FIT_FIELDS == EXPECTED_FIELDS
    assert [f for name in EXPECTED_FIELDS for f in (name, f"{name}_note")] == FIT_EDIT_FIELDS


def test_model_fields_carry_the_definitions_labels():
    with translation.override("en"):
        labels = {name: str(label) for name, label in FIT_CRITERIA}
        assert {name: str(Patent._meta.get_field(name).verbose_name) for name in FIT_FIELDS} == labels
    assert labels["fit_low_effort"] == "Needs no big development effort, cost or facility"


def test_edit_form_filter_form_and_service_take_the_fit_fields_from_the_definition():
    edit_fields = list(PatentEditForm.base_fields)
    start = edit_fields.index("fit_clear_use")
    assert edit_fields[start : start + 12] == FIT_EDIT_FIELDS
    assert [value for value, _label in PatentFilterSet.base_filters["fit_yes"].extra["choices"]] == FIT_FIELDS
    assert [f for f in services.PATENT_EDITABLE_FIELDS if f.startswith("fit_")] == FIT_EDIT_FIELDS


def test_screening_index_pairs_each_field_with_the_engines_criterion():
    assert FIT_FIELD_MAP == {
        "fit_clear_use": "clear_use",
        "fit_direct_contribution": "direct_contribution",
        "fit_adds_value": "adds_value_easily",
        "fit_low_effort": "low_development_effort",
        "fit_prototype": "prototype_or_data_exists",
        "fit_not_large_business": "not_large_business_only",
    }
    assert tuple(FIT_FIELD_MAP.values()) == FIT_PROFILE_FIELDS
    assert FitProfile.from_mapping(dict.fromkeys(FIT_PROFILE_FIELDS, "yes")).codes() == (0,) * 6
