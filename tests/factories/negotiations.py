"""Factories of the deal pipeline. Companies, seeds and SMEs come from the patents and smes factories
(meetings: tests/factories/matching.py)."""

import factory
from django.utils import timezone

from negotiations.models import Negotiation, Task
from tests.factories.core import MunicipalityFactory
from tests.factories.matching import member_of, seed_of, staff_of
from tests.factories.patents import LargeCompanyFactory
from tests.factories.smes import SMEFactory

__all__ = ["NegotiationFactory", "TaskFactory", "member_of", "seed_of", "staff_of"]


class NegotiationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Negotiation

    municipality = factory.SubFactory(MunicipalityFactory)
    sme = factory.SubFactory(
        SMEFactory,
        municipality=factory.SelfAttribute("..municipality"),
        name_ja=factory.Sequence(lambda n: f"中小製作所{n}"),
    )
    company = factory.SubFactory(
        LargeCompanyFactory,
        municipality=factory.SelfAttribute("..municipality"),
        with_aliases=False,
        name_ja=factory.Sequence(lambda n: f"大手工業{n}株式会社"),
    )


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    negotiation = factory.SubFactory(NegotiationFactory)
    municipality = factory.SelfAttribute("negotiation.municipality")
    title = factory.Sequence(lambda n: f"契約書案を送る {n}")
    due_on = factory.LazyFunction(timezone.localdate)
