"""Technology introduction sheets: one A4 page per seed, and booklets of several, made with WeasyPrint.

A seed's sheet is cached per language as a file named by a digest of everything it shows
(`sheet_stamp`): when the seed, its fit profile, its attachments, its company's contact or the layout
change, the name changes and the next request renders a new sheet. Nothing has to remember to
invalidate it.

The HTML comes from templates/patents/sheet_pdf.html with static/patents/sheet.css; Japanese text is
set in Noto Sans CJK JP (fonts-noto-cjk), which WeasyPrint embeds as a subset. Resources are fetched
only through SafeURLFetcher: our own static files and this installation's attachment images, nothing
else (no file:///etc/passwd, no internal HTTP address), whatever a user typed into a text field.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import URLFetcher

from kawasaki.models import Municipality

from .models import AttachmentKind, Patent, PatentAttachment

STATIC_DIR = Path(settings.BASE_DIR) / "static" / "patents"
CSS_PATH = STATIC_DIR / "sheet.css"
TEMPLATE_PATH = Path(settings.BASE_DIR) / "templates" / "patents" / "sheet_pdf.html"


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


def _image_of(patent: Patent) -> PatentAttachment | None:
    """The first prototype photo or drawing image, shown on the sheet."""
    for attachment in patent.attachments.all():
        if attachment.kind in (AttachmentKind.PROTOTYPE_PHOTO, AttachmentKind.DRAWING):
            name = attachment.file.name.lower()
            if name.endswith((".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")):
                return attachment
    return None


def _sheet_context(patent: Patent) -> dict:
    image = _image_of(patent)
    return {
        "patent": patent,
        "company": patent.company,
        "image": Path(image.file.path).resolve().as_uri() if image is not None else None,
        "image_caption": image.caption if image is not None else "",
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


def sheet_language(language: str | None) -> str:
    """One of the configured languages ("ja-jp" -> "ja"); the site's default for anything else."""
    codes = [code for code, _name in settings.LANGUAGES]
    base = (language or "").lower().split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def sheet_stamp(patent: Patent, language: str) -> str:
    """A digest of everything the sheet shows, so that a cached sheet is used only while all of it is
    unchanged: the language, the seed (its fit profile and texts move updated_at), its attachments,
    the company's names and contact, the municipality's names, the expiry flag (it moves with the
    date), and the template and stylesheet themselves."""
    company = patent.company
    municipality = patent.municipality
    layout = [TEMPLATE_PATH, CSS_PATH]
    parts = {
        "language": language,
        "patent": [patent.pk, patent.updated_at.isoformat() if patent.updated_at else ""],
        "attachments": [
            [a.pk, a.kind, a.file.name, a.caption] for a in patent.attachments.order_by("kind", "pk")
        ],
        "company": [
            company.name_ja,
            company.name_en,
            company.contact_name,
            company.contact_email,
            company.contact_phone,
        ],
        "municipality": [municipality.name_ja, municipality.name_en],
        "expiry": patent.expiry_flag(),
        "layout": [p.stat().st_mtime_ns if p.exists() else 0 for p in layout],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _sheet_dir(patent: Patent) -> str:
    return f"patents/sheets/{patent.municipality_id}/{patent.pk}"


def sheet_name(patent: Patent, language: str) -> str:
    """Where the sheet of this seed in this language, as it is now, is (or would be) stored."""
    return f"{_sheet_dir(patent)}/{language}-{sheet_stamp(patent, language)[:32]}.pdf"


def sheet_is_fresh(patent: Patent, language: str | None = None) -> bool:
    """A sheet of the seed as it is now is stored for this language."""
    return default_storage.exists(sheet_name(patent, sheet_language(language)))


def sheet_for(*, patent: Patent, language: str | None = None) -> str:
    """The path of the seed's sheet in `language` (default: the site's), rendered now if no sheet of
    the seed as it is now is stored. Side effect: older sheets of that language are deleted."""
    language = sheet_language(language)
    name = sheet_name(patent, language)
    if default_storage.exists(name):
        return default_storage.path(name)
    with translation.override(language):
        pdf = render_pdf(sheet_html(patent))
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:
        # Another process rendered the same sheet meanwhile: the contents are the same, keep theirs.
        default_storage.delete(saved)
    directory = _sheet_dir(patent)
    _dirs, files = default_storage.listdir(directory)
    keep = name.rsplit("/", 1)[1]
    for file in files:
        if file.startswith(f"{language}-") and file != keep:
            default_storage.delete(f"{directory}/{file}")
    return default_storage.path(name)


def sheets_render_all(*, patent: Patent) -> list[str]:
    """Render the seed's sheet in every configured language (the background task after a change)."""
    return [sheet_for(patent=patent, language=code) for code, _name in settings.LANGUAGES]


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
