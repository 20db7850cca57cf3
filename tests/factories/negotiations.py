"""Factories of the deal pipeline. Companies, seeds and SMEs come from the matching test helpers so
that these tests do not depend on every field of the other apps' models."""

import datetime as dt

import factory
from django.utils import timezone

from kawasaki.models import Role
from negotiations.models import Meeting, MeetingKind, Negotiation, Participant, Task
from tests.factories.core import MembershipFactory, MunicipalityFactory, UserFactory
from tests.matching.conftest import make_company, make_patent, make_sme


class NegotiationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Negotiation

    municipality = factory.SubFactory(MunicipalityFactory)
    sme = factory.LazyAttributeSequence(lambda o, n: make_sme(o.municipality, f"中小製作所{n}"))
    company = factory.LazyAttributeSequence(lambda o, n: make_company(o.municipality, f"大手工業{n}株式会社"))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = MeetingKind.ONE_ON_ONE
    title = factory.Sequence(lambda n: f"個別面談 {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    venue = "川崎市産業振興会館 4F"
    company = factory.LazyAttributeSequence(lambda o, n: make_company(o.municipality, f"面談企業{n}株式会社"))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    municipality = factory.SelfAttribute("meeting.municipality")
    sme = factory.LazyAttributeSequence(lambda o, n: make_sme(o.municipality, f"参加企業{n}"))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    negotiation = factory.SubFactory(NegotiationFactory)
    municipality = factory.SelfAttribute("negotiation.municipality")
    title = factory.Sequence(lambda n: f"契約書案を送る {n}")
    due_on = factory.LazyFunction(timezone.localdate)


def seed_of(company, title="振動低減構造"):
    return make_patent(company.municipality, company, title)


def staff_of(company, **kwargs):
    """A user who is IP staff of `company`."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, municipality=company.municipality, role=Role.COMPANY_STAFF, company=company)
    return user


def member_of(sme, **kwargs):
    """A user who is a member of `sme`."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, municipality=sme.municipality, role=Role.SME_MEMBER, sme=sme)
    return user
