import datetime as dt

import factory

from subsidies.models import Application, Level, Programme, ProgrammeTemplate, ProgrammeWindow, TemplateWindow

from .core import MunicipalityFactory
from .smes import SMEFactory


class ProgrammeTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeTemplate

    slug = factory.Sequence(lambda n: f"template-{n}")
    name = factory.Sequence(lambda n: f"国の補助金{n}")
    agency = "中小企業庁"
    level = Level.NATIONAL
    max_amount_jpy = 10_000_000


class TemplateWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateWindow

    template = factory.SubFactory(ProgrammeTemplateFactory)
    label = "第1回"
    opens_on = dt.date(2026, 11, 1)
    closes_on = dt.date(2026, 12, 15)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"市の補助金{n}")
    agency = "経済労働局"
    level = Level.CITY
    max_amount_jpy = 5_000_000
    rate_numerator = 2
    rate_denominator = 3


class ProgrammeWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeWindow

    programme = factory.SubFactory(ProgrammeFactory)
    municipality = factory.SelfAttribute("programme.municipality")
    label = "第1回"
    opens_on = dt.date(2026, 11, 1)
    closes_on = dt.date(2026, 12, 15)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    sme = factory.SubFactory(SMEFactory)
    municipality = factory.SelfAttribute("sme.municipality")
    programme = factory.SubFactory(ProgrammeFactory, municipality=factory.SelfAttribute("..municipality"))
    window = factory.SubFactory(ProgrammeWindowFactory, programme=factory.SelfAttribute("..programme"))
    title = factory.Sequence(lambda n: f"共同研究開発{n}")
    amount_requested_jpy = 3_000_000
