"""The demo step: example programmes labelled as such, and an application in every status.

The step is run on its own (with the context seed_demo would give it), so that another app's demo step
cannot hide what this one does; tests/kawasaki/test_project.py runs the whole seed twice."""

import pytest
from django_scopes import scopes_disabled

from kawasaki.models import Membership, Role
from subsidies.demo import demo_subsidies
from subsidies.models import Application, ApplicationStatus, Programme, ProgrammeTemplate
from tests.conftest import make_member
from tests.factories import MunicipalityFactory


@pytest.mark.django_db
def test_demo_adds_programmes_and_applications_in_each_state():
    kawasaki = MunicipalityFactory(slug="kawasaki", name_ja="川崎市")
    sagamihara = MunicipalityFactory(slug="sagamihara", name_ja="相模原市")
    coordinator = make_member(kawasaki, Role.COORDINATOR)
    Membership.objects.create(user=coordinator, municipality=sagamihara, role=Role.COORDINATOR)
    sme_user = make_member(kawasaki, Role.SME_MEMBER)
    context = {
        "municipalities": {"kawasaki": kawasaki, "sagamihara": sagamihara},
        "users": {"coordinator": coordinator, "sme": sme_user},
    }
    with scopes_disabled():
        demo_subsidies(context)
        demo_subsidies(context)
        statuses = sorted(Application.objects.filter(municipality=kawasaki).values_list("status", flat=True))
        assert statuses == sorted(ApplicationStatus.values)
        programmes = Programme.objects.filter(municipality=kawasaki)
        assert programmes.count() == 4
        assert all("デモ用の例です" in p.notes and "check every fact" in p.notes for p in programmes)
        joint = programmes.get(name__startswith="川崎市 知的財産交流")
        assert (joint.rate_label, joint.max_amount_jpy, joint.licence_required) == ("2/3", 5_000_000, True)
        assert Programme.objects.filter(municipality=sagamihara).count() == 1
        assert ProgrammeTemplate.objects.count() == 3
        assert ProgrammeTemplate.objects.filter(size_rule="small_scale").count() == 1
        withdrawn = Application.objects.get(status=ApplicationStatus.WITHDRAWN)
        assert withdrawn.withdrawal_reason.startswith("ライセンス交渉が中断")
        assert withdrawn.withdrawn_on >= withdrawn.submitted_on
        granted = Application.objects.get(status=ApplicationStatus.GRANTED)
        assert granted.amount_granted_jpy <= granted.amount_requested_jpy <= joint.max_amount_jpy
        # The demo SME account acts for the first demo SME, which has applications of its own.
        own_sme = Membership.objects.get(user=sme_user).sme
        assert Application.objects.filter(sme=own_sme).count() >= 1
