"""Factories of the deal pipeline. Companies, seeds and SMEs come from the patents and smes factories
(meetings: tests/factories/matching.py)."""

import datetime as dt

import factory
from django.utils import timezone

from negotiations.models import LicenceTerms, Negotiation, Product, State, Task
from tests.factories.core import MunicipalityFactory
from tests.factories.matching import member_of, seed_of, staff_of
from tests.factories.patents import LargeCompanyFactory
from tests.factories.smes import SMEFactory

__all__ = ["NegotiationFactory", "TaskFactory", "member_of", "records_for", "seed_of", "staff_of"]


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


def records_for(deal: Negotiation, state: str, *, today: dt.date | None = None) -> Negotiation:
    """Give a deal what `state` needs (negotiations/checks.py REQUIRED_FOR), dated in order in the past:
    an NDA signed 200 days ago, terms signed 120 days ago, a product launched 30 days ago. Written
    directly, as a fixture: the services' own tests exercise the writes."""
    from negotiations.checks import PIPELINE

    today = today or timezone.localdate()
    order = PIPELINE.index(state) if state in PIPELINE else -1
    if order >= PIPELINE.index(State.NDA_SIGNED) and deal.nda_signed_on is None:
        deal.nda_signed_on = today - dt.timedelta(days=200)
        deal.save(update_fields=["nda_signed_on"])
    if (
        order >= PIPELINE.index(State.LICENCE_SIGNED)
        and not LicenceTerms.objects.filter(negotiation=deal).exists()
    ):
        LicenceTerms.objects.create(
            municipality=deal.municipality,
            negotiation=deal,
            licence_type="non_exclusive",
            signed_on=today - dt.timedelta(days=120),
            field_of_use="産業機械",
            territory="日本国内",
            improvements="licensee",
        )
    if order >= PIPELINE.index(State.LAUNCHED) and not Product.objects.filter(negotiation=deal).exists():
        Product.objects.create(
            municipality=deal.municipality,
            negotiation=deal,
            name="防振マウント",
            launch_date=today - dt.timedelta(days=30),
        )
    return deal
