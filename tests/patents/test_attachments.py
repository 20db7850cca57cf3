"""Attachments of a seed: upload judged by content, storage under our own names, who may see and
delete them, and the introduction sheet that shows the image."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from PIL import Image

from kawasaki.models import AuditEntry, Role
from kawasaki.pdf import SafeURLFetcher, html_to_pdf
from patents import services, sheets
from patents.models import PatentAttachment
from tests.conftest import make_member
from tests.factories.patents import PatentFactory, company_staff
from tests.helpers.db_state import assert_db_unchanged
from tests.patents.url_probe import tiny_png

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


@pytest.fixture
def seed(company_a):
    with scopes_disabled():
        return PatentFactory(company=company_a, title="色で鮮度を示すラベル", publication_state="published")


@pytest.fixture
def draft(company_a):
    with scopes_disabled():
        return PatentFactory(company=company_a, title="未公開の種", publication_state="draft")


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return html_to_pdf("<html><body><p>図面 1</p></body></html>")


def xlsx_bytes(*, macro: bool = False) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["温度", "時間"])
    workbook.active.append([25, 60])
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not macro:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def upload(client, municipality, patent, *, name, content, kind="prototype_photo", caption=""):
    return client.post(
        url("patent_attachment_add", municipality, pk=patent.pk),
        {"kind": kind, "caption": caption, "file": SimpleUploadedFile(name, content)},
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "patents" / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def errors_of(response) -> list[str]:
    return response.context["attachment_form"].errors.get("file", [])


# --- Upload ---------------------------------------------------------------------------------------


def test_company_staff_uploads_a_photo_stored_under_our_own_name(client_of, city_a, seed, staff_a):
    response = upload(
        client_of(staff_a),
        city_a,
        seed,
        name="../../../etc/試作品 写真.png",
        content=tiny_png(),
        caption="試作品（2025年）",
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/patents/{seed.pk}/#attachments")
    with scopes_disabled():
        attachment = PatentAttachment.objects.get(patent=seed)
        entry = AuditEntry.objects.get(action="patent.attachment_added")
    assert (attachment.kind, attachment.caption, attachment.original_name) == (
        "prototype_photo",
        "試作品（2025年）",
        "試作品 写真.png",
    )
    assert (attachment.content_type, attachment.size, attachment.uploaded_by) == (
        "image/png",
        len(tiny_png()),
        staff_a,
    )
    stored = Path(attachment.file.name)
    assert stored.parts[:2] == ("patents", "attachments")
    assert ".." not in stored.parts
    assert "etc" not in stored.parts
    assert len(stored.stem) == 32
    assert stored.suffix == ".png"
    assert Path(attachment.file.path).read_bytes() == tiny_png()
    assert entry.actor == staff_a
    assert entry.changes["file"] == {"new": "試作品 写真.png"}
    assert entry.changes["kind"] == {"new": "prototype_photo"}


def test_photo_metadata_such_as_gps_is_removed_and_the_picture_turned_upright(
    client_of, city_a, seed, staff_a
):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; viewers rotate 90 degrees clockwise
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 31.0, 50.0), 3: "E", 4: (139.0, 42.0, 10.0)}  # GPS: the lab
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="JPEG", exif=exif.tobytes())
    original = buffer.getvalue()
    assert b"SecretCam" in original

    response = upload(client_of(staff_a), city_a, seed, name="lab.jpg", content=original)
    assert response.status_code == 302
    (stored,) = stored_files()
    data = stored.read_bytes()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.size == (20, 40)  # turned upright as the orientation tag said
    with scopes_disabled():
        attachment = PatentAttachment.objects.get()
    assert attachment.size == len(data)


def test_extension_comes_from_the_content_not_the_name(client_of, city_a, seed, coordinator_a):
    response = upload(client_of(coordinator_a), city_a, seed, name="photo.png", content=jpeg_bytes())
    assert response.status_code == 302
    with scopes_disabled():
        attachment = PatentAttachment.objects.get(patent=seed)
    assert (Path(attachment.file.name).suffix, attachment.content_type) == (".jpg", "image/jpeg")


@pytest.mark.parametrize(
    ("kind", "name", "content", "content_type"),
    [
        ("drawing", "figure.pdf", "pdf", "application/pdf"),
        ("drawing", "figure.webp", "webp", "image/webp"),
        ("experiment_data", "data.csv", "csv_utf8", "text/csv"),
        ("experiment_data", "データ.csv", "csv_cp932", "text/csv"),
        (
            "experiment_data",
            "data.xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("experiment_data", "report.pdf", "pdf", "application/pdf"),
    ],
)
def test_accepted_types_per_kind(client_of, city_a, seed, coordinator_a, kind, name, content, content_type):
    webp = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(webp, format="WEBP")
    contents = {
        "pdf": pdf_bytes(),
        "webp": webp.getvalue(),
        "csv_utf8": "温度,時間\n25,60\n".encode(),
        "csv_cp932": "温度,時間\n25,60\n".encode("cp932"),
        "xlsx": xlsx_bytes(),
    }
    response = upload(client_of(coordinator_a), city_a, seed, name=name, content=contents[content], kind=kind)
    assert response.status_code == 302, errors_of(response)
    with scopes_disabled():
        assert PatentAttachment.objects.get(patent=seed).content_type == content_type


REFUSALS = [
    # (kind, file name, content, the Japanese message expected on the file field)
    (
        "prototype_photo",
        "fake.png",
        b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20,
        "画像を読み込めません",
    ),
    ("prototype_photo", "cut.png", tiny_png()[:40], "画像を読み込めません"),
    ("prototype_photo", "notes.jpg", "メモ,です\n".encode(), "試作品の写真として受け付けられません"),
    ("prototype_photo", "figure.pdf", b"%PDF-1.7\n%%EOF\n", "試作品の写真として受け付けられません"),
    ("prototype_photo", "anim.gif", b"GIF89a" + b"\x00" * 40, "試作品の写真として受け付けられません"),
    ("drawing", "page.pdf", b"%PDF-1.7\n1 0 obj\n", "PDF ファイルが途中で切れているか壊れています"),
    (
        "drawing",
        "script.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        "マークアップ（HTML・SVG・XML）は図面として受け付けません",
    ),
    ("experiment_data", "data.csv", b"\x82\xa0\xff\xfe\xfd\x00\x01", "実験データとして受け付けられません"),
    (
        "experiment_data",
        "data.csv",
        b"\xff\xfe\xfa\xfb\xfc,1\n",
        "UTF-8 でも Shift_JIS（cp932）でもありません",
    ),
    ("experiment_data", "macro.xlsx", xlsx_bytes(macro=True), "マクロ"),
    ("experiment_data", "empty.csv", b"", "空でした"),  # Django's own check on empty uploads
    ("experiment_data", "photo.png", tiny_png(), "実験データとして受け付けられません"),
]


@pytest.mark.parametrize(("kind", "name", "content", "message"), REFUSALS, ids=lambda v: str(v)[:20])
def test_refused_files_say_why_and_leave_nothing(
    client_of, city_a, seed, staff_a, kind, name, content, message
):
    response = upload(client_of(staff_a), city_a, seed, name=name, content=content, kind=kind)
    assert response.status_code == 400
    errors = errors_of(response)
    assert len(errors) == 1, errors
    assert message in errors[0], errors
    assert message in response.content.decode()
    with scopes_disabled():
        assert PatentAttachment.objects.filter(patent=seed).count() == 0
        assert not AuditEntry.objects.filter(action="patent.attachment_added").exists()
    assert stored_files() == []


def test_a_zip_bomb_dressed_as_xlsx_is_refused(client_of, city_a, seed, staff_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    with assert_db_unchanged():
        response = upload(
            client_of(staff_a),
            city_a,
            seed,
            name="bomb.xlsx",
            content=buffer.getvalue(),
            kind="experiment_data",
        )
    assert response.status_code == 400
    assert "アーカイブを展開するとファイルが多すぎるか大きすぎます" in errors_of(response)[0]
    assert stored_files() == []


def test_an_image_with_too_many_pixels_is_refused_before_decoding(client_of, city_a, seed, staff_a):
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # 64 megapixels, a few kB on disk
    with assert_db_unchanged():
        response = upload(client_of(staff_a), city_a, seed, name="huge.png", content=buffer.getvalue())
    assert response.status_code == 400
    assert errors_of(response) == ["画像が大きすぎます。受け付けるのは 50 メガピクセルまでです。"]
    assert stored_files() == []


def test_a_file_over_the_documented_limit_is_refused(client_of, city_a, seed, staff_a, settings):
    settings.KAWASAKI_UPLOAD_MAX_BYTES = {
        **settings.KAWASAKI_UPLOAD_MAX_BYTES,
        "seed_attachment": 1024 * 1024,
    }
    content = b"a,b\n" + b"1,2\n" * (300 * 1024)
    with assert_db_unchanged():
        response = upload(
            client_of(staff_a), city_a, seed, name="big.csv", content=content, kind="experiment_data"
        )
    assert response.status_code == 400
    assert errors_of(response) == ["ファイルが大きすぎます。シーズの添付ファイルは 1 MB までです。"]
    assert stored_files() == []
    page = client_of(staff_a).get(url("patent_detail", city_a, pk=seed.pk)).content.decode()
    assert "1 MB まで" in page  # the limit is stated beside the upload field


def test_refusal_message_in_english(client_of, city_a, seed, staff_a):
    client = client_of(staff_a)
    client.cookies["django_language"] = "en"
    response = upload(client, city_a, seed, name="fake.png", content=b"\x89PNG\r\n\x1a\nrubbish")
    assert errors_of(response) == ["The image cannot be read: it is damaged or not really an image."]
    response = upload(client, city_a, seed, name="x.pdf", content=b"%PDF-1.4\n%%EOF\n")
    assert errors_of(response) == [
        "This file is not accepted as Prototype photo: its content is not PNG, JPEG, WebP."
    ]


def test_the_kind_must_be_one_of_the_three(client_of, city_a, seed, staff_a):
    with assert_db_unchanged():
        response = upload(client_of(staff_a), city_a, seed, name="a.png", content=tiny_png(), kind="other")
    assert response.status_code == 400
    assert response.context["attachment_form"].errors["kind"]
    assert stored_files() == []


# --- Who may do what ------------------------------------------------------------------------------


def test_staff_of_another_company_and_sme_members_cannot_upload(
    client_of, city_a, seed, other_company_a, sme_a
):
    with scopes_disabled():
        other_staff = company_staff(other_company_a)
    with assert_db_unchanged():
        assert (
            upload(client_of(other_staff), city_a, seed, name="a.png", content=tiny_png()).status_code == 404
        )
        assert upload(client_of(sme_a), city_a, seed, name="a.png", content=tiny_png()).status_code == 403
    with scopes_disabled():
        assert PatentAttachment.objects.count() == 0
    assert stored_files() == []


def _attach(patent, actor, content=None, kind="prototype_photo", caption="試作品"):
    with scope(municipality=patent.municipality):
        return services.attachment_add(
            patent=patent,
            actor=actor,
            kind=kind,
            upload=SimpleUploadedFile("p.png", content or tiny_png()),
            caption=caption,
        )


def test_files_are_served_only_to_those_who_see_the_seed(
    client_of, city_a, city_b, seed, draft, staff_a, sme_a, coordinator_a, other_company_a
):
    published = _attach(seed, staff_a)
    unpublished = _attach(draft, staff_a, caption="未公開")
    with scopes_disabled():
        other_staff = company_staff(other_company_a)
    stranger = make_member(city_b, Role.COORDINATOR)

    def get(user, attachment):
        return client_of(user).get(
            url("patent_attachment", city_a, pk=attachment.patent_id, attachment_pk=attachment.pk)
        )

    response = get(sme_a, published)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert b"".join(response.streaming_content) == tiny_png()
    assert response["Content-Disposition"].startswith("inline")
    assert get(sme_a, unpublished).status_code == 404  # an SME sees attachments of published seeds only
    assert get(coordinator_a, unpublished).status_code == 200
    assert get(staff_a, unpublished).status_code == 200
    assert get(other_staff, unpublished).status_code == 404
    assert get(stranger, published).status_code == 404  # not a member of A at all
    # The attachment id under another seed's URL is not found either.
    wrong = url("patent_attachment", city_a, pk=draft.pk, attachment_pk=published.pk)
    assert client_of(coordinator_a).get(wrong).status_code == 404


def test_non_images_are_downloaded_with_the_type_found(client_of, city_a, seed, staff_a, coordinator_a):
    with scope(municipality=city_a):
        attachment = services.attachment_add(
            patent=seed,
            actor=staff_a,
            kind="experiment_data",
            upload=SimpleUploadedFile("結果.html", "温度,時間\n25,60\n".encode()),
        )
    response = client_of(coordinator_a).get(
        url("patent_attachment", city_a, pk=seed.pk, attachment_pk=attachment.pk)
    )
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E7%B5%90%E6%9E%9C.csv" in response["Content-Disposition"]


def test_detail_page_lists_attachments_and_offers_delete_only_to_curators(
    client_of, city_a, seed, staff_a, sme_a
):
    attachment = _attach(seed, staff_a, caption="試作品の外観")
    file_url = url("patent_attachment", city_a, pk=seed.pk, attachment_pk=attachment.pk)
    sme_page = client_of(sme_a).get(url("patent_detail", city_a, pk=seed.pk)).content.decode()
    staff_page = client_of(staff_a).get(url("patent_detail", city_a, pk=seed.pk)).content.decode()
    for page in (sme_page, staff_page):
        assert "試作品の外観" in page
        assert f'<img src="{file_url}"' in page
    assert 'data-testid="attachment-delete"' in staff_page
    assert 'data-testid="attachment-form"' in staff_page
    assert 'data-testid="attachment-delete"' not in sme_page
    assert 'data-testid="attachment-form"' not in sme_page


def test_delete_removes_row_and_file_and_audits(
    client_of, city_a, seed, staff_a, sme_a, coordinator_a, django_capture_on_commit_callbacks
):
    attachment = _attach(seed, staff_a, caption="消す写真")
    path = Path(attachment.file.path)
    delete_url = url("patent_attachment_delete", city_a, pk=seed.pk, attachment_pk=attachment.pk)
    with assert_db_unchanged():
        assert client_of(sme_a).post(delete_url).status_code == 403
        assert client_of(coordinator_a).get(delete_url).status_code == 405
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(coordinator_a).post(delete_url)
    assert response.status_code == 302
    with scopes_disabled():
        assert not PatentAttachment.objects.filter(pk=attachment.pk).exists()
        entry = AuditEntry.objects.get(action="patent.attachment_deleted")
    assert not path.exists()
    assert (entry.actor, entry.changes["caption"]) == (coordinator_a, {"old": "消す写真"})
    assert client_of(coordinator_a).post(delete_url).status_code == 404


# --- The introduction sheet shows the image -------------------------------------------------------


def test_sheet_shows_the_photo_and_is_rendered_again_after_a_change(seed, staff_a):
    with scope(municipality=seed.municipality):
        before = sheets.sheet_for(patent=seed, language="ja")
        attachment = _attach(seed, staff_a, caption="試作品（2025年）")
        assert sheets.sheet_is_fresh(seed, "ja") is False
        html = sheets.sheet_html(seed)
        assert Path(attachment.file.path).resolve().as_uri() in html
        assert "試作品（2025年）" in html
        fetcher = SafeURLFetcher(allowed_dirs=sheets.attachment_dirs())
        html_to_pdf(html, stylesheets=[sheets.STYLESHEET], fetcher=fetcher)
        assert fetcher.fetched == [Path(attachment.file.path).resolve().as_uri()]
        after = sheets.sheet_for(patent=seed, language="ja")
        assert after != before
        assert not Path(before).exists()
        services.attachment_delete(attachment=attachment, actor=staff_a)
        assert sheets.sheet_is_fresh(seed, "ja") is False
