"""One upload policy for every file people send us: a size cap per kind, and the type judged by content.

Each kind of upload names the types it accepts and its largest size (``KAWASAKI_UPLOAD_MAX_BYTES``, a
dict by kind, each entry from the environment: see ``.env.example``). ``validate_upload(upload, kind=)``
is called by every service that stores a file, before anything is written; it never trusts the file's
name or the browser's Content-Type:

- PDF: the ``%PDF-`` signature and an end-of-file marker;
- PNG, JPEG, WebP: opened and fully decoded with Pillow, decompression bombs refused;
- DOCX, XLSX, ODT: a zip archive within entry, size and compression-ratio limits, without DTDs in its
  XML, holding the members that make it that kind of document, without macros;
- DOC: the OLE2 compound-file signature;
- CSV, plain text, JSON Lines: UTF-8 or Shift_JIS text without NUL bytes, and not markup: a text that
  opens with a tag (HTML, SVG, XML) or carries one a browser would sniff as HTML is refused everywhere;
- GIF, BMP, TIFF and icons are refused by their signature (no kind accepts them).

A refusal is ``ValidationError({"file": message})`` in the active language, naming the kind and, for
size, the limit in MB. ``RequestSizeLimitMiddleware`` refuses a request body larger than the largest
cap (plus a margin for the form) before Django reads it; the TLS proxy's ``client_max_body_size`` must
match (docs/operations.md).
"""

from __future__ import annotations

import codecs
import io
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

