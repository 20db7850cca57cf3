"""Technology introduction sheets: one A4 page per seed, and booklets of several, made with WeasyPrint.

A seed's sheet is cached per language as a file named by a digest of everything it shows
(`sheet_stamp`): when the seed, its fit profile, its attachments, its company's contact or the layout
change, the name changes and the next request renders a new sheet. Nothing has to remember to
invalidate it.

The HTML comes from templates/patents/sheet_pdf.html with static/patents/sheet.css, rendered by the
core's `kawasaki.pdf.render_pdf` (Noto CJK fonts, embedded as a subset). Its restricted fetcher serves
our own static files and, because this module vouches for them, this installation's attachment images
(`attachment_dirs()`); nothing else (no file:///etc/passwd, no internal HTTP address), whatever a user
typed into a text field.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kawasaki.models import Municipality
from kawasaki.pdf import LAYOUT_FILES, render_pdf

from .models import AttachmentKind, Patent, PatentAttachment

STYLESHEET = "patents/sheet.css"
CSS_PATH = Path(settings.BASE_DIR) / "static" / STYLESHEET
TEMPLATE_NAME = "patents/sheet_pdf.html"
TEMPLATE_PATH = Path(settings.BASE_DIR) / "templates" / TEMPLATE_NAME


def attachment_dirs() -> list[Path]:
    """The folders of uploaded files a sheet may show: the seeds' attachments (images only are linked)."""
    return [Path(settings.MEDIA_ROOT) / "patents" / "attachments"]


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


def _document_context(
    *, patents: list[Patent], municipality: Municipality, booklet: bool, cover: dict | None = None
) -> dict:
    return {
        "sheets": [_sheet_context(p) for p in patents],
        "municipality": municipality,
        "printed_at": timezone.localtime(),
        "booklet": booklet,
        "cover": cover,
    }


def sheet_html(patent: Patent) -> str:
    """The sheet's HTML in the active language, as the PDF renders it (for checks of what it links)."""
    return render_to_string(
        TEMPLATE_NAME, _document_context(patents=[patent], municipality=patent.municipality, booklet=False)
    )


def _pdf(
    *,
    patents: list[Patent],
    municipality: Municipality,
    booklet: bool,
    language: str,
    cover: dict | None = None,
) -> bytes:
    return render_pdf(
        template_name=TEMPLATE_NAME,
        context=_document_context(patents=patents, municipality=municipality, booklet=booklet, cover=cover),
        language=language,
        stylesheets=[STYLESHEET],
        allowed_dirs=attachment_dirs(),
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
    layout = [TEMPLATE_PATH, CSS_PATH, *LAYOUT_FILES]
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
    pdf = _pdf(patents=[patent], municipality=patent.municipality, booklet=False, language=language)
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


def booklet_pdf(
    *,
    patents: list[Patent],
    municipality: Municipality,
    language: str | None = None,
    cover: dict | None = None,
) -> bytes:
    """Cover, contents and one sheet per seed, in `language` (default: the reader's, the active one).

    `cover` makes it an event's booklet: a cover page with {"title", "when", "venue", "attendees": [str],
    "agenda"} (the seeds listed as its contents), then one sheet per seed."""
    language = sheet_language(language or translation.get_language())
    return _pdf(patents=patents, municipality=municipality, booklet=True, language=language, cover=cover)
