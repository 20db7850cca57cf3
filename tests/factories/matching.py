"""Factories of the matching app: screening runs and candidates, meeting proposals (a shortlist turned
into a proposal), meetings with their participants and one-on-one requests. Companies, seeds and SMEs
come from the patents and smes factories."""

import datetime as dt

import factory
from django.utils import timezone

from kawasaki.models import Role
from matching.models import (
    Decision,
    Direction,
    Meeting,
    MeetingKind,
    MeetingProposal,
    OneOnOneRequest,
    Participant,
    ProposalKind,
    ScreeningCandidate,
    ScreeningRun,
)
from patents.models import PublicationState
from tests.factories.core import MembershipFactory, MunicipalityFactory, UserFactory
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.factories.smes import SMEFactory


class ScreeningRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreeningRun

    municipality = factory.SubFactory(MunicipalityFactory)
    direction = Direction.SME_TO_SEEDS
    query_text = "振動を抑えたい"


class ScreeningCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreeningCandidate

    run = factory.SubFactory(ScreeningRunFactory)
    municipality = factory.SelfAttribute("run.municipality")
    patent = factory.SubFactory(
        PatentFactory,
        company__municipality=factory.SelfAttribute("...municipality"),
        publication_state=PublicationState.PUBLISHED,
    )
    sme = factory.SubFactory(SMEFactory, municipality=factory.SelfAttribute("..municipality"))
    rank = factory.Sequence(lambda n: n + 1)
    score = 1.0
    relevance = 1.0
    fit_adjustment = 0.0


class ShortlistedCandidateFactory(ScreeningCandidateFactory):
    decision = Decision.SHORTLISTED


class MeetingProposalFactory(factory.django.DjangoModelFactory):
    """A proposal for one company; `smes=[...]` and `patents=[...]` fill its many-to-many fields."""

    class Meta:
        model = MeetingProposal
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = ProposalKind.ONE_ON_ONE
    company = factory.SubFactory(LargeCompanyFactory, municipality=factory.SelfAttribute("..municipality"))

    @factory.post_generation
    def smes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.smes.set(extracted)

    @factory.post_generation
    def patents(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.patents.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned one-on-one in three days; pass kind=MeetingKind.SYMPOSIUM, company=None for a symposium."""

    class Meta:
        model = Meeting

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = MeetingKind.ONE_ON_ONE
    title = factory.Sequence(lambda n: f"個別面談 {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    venue = "川崎市産業振興会館 4F"
    company = factory.SubFactory(
        LargeCompanyFactory,
        municipality=factory.SelfAttribute("..municipality"),
        with_aliases=False,
        name_ja=factory.Sequence(lambda n: f"面談企業{n}株式会社"),
    )


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    municipality = factory.SelfAttribute("meeting.municipality")
    sme = factory.SubFactory(
        SMEFactory,
        municipality=factory.SelfAttribute("..municipality"),
        name_ja=factory.Sequence(lambda n: f"参加企業{n}"),
    )


class OneOnOneRequestFactory(factory.django.DjangoModelFactory):
    """An SME's request after a symposium, to one of its presenting companies (the first)."""

    class Meta:
        model = OneOnOneRequest

    symposium = factory.SubFactory(MeetingFactory, kind=MeetingKind.SYMPOSIUM, company=None)
    municipality = factory.SelfAttribute("symposium.municipality")
    sme = factory.SubFactory(SMEFactory, municipality=factory.SelfAttribute("..municipality"))
    company = factory.LazyAttribute(lambda o: o.symposium.presenting_companies.first())


def seed_of(company, title="振動低減構造"):
    return PatentFactory(
        municipality=company.municipality,
        company=company,
        title=title,
        abstract="",
        publication_state=PublicationState.PUBLISHED,
    )


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
