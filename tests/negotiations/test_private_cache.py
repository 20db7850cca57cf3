"""Signed-in pages, downloads and API answers carry Cache-Control: private, no-store."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from negotiations.models import Document

BASE = "/m/city-a/negotiations"


@pytest.mark.django_db
def test_a_page_a_pdf_download_and_an_api_answer_are_not_cached(
    client_of, api_client_of, deal_a, coordinator_a, city_a
):
    with scopes_disabled():
        document = Document(
            municipality=city_a, negotiation=deal_a, kind="other", side="coordinator", title="NDA", version=1
        )
        document.file.save("nda.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        document.uploaded_by = coordinator_a
        document.save()
    client = client_of(coordinator_a)
    page = client.get(f"{BASE}/deals/{deal_a.pk}/")
    assert (page.status_code, page["Cache-Control"]) == (200, "private, no-store")
    download = client.get(f"{BASE}/documents/{document.pk}/")
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    assert download["Cache-Control"] == "private, no-store"
    api = api_client_of(coordinator_a, city_a).get("/api/v1/negotiations/")
    assert (api.status_code, api["Cache-Control"]) == (200, "private, no-store")
