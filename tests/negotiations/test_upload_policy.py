"""Deal documents and product photos go through the core's upload policy (kawasaki.uploads)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from negotiations.models import Document, TimelineEntry

BASE = "/m/city-a/negotiations"


def _media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _post(client, deal, upload):
    client.cookies["django_language"] = "en"
    return client.post(
        f"{BASE}/deals/{deal.pk}/documents/",
        {"kind": "other", "title": "big", "side": "coordinator", "file": upload},
    )


@pytest.mark.django_db
def test_a_60_mb_pdf_of_zeros_is_refused_with_the_limit_and_nothing_is_written(
    client_of, deal_a, parties_a, settings
):
    big = SimpleUploadedFile("big.pdf", b"\x00" * (60 * 1024 * 1024), content_type="application/pdf")
    response = _post(client_of(parties_a["sme"]), deal_a, big)
    assert response.status_code == 400
    assert "The file is too large: deal documents may be at most 20 MB." in response.content.decode()
    with scopes_disabled():
        assert Document.objects.count() == 0
        assert TimelineEntry.objects.filter(kind="document").count() == 0
    assert _media_files(settings) == []


@pytest.mark.django_db
def test_an_executable_renamed_pdf_is_refused(client_of, deal_a, parties_a, settings):
    exe = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00" + b"\x00" * 2000, content_type="application/pdf")
    response = _post(client_of(parties_a["sme"]), deal_a, exe)
    assert response.status_code == 400
    assert (
        "This file is not accepted as deal documents: its content is not PDF, DOCX, DOC, ODT, TXT."
        in response.content.decode()
    )
    with scopes_disabled():
        assert Document.objects.count() == 0
    assert _media_files(settings) == []


@pytest.mark.django_db
def test_the_limit_comes_from_the_settings_and_is_named_in_japanese(client_of, deal_a, parties_a, settings):
    settings.KAWASAKI_UPLOAD_MAX_BYTES = {**settings.KAWASAKI_UPLOAD_MAX_BYTES, "deal_document": 1024 * 1024}
    pdf = b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    client = client_of(parties_a["sme"])
    response = client.post(
        f"{BASE}/deals/{deal_a.pk}/documents/",
        {"kind": "other", "title": "x", "side": "coordinator", "file": SimpleUploadedFile("x.pdf", pdf)},
    )
    assert response.status_code == 400
    assert "ファイルが大きすぎます。商談の書類は 1 MB までです。" in response.content.decode()
    with scopes_disabled():
        assert Document.objects.count() == 0


@pytest.mark.django_db
def test_a_real_pdf_within_the_limit_is_stored(client_of, deal_a, parties_a):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = _post(client_of(parties_a["sme"]), deal_a, SimpleUploadedFile("ok.pdf", pdf))
    assert response.status_code == 302
    with scopes_disabled():
        assert Document.objects.get().file.read() == pdf
