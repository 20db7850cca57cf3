"""What the core's pages say and offer, as a user reads them."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import Invitation


@pytest.mark.django_db
def test_invitation_form_makes_the_admin_choose_a_role(client_of, city_a, admin_a):
    client = client_of(admin_a)
    url = reverse("invitation_list", kwargs={"municipality": city_a.slug})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<option value="" selected>役割を選んでください</option>' in page
    response = client.post(url, {"email": "new@example.jp", "role": ""}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert 'id="id_role_error_1">この項目は必須です。</p>' in response.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.filter(municipality=city_a).exists()


@pytest.mark.django_db
def test_page_does_not_save_the_session_when_the_municipality_is_unchanged(client_of, city_a, admin_a):
    client = client_of(admin_a)
    url = reverse("member_list", kwargs={"municipality": city_a.slug})
    client.get(url)
    key = client.session.session_key
    first = client.session.load()
    client.get(url)
    assert client.session.session_key == key
    assert client.session.load() == first
    assert first["kawasaki_last_municipality"] == city_a.slug
