"""Every PDF the platform makes is rendered here: a Django template, set in Noto CJK, laid out by WeasyPrint.

    from kawasaki.pdf import render_pdf

    body = render_pdf(
        template_name="reports/annual_report.html",
        context={...},
        language="ja",
        stylesheets=["reports/report-print.css"],
    )

- **One restricted fetcher.** Whatever a template (or the user text inside it) points at goes through
  `SafeURLFetcher`: files under `static/` and `data:` URIs are served; a folder the calling app vouches
  for (e.g. the attachment images of seeds) may be added with `allowed_dirs`; everything else, the
  network (http, https, ftp) and any other file path, is refused and the PDF renders without it.
- **One place for fonts and page defaults.** `static/css/pdf.css` (`BASE_STYLESHEET`) comes first in
  every PDF: A4 and the Noto CJK families from fonts-noto-cjk (Japanese text is embedded as a subset).
  A document's own stylesheet (a path under `static/`) refines it.
- **One base URL.** Relative URLs in templates resolve against `static/`.

Apps that cache a rendered PDF by a digest of its layout include `LAYOUT_FILES` in that digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import URLFetcher

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()
BASE_URL = STATIC_DIR.as_uri() + "/"
BASE_STYLESHEET = STATIC_DIR / "css" / "pdf.css"
LAYOUT_FILES = (BASE_STYLESHEET,)


class SafeURLFetcher(URLFetcher):
    """Serve `data:` URIs and file:// URLs of files inside `static/` or the extra `allowed_dirs`;
    refuse everything else and remember it.

    Refused resources are skipped (WeasyPrint logs a warning and renders without them). `fetched` and
    `refused` list the URLs asked for, for tests and logs.
    """

    def __init__(self, allowed_dirs: Iterable[Path] = ()):
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False, fail_on_errors=False)
        self.allowed = [STATIC_DIR, *(Path(p).resolve() for p in allowed_dirs)]
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def is_allowed(self, url: str) -> bool:
        parsed = urlparse(url)
        scheme = parsed.scheme.lower()
        if scheme == "data":
            return True
        if scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parsed.path)).resolve()
        return any(path.is_relative_to(base) for base in self.allowed) and path.is_file()

    def fetch(self, url: str, headers=None):
        if not self.is_allowed(url):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url[:200]}")
        self.fetched.append(url)
        return super().fetch(url, headers)


def static_path(name: str | Path) -> Path:
    """The file of a stylesheet named relative to `static/` (e.g. "patents/sheet.css"), never outside it."""
    path = (STATIC_DIR / name).resolve()
    if not path.is_relative_to(STATIC_DIR):
        raise ValueError(f"{name} is not under static/")
    return path


def html_to_pdf(
    html: str, *, stylesheets: Sequence[str | Path] = (), fetcher: SafeURLFetcher | None = None
) -> bytes:
    """Lay out HTML that is already rendered. `stylesheets` are paths under `static/`, applied after the
    base stylesheet; stylesheets are read from disk (they are ours), not through the fetcher."""
    from weasyprint import CSS, HTML

    fetcher = fetcher if fetcher is not None else SafeURLFetcher()
    sheets = [
        CSS(filename=str(path), url_fetcher=fetcher)
        for path in [BASE_STYLESHEET, *(static_path(s) for s in stylesheets)]
    ]
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(stylesheets=sheets)


def render_pdf(
    *,
    template_name: str,
    context: dict[str, Any],
    language: str,
    request: HttpRequest | None = None,
    stylesheets: Sequence[str | Path] = (),
    allowed_dirs: Iterable[Path] = (),
    fetcher: SafeURLFetcher | None = None,
) -> bytes:
    """Render `template_name` with `context` in `language` and return the PDF.

    The template sees `LANGUAGE_CODE` (for `<html lang>`) unless the context sets it. `request` is passed
    to the template engine when given (context processors run then). `allowed_dirs` lets the fetcher
    read files under further folders the caller vouches for (uploaded images of this installation);
    pass a `fetcher` instead to inspect what was fetched and refused.
    """
    if fetcher is None:
        fetcher = SafeURLFetcher(allowed_dirs=allowed_dirs)
    with translation.override(language):
        html = render_to_string(template_name, {"LANGUAGE_CODE": language, **context}, request=request)
        return html_to_pdf(html, stylesheets=stylesheets, fetcher=fetcher)
