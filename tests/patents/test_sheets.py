import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.pdf import SafeURLFetcher, html_to_pdf
from patents import services, sheets
from tests.factories.patents import PatentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(company_a):
    with scopes_disabled():
        return PatentFactory(
            company=company_a,
            title="食品の鮮度を色で知らせるラベル",
            plain_summary="肉や魚の傷み具合をラベルの色で見分けられます。",
            application_examples="精肉のパック\n仕出し弁当",
            fit_clear_use="yes",
            publication_state="published",
        )


def fonts_of(pdf_path) -> str:
    return subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is installed by bin/test")
def test_sheet_embeds_a_japanese_font(seed):
    with scope(municipality=seed.municipality):
        path = sheets.sheet_for(patent=seed)
    rows = [line.split() for line in fonts_of(path).splitlines()[2:]]
    cjk = [row for row in rows if "Noto-Sans-CJK-JP" in row[0]]
    assert cjk, rows
    assert all(row[-5] == "yes" for row in cjk)  # the "emb" column


def test_sheet_is_cached_until_the_seed_changes(seed, coordinator_a):
    with scope(municipality=seed.municipality):
        first = sheets.sheet_for(patent=seed)
        seed.refresh_from_db()
        assert sheets.sheet_is_fresh(seed) is True
        assert sheets.sheet_for(patent=seed) == first
        services.patent_update(patent=seed, actor=coordinator_a, data={"plain_summary": "新しい説明"})
        seed.refresh_from_db()
        assert sheets.sheet_is_fresh(seed) is False
        second = sheets.sheet_for(patent=seed)
    assert second != first


def test_sheet_pdf_refuses_local_files_and_internal_urls(seed, tmp_path):
    """User text is escaped; even markup that reached the HTML is fetched only through the core's fetcher,
    with the attachments folder as the one extra place it may read."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the pdf")
    fetcher = SafeURLFetcher(allowed_dirs=sheets.attachment_dirs())
    with scope(municipality=seed.municipality):
        html = sheets.sheet_html(seed).replace(
            "</body>",
            f'<img src="file:///etc/passwd"><img src="{secret.as_uri()}">'
            '<img src="http://169.254.169.254/latest/meta-data/"></body>',
        )
    pdf = html_to_pdf(html, stylesheets=[sheets.STYLESHEET], fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == sorted(
        ["file:///etc/passwd", secret.as_uri(), "http://169.254.169.254/latest/meta-data/"]
    )
    assert fetcher.fetched == []


def test_user_text_with_markup_is_escaped_not_fetched(seed, coordinator_a):
    with scope(municipality=seed.municipality):
        services.patent_update(
            patent=seed, actor=coordinator_a, data={"plain_summary": '<img src="file:///etc/passwd">'}
        )
        html = sheets.sheet_html(seed)
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html


def test_sheet_and_booklet_pages(client_of, city_a, sme_a, seed, company_a):
    with scopes_disabled():
        draft = PatentFactory(company=company_a, title="Draft")
    client = client_of(sme_a)
    response = client.get(reverse("patent_sheet", kwargs={"municipality": city_a.slug, "pk": seed.pk}))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert (
        client.get(reverse("patent_sheet", kwargs={"municipality": city_a.slug, "pk": draft.pk})).status_code
        == 404
    )
    booklet = client.post(
        reverse("patent_booklet", kwargs={"municipality": city_a.slug}), {"ids": [seed.pk, draft.pk]}
    )
    assert (booklet.status_code, booklet["Content-Type"]) == (200, "application/pdf")
    assert booklet.content.startswith(b"%PDF")


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def sheet_files(patent) -> list[str]:
    from django.conf import settings

    folder = Path(settings.MEDIA_ROOT) / "patents" / "sheets" / str(patent.municipality_id) / str(patent.pk)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_sheet_is_in_the_readers_language_and_cached_per_language(client_of, city_a, sme_a, seed):
    sheet_url = reverse("patent_sheet", kwargs={"municipality": city_a.slug, "pk": seed.pk})
    japanese = client_of(sme_a)
    english = client_of(sme_a)
    english.cookies["django_language"] = "en"

    ja = japanese.get(sheet_url)
    en = english.get(sheet_url)
    assert (ja["Content-Language"], en["Content-Language"]) == ("ja", "en")
    ja_text, en_text = pdf_text(ja.content), pdf_text(en.content)
    assert "技術紹介シート" in ja_text
    assert "中小企業への適合" in ja_text
    assert "Technology introduction sheet" in en_text
    assert "Fit for SMEs" in en_text
    assert "Technology introduction sheet" not in ja_text
    assert "技術紹介シート" not in en_text
    files = sheet_files(seed)
    assert [f[:3] for f in files] == ["en-", "ja-"]

    # Asked again, each language comes from its cache: the same bytes, no new file.
    assert english.get(sheet_url).content == en.content
    assert japanese.get(sheet_url).content == ja.content
    assert sheet_files(seed) == files


def test_both_languages_go_stale_when_the_seed_fit_profile_or_company_changes(seed, coordinator_a):
    from patents.models import LargeCompany

    with scope(municipality=seed.municipality):
        for language in ("ja", "en"):
            sheets.sheet_for(patent=seed, language=language)
        assert sheets.sheet_is_fresh(seed, "ja")
        assert sheets.sheet_is_fresh(seed, "en")

        services.patent_update(patent=seed, actor=coordinator_a, data={"fit_low_effort": "yes"})
        seed.refresh_from_db()
        assert not sheets.sheet_is_fresh(seed, "ja")
        assert not sheets.sheet_is_fresh(seed, "en")
        en_path = sheets.sheet_for(patent=seed, language="en")
        assert sheets.sheet_is_fresh(seed, "en")
        assert not sheets.sheet_is_fresh(seed, "ja")
        assert len([f for f in sheet_files(seed) if f.startswith("en-")]) == 1  # the stale one is gone

        company = LargeCompany.objects.get(pk=seed.company_id)
        services.company_update(company=company, actor=coordinator_a, data={"contact_name": "知財部 山田"})
        seed = type(seed).objects.select_related("company").get(pk=seed.pk)
        assert not sheets.sheet_is_fresh(seed, "en")
        assert "知財部 山田" in pdf_text(Path(sheets.sheet_for(patent=seed, language="en")).read_bytes())
        assert en_path != sheets.sheet_for(patent=seed, language="en")


def test_sheet_language_falls_back_to_the_site_language():
    assert [sheets.sheet_language(code) for code in ("en", "en-us", "ja", "fr", "", None)] == [
        "en",
        "en",
        "ja",
        "ja",
        "ja",
        "ja",
    ]


def test_background_render_makes_every_language(seed):
    from patents.tasks import render_sheet_task

    render_sheet_task(municipality_id=seed.municipality_id, patent_id=seed.pk)  # in process
    with scope(municipality=seed.municipality):
        assert sheets.sheet_is_fresh(seed, "ja")
        assert sheets.sheet_is_fresh(seed, "en")
