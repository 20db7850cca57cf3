import factory
from django.utils import timezone

from kawasaki.models import ApiToken, Invitation, Membership, Municipality, Role, User
from kawasaki.models.users import hash_secret

PASSWORD = "correct-horse-battery-staple"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"city-{n}")
    name_ja = factory.Sequence(lambda n: f"テスト市{n}")
    name_en = factory.Sequence(lambda n: f"Test City {n}")
    prefecture = "神奈川県"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Role.COORDINATOR


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation; the raw token is `invitation.raw_token` (only its digest is stored)."""

    class Meta:
        model = Invitation

    municipality = factory.SubFactory(MunicipalityFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.jp")
    role = Role.COORDINATOR
    raw_token = factory.LazyFunction(Invitation.new_token)
    token_hash = factory.LazyAttribute(lambda o: hash_secret(o.raw_token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))

    @classmethod
    def _create(cls, model_class, *args, raw_token=None, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        obj.raw_token = raw_token
        return obj


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token; the raw key is `token.raw_key`."""

    class Meta:
        model = ApiToken

    municipality = factory.SubFactory(MunicipalityFactory)
    user = factory.SubFactory(UserFactory)
    name = "test"
    raw_key = factory.Sequence(lambda n: f"kw_test_key_{n:06d}_abcdefghijklmnop")
    key_hash = factory.LazyAttribute(lambda o: hash_secret(o.raw_key))
    prefix = factory.LazyAttribute(lambda o: o.raw_key[:10])
    read_only = True

    @classmethod
    def _create(cls, model_class, *args, raw_key=None, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        obj.raw_key = raw_key
        return obj
