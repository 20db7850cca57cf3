"""Tenancy probe of the smes app: which roles open each URL, and how to make the objects they name."""

from __future__ import annotations

from django_scopes import scopes_disabled

from kawasaki.models import Membership, Role
from kawasaki.selectors import forget_roles
from patents.models import PublicationState
from smes import services
from tests.factories.patents import PatentFactory
from tests.factories.smes import (
    BusinessPlanFactory,
    NextActionFactory,
    PartnerFactory,
    ReferralFactory,
    SMEFactory,
    VisitFactory,
)

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})
STAFF_AND_SME = STAFF | {Role.SME_MEMBER}


def _own_sme(municipality, user):
    """An SME of `municipality`; when the requester is an SME member there, it is made theirs."""
    sme = SMEFactory(municipality=municipality)
    Membership.objects.filter(user=user, municipality=municipality, role=Role.SME_MEMBER).update(sme=sme)
    forget_roles(user)
    return sme


def _sme(municipality, user):
    return _own_sme(municipality, user).pk


def _plan(municipality, user):
    return BusinessPlanFactory(sme=_own_sme(municipality, user)).pk


def _submitted_plan(municipality, user):
    plan = BusinessPlanFactory(sme=_own_sme(municipality, user))
    with scopes_disabled():
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=_coordinator(municipality))
    return {"pk": plan.pk, "number": 1}


def _coordinator(municipality):
    from tests.conftest import make_member

    return make_member(municipality, Role.COORDINATOR)


def _followup(municipality, user):
    return NextActionFactory(visit=VisitFactory(sme=SMEFactory(municipality=municipality)), assignee=user).pk


def _partner(municipality, user):
    return PartnerFactory(municipality=municipality).pk


def _contact(municipality, user):
    from smes.models import ContactPerson

    sme = _own_sme(municipality, user)
    return ContactPerson.objects.create(
        municipality=municipality, sme=sme, name="山田", email="y@example.jp"
    ).pk


def _referral(municipality, user):
    return ReferralFactory(sme=SMEFactory(municipality=municipality)).pk


def _published_seed(municipality, user):
    _own_sme(municipality, user)
    return PatentFactory(
        company__municipality=municipality, publication_state=PublicationState.PUBLISHED, title="Seed"
    ).pk


def _interest(municipality, user):
    from smes.models import SeedInterest

    seed = PatentFactory(company__municipality=municipality, publication_state=PublicationState.PUBLISHED)
    sme = SMEFactory(municipality=municipality)
    return SeedInterest.objects.create(municipality=municipality, sme=sme, patent=seed, message="m").pk


ROLE_MATRIX = {
    "sme_list": STAFF,
    "sme_create": STAFF,
    "sme_mine": frozenset({Role.SME_MEMBER}),
    "sme_detail": STAFF_AND_SME,
    "sme_edit": STAFF_AND_SME,
    "sme_shared": STAFF | {Role.COMPANY_STAFF},
    "visit_create": STAFF,
    "plan_create": STAFF_AND_SME,
    "referral_create": STAFF,
    "followup_list": STAFF,
    "followup_done": STAFF,
    "plan_list": STAFF_AND_SME,
    "plan_detail": STAFF_AND_SME,
    "plan_edit": STAFF_AND_SME,
    "plan_status": STAFF_AND_SME,
    "plan_new_version": STAFF_AND_SME,
    "plan_diff": STAFF_AND_SME,
    "planversion_detail": STAFF_AND_SME,
    "planversion_pdf": STAFF_AND_SME,
    "planversion_pdf_status": STAFF_AND_SME,
    "plancomment_create": STAFF,
    "partner_list": STAFF,
    "partner_create": STAFF,
    "partner_detail": STAFF,
    "partner_edit": STAFF,
    "referral_outcome": STAFF,
    "seed_list": STAFF_AND_SME,
    "seed_detail": STAFF_AND_SME,
    "seed_interest": frozenset({Role.SME_MEMBER}),
    "interest_list": STAFF,
    "interest_mine": frozenset({Role.SME_MEMBER}),
    "interest_company": frozenset({Role.COMPANY_STAFF}),
    "interest_acknowledge": STAFF,
    "contactperson_create": STAFF_AND_SME,
    "contactperson_edit": STAFF_AND_SME,
    "contactperson_delete": STAFF_AND_SME,
}

PROBE_OBJECTS = {
    "sme_detail": _sme,
    "sme_edit": _sme,
    "sme_shared": lambda municipality, user: SMEFactory(municipality=municipality, consent_to_share=True).pk,
    "visit_create": _sme,
    "plan_create": _sme,
    "referral_create": _sme,
    "followup_done": _followup,
    "plan_detail": _plan,
    "plan_edit": _plan,
    "plan_status": _plan,
    "plan_new_version": _plan,
    "plan_diff": _plan,
    "planversion_detail": _submitted_plan,
    "planversion_pdf": _submitted_plan,
    "planversion_pdf_status": _submitted_plan,
    "plancomment_create": _submitted_plan,
    "partner_detail": _partner,
    "partner_edit": _partner,
    "referral_outcome": _referral,
    "seed_detail": _published_seed,
    "seed_interest": _published_seed,
    "interest_acknowledge": _interest,
    "contactperson_create": _sme,
    "contactperson_edit": _contact,
    "contactperson_delete": _contact,
}

NON_TENANT_URLS = {
    "api_sme_list": 401,
    "api_sme_detail": 401,
    "api_business_plan_list": 401,
    "api_business_plan_detail": 401,
}


def _seed_marker(municipality, marker):
    sme = SMEFactory(municipality=municipality, name_ja=marker, needs=marker, needs_tags=[marker])
    VisitFactory(sme=sme, notes=marker, people_met=marker)
    plan = BusinessPlanFactory(sme=sme, title=marker, product_concept=marker)
    services.business_plan_set_status(plan=plan, new_status="submitted", actor=_coordinator(municipality))
    partner = PartnerFactory(municipality=municipality, name_ja=marker, fields=marker)
    ReferralFactory(sme=sme, partner=partner, purpose=marker)
    from smes.models import ContactPerson

    ContactPerson.objects.create(
        municipality=municipality, sme=sme, name=marker, role=marker, email="m@example.jp"
    )


MARKER_SEEDERS = [_seed_marker]