MB = 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNCOMPRESSED = 500 * MB
ZIP_MAX_RATIO = 100
TEXT_SAMPLE_BYTES = 1 << 20
# Image formats no kind accepts (GIF, BMP, TIFF, ICO): refused by signature, even without a NUL byte.
REFUSED_SIGNATURES = (b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00")
# Tags that make a browser treat a text as a page or an image with scripts (its sniffing reads ~1 KB).
MARKUP_SNIFF_BYTES = 1024
MARKUP_TAGS = (b"<svg", b"<html", b"<script", b"<!doctype", b"<?xml", b"<body", b"<head", b"<iframe")
FORM_MARGIN_BYTES = 1 * MB  # the other fields of a form and the multipart framing


@dataclass(frozen=True)
class FileType:
    """A type we accept: its label for people, the stored extension and the Content-Type we serve."""

    key: str
    label: str
    extension: str
    content_type: str


PDF = FileType("pdf", "PDF", ".pdf", "application/pdf")
PNG = FileType("png", "PNG", ".png", "image/png")
JPEG = FileType("jpeg", "JPEG", ".jpg", "image/jpeg")
WEBP = FileType("webp", "WebP", ".webp", "image/webp")
DOCX = FileType(
    "docx", "DOCX", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = FileType("xlsx", "XLSX", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = FileType("odt", "ODT", ".odt", "application/vnd.oasis.opendocument.text")
DOC = FileType("doc", "DOC", ".doc", "application/msword")
CSV = FileType("csv", "CSV", ".csv", "text/csv")
TEXT = FileType("txt", "TXT", ".txt", "text/plain")
JSONL = FileType("jsonl", "JSON Lines", ".jsonl", "application/jsonl")
IMAGES = (PNG, JPEG, WEBP)


@dataclass(frozen=True)
class UploadKind:
    """What people upload somewhere: its name in messages, the accepted types, the default cap."""

    key: str
    label: object  # a lazy translation
    types: tuple[FileType, ...]
    default_max_bytes: int
    # An import's reader checks the content itself (encoding, zip and XML bombs) and reports it on the
    # import's page: only the size and the family (text or a zip, not an executable) are checked here.
    checked_by_reader: bool = False


KINDS = {
    kind.key: kind
    for kind in (
        UploadKind("deal_document", gettext_lazy("deal documents"), (PDF, DOCX, DOC, ODT, TEXT), 20 * MB),
        UploadKind("product_photo", gettext_lazy("product photos"), IMAGES, 10 * MB),
        UploadKind(
            "subsidy_document",
            gettext_lazy("subsidy application documents"),
            (PDF, DOCX, DOC, ODT, XLSX, CSV, TEXT, *IMAGES),
            20 * MB,
        ),
        UploadKind("seed_attachment", gettext_lazy("seed attachments"), (*IMAGES, PDF, CSV, XLSX), 10 * MB),
        UploadKind(
            "portfolio_import",
            pgettext_lazy("upload kind", "portfolio imports"),
            (CSV, XLSX, JSONL),
            200 * MB,
            checked_by_reader=True,
        ),
    )
}


def max_bytes(kind: str) -> int:
    """The largest file of this kind accepted (``KAWASAKI_UPLOAD_MAX_BYTES[kind]``)."""
    configured = getattr(settings, "KAWASAKI_UPLOAD_MAX_BYTES", {})
    return int(configured.get(kind, KINDS[kind].default_max_bytes))


def max_mb(kind: str) -> str:
    mb = max_bytes(kind) / MB
    return f"{mb:g}" if mb == int(mb) else f"{mb:.1f}"


def max_request_bytes() -> int:
    """The largest request body: the largest cap of any kind, plus the rest of the form."""
    return max(max_bytes(kind) for kind in KINDS) + FORM_MARGIN_BYTES


def accepted_labels(kind: str) -> str:
    return ", ".join(t.label for t in KINDS[kind].types)


@dataclass(frozen=True)
class _Field:
    """What one call accepts: the kind (its cap), its types (maybe fewer than the kind's), its name."""

    kind: str
    types: tuple[FileType, ...]
    label: object

    @property
    def type_labels(self) -> str:
        return ", ".join(t.label for t in self.types)


def too_large_message(kind: str) -> str:
    return _("The file is too large: %(kind)s may be at most %(max_mb)s MB.") % {
        "kind": KINDS[kind].label,
        "max_mb": max_mb(kind),
    }


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _wrong_type(field: _Field) -> ValidationError:
    return _refuse(
        _("This file is not accepted as %(kind)s: its content is not %(types)s.")
        % {"kind": field.label, "types": field.type_labels}
    )


def _family(head: bytes) -> str:
    """What the first bytes announce: image, pdf, zip, ole, text or other."""
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if not head or b"\x00" in head or head.startswith(REFUSED_SIGNATURES):
        return "other"
    if _is_markup(head):
        return "markup"
    return "text"


def _is_markup(head: bytes) -> bool:
    """A text that opens with a tag, or carries an HTML/SVG/XML tag where browsers sniff for one."""
    start = head[:MARKUP_SNIFF_BYTES]
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if start.startswith(bom):
            start = start[len(bom) :]
    if start.lstrip().startswith(b"<"):
        return True
    lowered = start.lower()
    return any(tag in lowered for tag in MARKUP_TAGS)


def _markup_refused(field: _Field) -> ValidationError:
    return _refuse(
        _("Markup (HTML, SVG or XML) is not accepted as %(kind)s: upload %(types)s.")
        % {"kind": field.label, "types": field.type_labels}
    )


def _check_image(upload, field: _Field) -> FileType:
    from PIL import Image, UnidentifiedImageError

    formats = {"PNG": PNG, "JPEG": JPEG, "WEBP": WEBP}
    unreadable = _refuse(_("The image cannot be read: it is damaged or not really an image."))
    too_large = _refuse(
        _("The image is too large: at most %(max)s megapixels are accepted.")
        % {"max": MAX_IMAGE_PIXELS // 1_000_000}
    )
    data = _read_all(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                file_type = formats.get(image.format or "")
                if file_type is None:
                    raise _wrong_type(field)
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_large
                image.verify()
            with Image.open(io.BytesIO(data)) as image:  # verify() checks structure; load() decodes pixels
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise unreadable from None
    return file_type


def _check_pdf(upload) -> FileType:
    size = upload.size
    upload.seek(max(0, size - 2048))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise _refuse(_("The PDF file is incomplete or damaged."))
    return PDF


def _check_zip(upload, field: _Field) -> FileType:
    broken = _refuse(_("The file is a damaged archive (DOCX, XLSX or ODT)."))
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError):
        raise broken from None
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > ZIP_MAX_UNCOMPRESSED:
            raise _refuse(_("The archive unpacks to too many or too large files."))
        names = {e.filename for e in entries}
        for entry in entries:
            if entry.file_size > MB and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
                raise _refuse(_("The archive unpacks to too many or too large files."))
            if entry.filename.lower().endswith("vbaproject.bin"):
                raise _refuse(
                    _("The document contains macros, which are not accepted: save it without them.")
                )
            if entry.filename.endswith((".xml", ".rels")):
                try:
                    with archive.open(entry) as member:
                        head = member.read(4096).upper()
                except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
                    raise broken from None
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _refuse(_("The document's XML declares a DTD, which is not accepted."))
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            found = DOCX
        elif "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            found = XLSX
        elif "mimetype" in names and archive.read("mimetype").strip() == ODT.content_type.encode():
            found = ODT
        else:
            raise _wrong_type(field)
    upload.seek(0)
    return found


def _check_text(upload, field: _Field) -> FileType:
    upload.seek(0)
    sample = upload.read(TEXT_SAMPLE_BYTES)
    upload.seek(0)
    complete = len(sample) >= upload.size
    if b"\x00" in sample:
        raise _wrong_type(field)
    decoded = None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            decoded = codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        break
    if decoded is None:
        raise _refuse(_("The text is neither UTF-8 nor Shift_JIS (cp932)."))
    return _text_flavour(upload, field)


def _text_flavour(upload, field: _Field) -> FileType:
    accepted = field.types
    # Text is text: the name only says which flavour the reader should expect; its content is read later.
    suffix = "." + (getattr(upload, "name", "") or "").rsplit(".", 1)[-1].lower()
    for candidate in (JSONL, CSV, TEXT):
        if candidate in accepted and suffix in (candidate.extension, ".ndjson" if candidate is JSONL else ""):
            return candidate
    for candidate in (CSV, JSONL, TEXT):
        if candidate in accepted:
            return candidate
    raise _wrong_type(field)


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def validate_upload(
    upload, *, kind: str, types: tuple[FileType, ...] | None = None, label: object = None
) -> FileType:
    """The type of ``upload`` judged by its content, if ``kind`` accepts it and it is within the cap.

    ``types`` narrows what this field accepts to some of the kind's types and ``label`` names the
    field in the type messages (a seed's "prototype photo" takes only the seed attachments' images);
    the cap and its message stay the kind's. Raises ``ValidationError({"file": message})`` otherwise;
    reads at most the cap, writes nothing.
    """
    kind_types = KINDS[kind].types
    field = _Field(
        kind=kind,
        types=kind_types if types is None else tuple(t for t in types if t in kind_types),
        label=label or KINDS[kind].label,
    )
    accepted = field.types
    size = getattr(upload, "size", None)
    if size is None:
        size = len(_read_all(upload))
    if size > max_bytes(kind):
        raise _refuse(too_large_message(kind))
    if size == 0:
        raise _refuse(_("The file is empty."))
    upload.seek(0)
    family = _family(upload.read(4096))
    upload.seek(0)
    if family == "markup":
        raise _markup_refused(field)
    if KINDS[kind].checked_by_reader:
        if family == "zip" and XLSX in accepted:
            return XLSX
        if family == "text":
            return _text_flavour(upload, field)
        raise _wrong_type(field)
    if family == "image" and any(t in accepted for t in IMAGES):
        found = _check_image(upload, field)
    elif family == "pdf" and PDF in accepted:
        found = _check_pdf(upload)
    elif family == "zip" and any(t in accepted for t in (DOCX, XLSX, ODT)):
        found = _check_zip(upload, field)
    elif family == "ole" and DOC in accepted:
        found = DOC
    elif family == "text" and any(t in accepted for t in (CSV, TEXT, JSONL)):
        found = _check_text(upload, field)
    else:
        raise _wrong_type(field)
    if found not in accepted:
        raise _wrong_type(field)
    return found


class RequestSizeLimitMiddleware:
    """Refuse (413) a request whose declared body is larger than any upload may be, before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return HttpResponse(
                _("The upload is too large: at most %(max_mb)s MB per request.")
                % {"max_mb": f"{max_request_bytes() / MB:.0f}"},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
