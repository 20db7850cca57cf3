"""The shared PDF renderer: only our static files and data: URIs are fetched, never the network or
another file; Japanese text is set in an embedded Noto CJK font; the template renders in the language
asked for."""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from kawasaki import pdf
from kawasaki.pdf import BASE_URL, STATIC_DIR, SafeURLFetcher, html_to_pdf, render_pdf

PNG_DATA_URI = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils is installed by bin/test",
)


@pytest.fixture
def listener():
    """A real HTTP server on a free local port that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def template_dir(settings, tmp_path):
    """A folder of test templates, searched before the project's."""
    folder = tmp_path / "templates"
    folder.mkdir()
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def pdf_text(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(body)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def embedded_fonts(body: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_fetcher_serves_static_files_and_data_uris_only(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the pdf")
    fetcher = SafeURLFetcher()
    allowed = [(STATIC_DIR / "favicon.svg").as_uri(), BASE_URL + "css/pdf.css", PNG_DATA_URI]
    refused = [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "HTTP://127.0.0.1:6379/",
        "ftp://example.com/file",
        "file:///etc/passwd",
        secret.as_uri(),
        BASE_URL + "../kawasaki/settings/base.py",  # out of static/ by ..
        BASE_URL + "css/",  # a folder, not a file
        BASE_URL + "css/missing.css",
        "file://example.com" + str(STATIC_DIR / "favicon.svg"),  # a remote host's file
        "javascript:alert(1)",
    ]
    assert [url for url in allowed if fetcher.is_allowed(url)] == allowed
    assert [url for url in refused if fetcher.is_allowed(url)] == []
    for url in refused:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    assert fetcher.fetch(allowed[0]).read().startswith(b"<svg")
    assert fetcher.fetch(PNG_DATA_URI).read().startswith(b"\x89PNG")
    assert fetcher.fetched == [allowed[0], PNG_DATA_URI]


def test_an_extra_folder_is_served_only_when_the_caller_vouches_for_it(tmp_path):
    image = tmp_path / "uploads" / "photo.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG")
    assert SafeURLFetcher().is_allowed(image.as_uri()) is False
    assert SafeURLFetcher(allowed_dirs=[image.parent]).is_allowed(image.as_uri()) is True
    assert SafeURLFetcher(allowed_dirs=[image.parent]).is_allowed((tmp_path / "other.png").as_uri()) is False


def test_stylesheets_must_be_under_static():
    with pytest.raises(ValueError, match="not under static"):
        html_to_pdf("<p>x</p>", stylesheets=["../kawasaki/settings/base.py"])


def test_network_images_are_skipped_without_a_request(listener):
    address, hits = listener
    fetcher = SafeURLFetcher()
    html = (
        f'<html><body><img src="{address}/tracker.png"><img src="{address.replace("http", "https")}/x.png">'
        f'<link rel="stylesheet" href="{address}/style.css"><img src="favicon.svg"><p>本文</p></body></html>'
    )
    body = html_to_pdf(html, fetcher=fetcher)
    assert body.startswith(b"%PDF-")
    assert hits == []  # nothing reached the server
    assert sorted(fetcher.refused) == sorted(
        [f"{address}/tracker.png", f"{address.replace('http', 'https')}/x.png", f"{address}/style.css"]
    )
    assert fetcher.fetched == [BASE_URL + "favicon.svg"]  # relative URLs resolve against static/


@needs_poppler
def test_render_pdf_sets_japanese_in_an_embedded_cjk_font_in_the_language_asked(
    template_dir, listener, tmp_path
):
    address, hits = listener
    (template_dir / "pdf_probe.html").write_text(
        '{% load i18n %}<!DOCTYPE html><html lang="{{ LANGUAGE_CODE }}"><body>'
        "<h1>{{ title }}</h1><p>{% translate 'Members' %} / {{ LANGUAGE_CODE }}</p>"
        f'<img src="{address}/logo.png" alt=""></body></html>',
        encoding="utf-8",
    )
    context = {"title": "川崎市知財ビジネスマッチング"}
    japanese = render_pdf(template_name="pdf_probe.html", context=context, language="ja")
    english = render_pdf(template_name="pdf_probe.html", context=context, language="en")
    assert hits == []
    text = pdf_text(japanese, tmp_path)
    assert "川崎市知財ビジネスマッチング" in text
    assert "メンバー / ja" in text
    assert "Members / en" in pdf_text(english, tmp_path)
    cjk = [row for row in embedded_fonts(japanese, tmp_path) if "Noto-Sans-CJK-JP" in row[0]]
    assert cjk
    assert all(row[-5] == "yes" for row in cjk)  # the "emb" column


def test_the_base_stylesheet_is_the_one_place_for_fonts():
    css = pdf.BASE_STYLESHEET.read_text(encoding="utf-8")
    assert '"Noto Sans CJK JP"' in css
    assert pdf.BASE_STYLESHEET in pdf.LAYOUT_FILES
    for document in ("patents/sheet.css", "reports/report-print.css", "smes/plan_pdf.css"):
        assert '"Noto' not in (STATIC_DIR / document).read_text(encoding="utf-8"), document


def test_no_module_but_the_renderer_calls_weasyprint():
    """Every PDF goes through kawasaki.pdf, so none is rendered without the restricted fetcher."""
    root = Path(__file__).resolve().parents[2]
    apps = ("kawasaki", "patents", "smes", "matching", "negotiations", "subsidies", "reports")
    users = sorted(
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*.py")
        if re.search(r"^\s*(from|import) weasyprint", path.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert users == ["kawasaki/pdf.py"]
