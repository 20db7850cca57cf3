"""Contact persons of an SME: coordinators and the SME's own members keep them; a large company sees a
person only when that person (and the SME) agreed to share; another SME's or city's person is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry
from smes import selectors
from smes.models import ContactPerson
from tests.factories.matching import member_of, staff_of
from tests.factories.smes import SMEFactory
from tests.matching.conftest import make_company


def _person(sme, name, **kwargs):
    with scopes_disabled():
        return ContactPerson.objects.create(
            municipality=sme.municipality, sme=sme, name=name, email=f"{len(name)}@example.jp", **kwargs
        )


def _url(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


DATA = {
    "name": "山田 太郎",
    "role": "技術部長",
    "phone": "044-000-0000",
    "email": "yamada@example.jp",
    "preferred_contact": "phone",
    "consent_to_share": "on",
}


@pytest.mark.django_db
def test_company_sees_no_contact_person_without_consent(city_a, sme_a, coordinator_a):
    sme_a.consent_to_share = True
    sme_a.save()
    _person(sme_a, "非公開の人")
    shared = _person(sme_a, "公開の人", consent_to_share=True)
    with scopes_disabled():
        company_user = staff_of(make_company(city_a, "川崎電機"))
        seen = list(selectors.contact_persons_visible_to(user=company_user, municipality=city_a, sme=sme_a))
        assert seen == [shared]
        # The coordinator and the SME's own member see both.
        names = {"非公開の人", "公開の人"}
        for user in (coordinator_a, member_of(sme_a)):
            assert {
                p.name
                for p in selectors.contact_persons_visible_to(user=user, municipality=city_a, sme=sme_a)
            } == names
        # A member of another SME sees only the consenting one.
        other = member_of(SMEFactory(municipality=city_a))
        assert list(selectors.contact_persons_visible_to(user=other, municipality=city_a, sme=sme_a)) == [
            shared
        ]


@pytest.mark.django_db
def test_company_sees_none_when_the_sme_does_not_share_its_profile(city_a, sme_a):
    sme_a.consent_to_share = False
    sme_a.save()
    _person(sme_a, "公開の人", consent_to_share=True)
    with scopes_disabled():
        company_user = staff_of(make_company(city_a, "川崎電機"))
        assert (
            list(selectors.contact_persons_visible_to(user=company_user, municipality=city_a, sme=sme_a))
            == []
        )


@pytest.mark.django_db
def test_company_cannot_open_or_add_contact_persons(client_of, city_a, sme_a):
    person = _person(sme_a, "山田")
    with scopes_disabled():
        company_user = staff_of(make_company(city_a, "川崎電機"))
    client = client_of(company_user)
    assert client.get(_url("sme_detail", city_a, pk=sme_a.pk)).status_code in (403, 404)
    assert client.post(_url("contactperson_create", city_a, pk=sme_a.pk), DATA).status_code in (403, 404)
    assert client.post(_url("contactperson_edit", city_a, pk=person.pk), DATA).status_code in (403, 404)
    assert client.post(_url("contactperson_delete", city_a, pk=person.pk)).status_code in (403, 404)
    with scopes_disabled():
        assert list(ContactPerson.objects.values_list("name", "role")) == [("山田", "")]


@pytest.mark.django_db
def test_coordinator_adds_edits_and_removes_a_contact_person(client_of, city_a, sme_a, coordinator_a):
    client = client_of(coordinator_a)
    response = client.post(_url("contactperson_create", city_a, pk=sme_a.pk), DATA)
    assert response.status_code == 302
    with scopes_disabled():
        person = ContactPerson.objects.get()
        assert (person.sme, person.name, person.preferred_contact, person.consent_to_share) == (
            sme_a,
            "山田 太郎",
            "phone",
            True,
        )
    page = client.get(_url("sme_detail", city_a, pk=sme_a.pk)).content.decode()
    assert "山田 太郎" in page
    assert "044-000-0000" in page
    assert "yamada@example.jp" in page

    response = client.post(_url("contactperson_edit", city_a, pk=person.pk), {**DATA, "consent_to_share": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.consent_to_share is False
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="contact_person.updated").get()
        assert entry.changes["consent_to_share"] == {"old": True, "new": False}

    assert client.post(_url("contactperson_delete", city_a, pk=person.pk)).status_code == 302
    with scopes_disabled():
        assert not ContactPerson.objects.exists()


@pytest.mark.django_db
def test_contact_person_needs_its_preferred_way_of_contact(client_of, city_a, sme_a, coordinator_a):
    response = client_of(coordinator_a).post(
        _url("contactperson_create", city_a, pk=sme_a.pk), {**DATA, "phone": "", "preferred_contact": "phone"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    with scopes_disabled():
        assert not ContactPerson.objects.exists()


@pytest.mark.django_db
def test_sme_member_keeps_their_own_contacts_only(client_of, city_a, sme_a, sme_member_a):
    client = client_of(sme_member_a)
    assert client.post(_url("contactperson_create", city_a, pk=sme_a.pk), DATA).status_code == 302
    other_sme = SMEFactory(municipality=city_a)
    other = _person(other_sme, "他社の人")
    assert client.post(_url("contactperson_create", city_a, pk=other_sme.pk), DATA).status_code == 404
    assert client.post(_url("contactperson_edit", city_a, pk=other.pk), DATA).status_code == 404
    assert client.post(_url("contactperson_delete", city_a, pk=other.pk)).status_code == 404
    with scopes_disabled():
        assert sorted(ContactPerson.objects.values_list("sme_id", "name")) == sorted(
            [(sme_a.pk, "山田 太郎"), (other_sme.pk, "他社の人")]
        )
    page = client.get(_url("sme_detail", city_a, pk=sme_a.pk)).content.decode()
    assert "山田 太郎" in page
    assert "他社の人" not in page


@pytest.mark.django_db
def test_shared_profile_shows_the_persons_who_agreed_to_be_shared(client_of, city_a, sme_a, coordinator_a):
    with scopes_disabled():
        sme_a.consent_to_share = True
        sme_a.save(update_fields=["consent_to_share"])
        _person(sme_a, "共有 太郎", phone="044-555-0001", consent_to_share=True)
        _person(sme_a, "非共有 花子", phone="044-555-0002", consent_to_share=False)
        staff = staff_of(make_company(city_a, "川崎電機"))
    url = _url("sme_shared", city_a, pk=sme_a.pk)
    for reader in (staff, coordinator_a):  # the coordinator sees here what a company sees
        body = client_of(reader).get(url).content.decode()
        assert 'data-testid="shared-contacts"' in body
        assert "共有 太郎" in body
        assert 'href="tel:044-555-0001"' in body
        assert "非共有 花子" not in body
        assert "044-555-0002" not in body
