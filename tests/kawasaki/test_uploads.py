"""The core's upload policy: per-kind caps from the settings, types judged by content."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from kawasaki import uploads


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
PDF = b"%PDF-1.7\n%%EOF\n"


def _check(name: str, data: bytes, kind: str):
    return uploads.validate_upload(SimpleUploadedFile(name, data), kind=kind)


@pytest.mark.parametrize(
    ("kind", "name", "data", "expected"),
    [
        ("deal_document", "a.pdf", PDF, uploads.PDF),
        ("deal_document", "a.docx", DOCX, uploads.DOCX),
        ("deal_document", "a.odt", ODT, uploads.ODT),
        ("deal_document", "a.txt", "契約の覚書".encode("cp932"), uploads.TEXT),
        ("product_photo", "p.png", _png(), uploads.PNG),
        ("subsidy_document", "q.xlsx", XLSX, uploads.XLSX),
        ("subsidy_document", "q.csv", "品目,金額\n試作,100\n".encode(), uploads.CSV),
        ("portfolio_import", "p.jsonl", b'{"number": "JP1"}\n', uploads.JSONL),
    ],
)
def test_accepted_by_content(kind, name, data, expected):
    assert _check(name, data, kind) == expected


@pytest.mark.parametrize(
    ("kind", "name", "data"),
    [
        ("deal_document", "x.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # an executable named .pdf
        ("deal_document", "x.docx", XLSX),  # a workbook named .docx is not a document
        ("deal_document", "x.pdf", b"%PDF-1.4 truncated"),
        ("product_photo", "x.png", PDF),
        ("product_photo", "x.png", b"\x89PNG\r\n\x1a\nrubbish"),
        ("subsidy_document", "x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>" + b"\x00"),
        (
            "subsidy_document",
            "x.docx",
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<!DOCTYPE x>"}),
        ),
        (
            "subsidy_document",
            "x.docx",
            _zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>", "word/vbaProject.bin": b"x"}),
        ),
        ("subsidy_document", "x.txt", b"\x81 \x81 not text"),
        ("deal_document", "empty.pdf", b""),
        ("portfolio_import", "p.csv", b"MZ\x90\x00" + b"\x00" * 100),  # an executable named .csv
        # GIF and markup, refused at every upload point (by signature; an SVG or HTML reads as text).
        ("seed_attachment", "a.gif", b"GIF89a\x01\x01\x01\x01\x80\x01\x01"),
        ("product_photo", "a.gif", b"GIF87a\x01\x01\x01\x01"),
        ("seed_attachment", "d.csv", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("deal_document", "n.txt", b"\xef\xbb\xbf  <!DOCTYPE html><html><script>x</script></html>"),
        ("subsidy_document", "r.csv", b"a,b\n<html><script>alert(1)</script>"),
        ("portfolio_import", "p.csv", b"<?xml version='1.0'?><svg/>"),
    ],
)
def test_refused_by_content(kind, name, data):
    with pytest.raises(ValidationError) as error:
        _check(name, data, kind)
    assert list(error.value.message_dict) == ["file"]


def test_a_zip_bomb_is_refused():
    bomb = _zip(
        {"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d>" + b" " * (50 * 1024 * 1024) + b"</d>"}
    )
    with pytest.raises(ValidationError) as error, translation.override("en"):
        _check("bomb.docx", bomb, "deal_document")
    assert error.value.message_dict == {"file": ["The archive unpacks to too many or too large files."]}


def test_each_kind_has_its_own_cap_from_the_settings(settings):
    settings.KAWASAKI_UPLOAD_MAX_BYTES = {
        **settings.KAWASAKI_UPLOAD_MAX_BYTES,
        "product_photo": 2 * 1024 * 1024,
    }
    assert uploads.max_bytes("product_photo") == 2 * 1024 * 1024
    assert uploads.max_bytes("deal_document") == 20 * 1024 * 1024
    with pytest.raises(ValidationError) as error, translation.override("en"):
        _check("p.png", _png() + b"\x00" * (2 * 1024 * 1024), "product_photo")
    assert error.value.message_dict == {
        "file": ["The file is too large: product photos may be at most 2 MB."]
    }
    with pytest.raises(ValidationError) as error, translation.override("ja"):
        _check("p.png", _png() + b"\x00" * (2 * 1024 * 1024), "product_photo")
    assert error.value.message_dict == {"file": ["ファイルが大きすぎます。製品写真は 2 MB までです。"]}


@pytest.mark.django_db
def test_a_request_body_over_the_largest_cap_is_refused_before_it_is_read(settings):
    settings.KAWASAKI_UPLOAD_MAX_BYTES = dict.fromkeys(uploads.KINDS, 1024 * 1024)
    response = Client().generic(
        "POST", "/accounts/login/", b"x" * (3 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    small = Client().post("/accounts/login/", {"login": "a@example.jp", "password": "x"})
    assert small.status_code == 200
