"""Tenancy probe classification of the matching URLs (merged by tests/kawasaki/test_tenancy.py)."""

from kawasaki.models import Role
from matching.models import ScreeningCandidate, ScreeningRun
from tests.matching.conftest import make_company, make_patent

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})


def _run(municipality, user):
    return ScreeningRun.objects.create(municipality=municipality, direction="sme_to_seeds", query_text="x").pk


def _candidate(municipality, user):
    run = ScreeningRun.objects.create(municipality=municipality, direction="sme_to_seeds", query_text="x")
    patent = make_patent(municipality, make_company(municipality), "probe seed")
    candidate = ScreeningCandidate.objects.create(
        municipality=municipality,
        run=run,
        patent=patent,
        rank=1,
        score=1.0,
        relevance=1.0,
        fit_adjustment=0.0,
    )
    return {"run": run.pk, "pk": candidate.pk}


def _seed_marker(municipality, marker):
    run = ScreeningRun.objects.create(municipality=municipality, direction="sme_to_seeds", query_text=marker)
    patent = make_patent(municipality, make_company(municipality, marker), marker)
    ScreeningCandidate.objects.create(
        municipality=municipality,
        run=run,
        patent=patent,
        rank=1,
        score=1.0,
        relevance=1.0,
        fit_adjustment=0.0,
        note=marker,
    )


ROLE_MATRIX = {
    "screening_home": STAFF,
    "screeningrun_create": STAFF,
    "screeningrun_detail": STAFF,
    "screeningrun_share": STAFF,
    "meetingproposal_create": STAFF,
    "candidate_decide": STAFF,
    "meetingproposal_list": STAFF,
    "shared_candidates": frozenset({Role.COMPANY_STAFF}),
}
PROBE_OBJECTS = {
    "screeningrun_detail": _run,
    "screeningrun_share": _run,
    "meetingproposal_create": _run,
    "candidate_decide": _candidate,
}
MARKER_SEEDERS = [_seed_marker]

NON_TENANT_URLS = {
    "api_screeningrun_list": 401,
    "api_screeningrun_detail": 401,
    "api_screeningcandidate_list": 401,
}
