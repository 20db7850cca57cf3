"""The About page carries the notices the data licences ask for, in both languages, to anyone."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "notice"),
    [
        ("ja", "このサービスについて", "Electronic Dictionary Research and Development Group（EDRDG）の財産"),
        ("en", "About this service", "property of the Electronic Dictionary Research and Development Group"),
    ],
)
def test_about_page_names_jmdict_and_its_licence(client, language, heading, notice):
    response = client.get(reverse("about"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert notice in body
    assert "https://www.edrdg.org/edrdg/licence.html" in body
    assert "Apache License 2.0" in body


@pytest.mark.django_db
def test_every_page_links_to_about(client):
    login = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'href="{reverse("about")}"' in login
