import factory

from kawasaki.models import Role
from patents.models import CompanyAlias, LargeCompany, Patent, PublicationState
from tests.factories.core import MembershipFactory, MunicipalityFactory, UserFactory


class LargeCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LargeCompany
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    name_ja = factory.Sequence(lambda n: f"大企業{n}株式会社")
    name_en = factory.Sequence(lambda n: f"Big Corp {n}")

    @factory.post_generation
    def with_aliases(obj, create, extracted, **kwargs):
        """The company's names as its aliases (as company_create does); with_aliases=False: none."""
        if create and extracted is not False:
            for name in {obj.name_ja, obj.name_en} - {""}:
                CompanyAlias.objects.get_or_create(municipality=obj.municipality, company=obj, name=name)


class PatentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patent

    company = factory.SubFactory(LargeCompanyFactory)
    municipality = factory.SelfAttribute("company.municipality")
    number = factory.Sequence(lambda n: f"JP{7000000 + n}B2")
    title = factory.Sequence(lambda n: f"Seed technology {n}")
    abstract = "An abstract of the invention."
    publication_state = PublicationState.DRAFT


def company_staff(company, **kwargs):
    """A user who is IP staff of `company` in its municipality."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, municipality=company.municipality, role=Role.COMPANY_STAFF, company=company)
    return user
