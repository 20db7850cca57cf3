"""Technology introduction sheets: one A4 page per seed, and booklets of several, made with WeasyPrint.

The HTML comes from templates/patents/sheet_pdf.html with static/patents/sheet.css; Japanese text is
set in Noto Sans CJK JP (fonts-noto-cjk), which WeasyPrint embeds as a subset. Resources are fetched
only through SafeURLFetcher: our own static files and this installation's attachment images, nothing
else (no file:///etc/passwd, no internal HTTP address), whatever a user typed into a text field.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import URLFetcher

from kawasaki.models import Municipality

from .models import AttachmentKind, Patent

STATIC_DIR = Path(settings.BASE_DIR) / "static" / "patents"
CSS_PATH = STATIC_DIR / "sheet.css"
SHEET_LANGUAGE = "ja"  # the sheet a city hands out is Japanese


class SafeURLFetcher(URLFetcher):
    """Serve file:// URLs inside the allowed folders; refuse everything else and remember it.

    Refused resources are skipped (WeasyPrint logs a warning and renders without them).
    """

    def __init__(self, allowed_dirs: list[Path] | None = None):
        super().__init__(allowed_protocols=["file"], allow_redirects=False, fail_on_errors=False)
        self.allowed = [p.resolve() for p in (allowed_dirs or self.default_dirs())]
        self.fetched: list[str] = []
        self.refused: list[str] = []

    @staticmethod
    def default_dirs() -> list[Path]:
        return [STATIC_DIR, Path(settings.MEDIA_ROOT) / "patents" / "attachments"]

    def _allowed(self, url: str) -> bool:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parsed.path)).resolve()
        return any(path.is_relative_to(base) for base in self.allowed) and path.is_file()

    def fetch(self, url: str, headers=None):
        if not self._allowed(url):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url[:200]}")
        self.fetched.append(url)
        return super().fetch(url, headers)


def render_pdf(html: str, *, fetcher: SafeURLFetcher | None = None) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = fetcher or SafeURLFetcher()
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    stylesheet = CSS(filename=str(CSS_PATH), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def _image_of(patent: Patent) -> str | None:
    """A prototype photo or drawing to show, as a file URL the fetcher will allow."""
    for attachment in patent.attachments.all():
        if attachment.kind in (AttachmentKind.PROTOTYPE_PHOTO, AttachmentKind.DRAWING):
            name = attachment.file.name.lower()
            if name.endswith((".png", ".jpg", ".jpeg", ".gif", ".svg")):
                return Path(attachment.file.path).resolve().as_uri()
    return None


def _sheet_context(patent: Patent) -> dict:
    return {
        "patent": patent,
        "company": patent.company,
        "image": _image_of(patent),
        "expiry_flag": patent.expiry_flag(),
    }


def sheet_html(patent: Patent) -> str:
    return render_to_string(
        "patents/sheet_pdf.html",
        {
            "sheets": [_sheet_context(patent)],
            "municipality": patent.municipality,
            "printed_at": timezone.localtime(),
            "booklet": False,
        },
    )


def sheet_is_fresh(patent: Patent) -> bool:
    return bool(
        patent.sheet_pdf
        and patent.sheet_generated_at is not None
        and patent.sheet_generated_at >= patent.updated_at
        and patent.sheet_pdf.storage.exists(patent.sheet_pdf.name)
    )


def sheet_for(*, patent: Patent) -> str:
    """The path of the seed's sheet, rendered now unless a cached one is newer than the seed."""
    if sheet_is_fresh(patent):
        return patent.sheet_pdf.path
    started = timezone.now()
    with translation.override(SHEET_LANGUAGE):
        pdf = render_pdf(sheet_html(patent))
    old = patent.sheet_pdf.name if patent.sheet_pdf else ""
    patent.sheet_pdf.save(f"seed-{patent.municipality_id}-{patent.pk}.pdf", ContentFile(pdf), save=False)
    # update() rather than save(): updated_at must not move, or the sheet would be stale at once.
    Patent.objects.filter(pk=patent.pk).update(sheet_pdf=patent.sheet_pdf.name, sheet_generated_at=started)
    patent.sheet_generated_at = started
    if old and old != patent.sheet_pdf.name:
        patent.sheet_pdf.storage.delete(old)
    return patent.sheet_pdf.path


def booklet_pdf(*, patents: list[Patent], municipality: Municipality) -> bytes:
    """Cover, contents and one sheet per seed, in the reader's language."""
    html = render_to_string(
        "patents/sheet_pdf.html",
        {
            "sheets": [_sheet_context(p) for p in patents],
            "municipality": municipality,
            "printed_at": timezone.localtime(),
            "booklet": True,
        },
    )
    return render_pdf(html)
