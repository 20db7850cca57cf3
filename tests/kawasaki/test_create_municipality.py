"""Bootstrapping a city: manage.py create_municipality, then the first admin follows the printed link."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry, Membership, Municipality, Role
from tests.factories import MunicipalityFactory


def create(**overrides):
    args = {
        "slug": "yokohama",
        "name_ja": "横浜市",
        "name_en": "Yokohama City",
        "prefecture": "神奈川県",
        "admin_email": "IT-Admin@city.yokohama.example.jp",
    }
    args.update(overrides)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_municipality",
        *[f"--{k.replace('_', '-')}={v}" for k, v in args.items()],
        stdout=out,
        stderr=err,
    )
    return out.getvalue().strip(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_create_municipality_and_the_first_admin_joins_through_the_link():
    link, note = create()
    assert "yokohama" in note
    with scopes_disabled():
        city = Municipality.objects.get(slug="yokohama")
        assert (city.name_ja, city.name_en, city.prefecture) == ("横浜市", "Yokohama City", "神奈川県")
        assert AuditEntry.objects.filter(municipality=city, action="municipality.created").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["it-admin@city.yokohama.example.jp"]
    assert link in mail.outbox[0].body

    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    page = client.get("/" + path)
    assert page.status_code == 200
    password = "Hibiya-Line-2026-sakura"
    done = client.post("/" + path, {"password1": password, "password2": password})
    assert done.status_code == 302, done.content[:500]
    with scopes_disabled():
        membership = Membership.objects.get(municipality=city)
    assert membership.role == Role.MUNICIPALITY_ADMIN
    assert membership.user.email == "it-admin@city.yokohama.example.jp"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "Yoko hama"}, "slug"),
        ({"slug": "taken"}, "slug"),
        ({"name_ja": " "}, "name_ja"),
        ({"prefecture": ""}, "prefecture"),
        ({"admin_email": "not-an-address"}, "email"),
        ({"colour": "pink"}, "colour"),
    ],
)
def test_create_municipality_refuses_bad_input_and_writes_nothing(overrides, field):
    MunicipalityFactory(slug="taken")
    with pytest.raises(CommandError, match=field):
        create(**overrides)
    with scopes_disabled():
        assert list(Municipality.objects.values_list("slug", flat=True)) == ["taken"]
        assert not AuditEntry.objects.filter(action="municipality.created").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_create_municipality_takes_the_colour_given():
    create(colour="Teal")
    with scopes_disabled():
        city = Municipality.objects.get(slug="yokohama")
        assert city.colour == "teal"
        entry = AuditEntry.objects.get(municipality=city, action="municipality.created")
    assert entry.changes["colour"] == {"new": "teal"}


@pytest.mark.django_db
def test_create_municipality_without_a_colour_takes_one_no_city_has():
    MunicipalityFactory(slug="kawasaki", colour="blue")
    MunicipalityFactory(slug="sagamihara", colour="green")
    create()
    with scopes_disabled():
        assert Municipality.objects.get(slug="yokohama").colour == "orange"


@pytest.mark.django_db
def test_create_municipality_bad_colour_names_the_palette():
    with pytest.raises(CommandError) as error:
        create(colour="pink")
    assert "blue, green, orange, purple, red, teal" in str(error.value)
