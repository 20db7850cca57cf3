"""A submitted plan is read-only with a new-version action; comments on the plan; the seed on the form."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from patents.models import PublicationState
from smes import services
from smes.models import BusinessPlan, PlanSection, PlanStatus
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.factories.smes import BusinessPlanFactory
from tests.helpers.db_state import assert_db_unchanged

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


@pytest.fixture
def seed_a(city_a):
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
        return PatentFactory(
            company=company,
            title="食品の鮮度を色で知らせるラベル",
            publication_state=PublicationState.PUBLISHED,
        )


@pytest.fixture
def submitted_plan(city_a, sme_a, sme_member_a):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a, title="鮮度ラベル事業")
        services.business_plan_set_status(plan=plan, new_status=PlanStatus.SUBMITTED, actor=sme_member_a)
    return plan


def test_edit_page_of_submitted_plan_does_not_open(client_of, city_a, submitted_plan, sme_member_a):
    response = client_of(sme_member_a).get(url("plan_edit", city_a, pk=submitted_plan.pk))
    assert response.status_code == 302
    assert response.url == url("plan_detail", city_a, pk=submitted_plan.pk)


def test_edit_post_of_submitted_plan_changes_nothing(client_of, city_a, submitted_plan, sme_member_a):
    client = client_of(sme_member_a)
    with assert_db_unchanged():
        response = client.post(
            url("plan_edit", city_a, pk=submitted_plan.pk), {"title": "書き換え", "product_concept": "x"}
        )
    assert response.status_code == 400
    assert "cannot be edited" in response.content.decode() or "編集できません" in response.content.decode()


def test_submitted_plan_offers_new_version(client_of, city_a, submitted_plan, sme_member_a):
    client = client_of(sme_member_a)
    page = client.get(url("plan_detail", city_a, pk=submitted_plan.pk)).content.decode()
    assert 'data-testid="new-version"' in page
    assert 'data-testid="read-only"' in page
    response = client.post(url("plan_new_version", city_a, pk=submitted_plan.pk))
    with scopes_disabled():
        new = BusinessPlan.objects.exclude(pk=submitted_plan.pk).get(sme=submitted_plan.sme)
        assert new.status == PlanStatus.DRAFT
        assert new.product_concept == submitted_plan.product_concept
        assert AuditEntry.objects.filter(action="business_plan.created", object_id=str(new.pk)).exists()
        submitted_plan.refresh_from_db()
        assert submitted_plan.status == PlanStatus.SUBMITTED
    assert response.url == url("plan_edit", city_a, pk=new.pk)


def test_new_version_of_a_draft_is_refused(client_of, city_a, sme_a, sme_member_a):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a)
    with assert_db_unchanged():
        client_of(sme_member_a).post(url("plan_new_version", city_a, pk=plan.pk))


def test_new_version_of_another_citys_plan_is_404(client_of, city_b, submitted_plan, sme_member_a):
    with assert_db_unchanged():
        response = client_of(sme_member_a).post(url("plan_new_version", city_b, pk=submitted_plan.pk))
    assert response.status_code in (403, 404)


def test_comments_shown_on_the_plan(client_of, city_a, submitted_plan, sme_member_a, coordinator_a):
    with scope(municipality=city_a):
        version = submitted_plan.versions.get()
        services.plan_comment_add(
            version=version,
            actor=coordinator_a,
            section=PlanSection.PRODUCT_CONCEPT,
            body="対象顧客をもう少し絞りましょう",
            internal=False,
        )
        services.plan_comment_add(
            version=version, actor=coordinator_a, section=PlanSection.BUDGET, body="内部メモ", internal=True
        )
    page = client_of(sme_member_a).get(url("plan_detail", city_a, pk=submitted_plan.pk)).content.decode()
    assert "対象顧客をもう少し絞りましょう" in page
    assert "内部メモ" not in page


def test_seed_chosen_on_the_form(client_of, city_a, sme_a, sme_member_a, seed_a):
    client = client_of(sme_member_a)
    response = client.post(
        url("plan_create", city_a, pk=sme_a.pk), {"title": "鮮度ラベル", "seed": seed_a.pk}
    )
    assert response.status_code == 302
    with scopes_disabled():
        plan = BusinessPlan.objects.get(sme=sme_a, title="鮮度ラベル")
    assert plan.seed_id == seed_a.pk
    page = client.get(url("plan_detail", city_a, pk=plan.pk)).content.decode()
    assert "食品の鮮度を色で知らせるラベル" in page


def test_unpublished_seed_refused_on_the_form(client_of, city_a, sme_a, sme_member_a, seed_a):
    with scopes_disabled():
        draft = PatentFactory(company=seed_a.company, publication_state=PublicationState.DRAFT)
    with assert_db_unchanged():
        response = client_of(sme_member_a).post(
            url("plan_create", city_a, pk=sme_a.pk), {"title": "x", "seed": draft.pk}
        )
    assert response.status_code == 400
    assert response.context["form"].errors["seed"]


def test_plan_page_points_to_an_earlier_versions_comments(
    client_of, city_a, submitted_plan, sme_member_a, coordinator_a
):
    """Feedback on version 1, then version 2 submitted: the plan page still says where the comments are
    (the SME's dashboard quotes them), and an internal comment is counted for coordinators only."""
    with scope(municipality=city_a):
        first = submitted_plan.versions.get(number=1)
        services.plan_comment_add(
            version=first,
            actor=coordinator_a,
            section=PlanSection.CUSTOMERS_MARKET,
            body="実証先の業種を具体的に",
        )
        services.plan_comment_add(
            version=first, actor=coordinator_a, section=PlanSection.RISKS, body="社内メモ", internal=True
        )
        submitted_plan.refresh_from_db()
        services.business_plan_set_status(
            plan=submitted_plan, new_status=PlanStatus.FEEDBACK_GIVEN, actor=coordinator_a
        )
        services.business_plan_new_version(plan=submitted_plan, actor=sme_member_a)
        submitted_plan.refresh_from_db()
        services.business_plan_set_status(
            plan=submitted_plan, new_status=PlanStatus.REVISED, actor=sme_member_a
        )
    version_1 = url("planversion_detail", city_a, pk=submitted_plan.pk, number=1)
    page = client_of(sme_member_a).get(url("plan_detail", city_a, pk=submitted_plan.pk)).content.decode()
    assert page.count('data-testid="version-comments"') == 1
    assert f'<a href="{version_1}" data-testid="version-comments">コーディネーターのコメント 1件</a>' in page
    staff_page = (
        client_of(coordinator_a).get(url("plan_detail", city_a, pk=submitted_plan.pk)).content.decode()
    )
    assert "コーディネーターのコメント 2件" in staff_page
