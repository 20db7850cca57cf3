"""What an uploaded attachment really is, judged by its content, never by its name or browser type.

A seed's attachments are drawings, prototype photos and experiment data. Each kind accepts a few types:

| kind             | accepted                         |
|------------------|----------------------------------|
| drawing          | PNG, JPEG, WebP images; PDF      |
| prototype photo  | PNG, JPEG, WebP images           |
| experiment data  | CSV, XLSX; PDF                   |

Images are opened and fully decoded with Pillow (a file that only starts like a PNG is refused), and
decompression bombs are refused before decoding. A PDF must start with the PDF signature. An XLSX is
checked as a zip archive (size, entries, compression ratio, no DTDs: the portfolio import's checks) and
must hold a workbook without macros. A CSV must be UTF-8 or Shift_JIS text that the csv module reads.

Every file then passes the core's upload policy, `kawasaki.uploads.validate_upload(kind="seed_attachment")`
(its cap, KAWASAKI_UPLOAD_MAX_BYTES["seed_attachment"], default 10 MB; GIF and markup refused);
MAX_PER_PATENT files per seed.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from tempfile import NamedTemporaryFile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kawasaki import uploads
from kawasaki.images import strip_image_metadata

from .models import AttachmentKind

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PER_PATENT = 30
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo is larger than any phone takes
CSV_SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class FileType:
    """A type we accept: its label for people, the stored extension and the Content-Type we serve."""

    key: str
    label: str
    extension: str
    content_type: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PNG = FileType("png", "PNG", ".png", "image/png")
JPEG = FileType("jpeg", "JPEG", ".jpg", "image/jpeg")
WEBP = FileType("webp", "WebP", ".webp", "image/webp")
PDF = FileType("pdf", "PDF", ".pdf", "application/pdf")
XLSX = FileType("xlsx", "XLSX", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CSV = FileType("csv", "CSV", ".csv", "text/csv")

TYPES = {t.key: t for t in (PNG, JPEG, WEBP, PDF, XLSX, CSV)}
IMAGE_TYPES = {"PNG": PNG, "JPEG": JPEG, "WEBP": WEBP}  # Pillow's format names

# The kinds people choose when uploading, and the types each accepts.
UPLOAD_KINDS = (AttachmentKind.DRAWING, AttachmentKind.PROTOTYPE_PHOTO, AttachmentKind.EXPERIMENT_DATA)
ACCEPTED = {
    AttachmentKind.DRAWING: (PNG, JPEG, WEBP, PDF),
    AttachmentKind.PROTOTYPE_PHOTO: (PNG, JPEG, WEBP),
    AttachmentKind.EXPERIMENT_DATA: (CSV, XLSX, PDF),
    AttachmentKind.OTHER: (PNG, JPEG, WEBP, PDF, CSV, XLSX),
}


def max_file_bytes() -> int:
    """The largest attachment accepted (kawasaki.uploads: KAWASAKI_UPLOAD_MAX_BYTES["seed_attachment"])."""
    return uploads.max_bytes("seed_attachment")


def max_file_mb() -> str:
    return uploads.max_mb("seed_attachment")


def accepted_labels(kind: str) -> str:
    return ", ".join(t.label for t in ACCEPTED.get(kind, ()))


def accept_attribute() -> str:
    """The file input's accept= hint (a convenience for the browser; the server decides)."""
    return ".png,.jpg,.jpeg,.webp,.pdf,.csv,.xlsx"


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _sniff(head: bytes) -> str:
    """The family the first bytes announce: image, pdf, zip, or text (anything else)."""
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    known_binary = (b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00", b"<svg", b"<?xml")
    if head.startswith(known_binary) or b"\x00" in head[:4096]:
        return "other"
    return "text"


def _check_image(data: bytes) -> FileType:
    from PIL import Image, UnidentifiedImageError

    unreadable = _refuse(_("The image cannot be read: it is damaged or not really an image."))
    too_large = _refuse(
        _("The image is too large: at most %(max)s megapixels are accepted.")
        % {"max": MAX_IMAGE_PIXELS // 1_000_000}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                file_type = IMAGE_TYPES.get(image.format or "")
                if file_type is None:
                    raise unreadable
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_large
                image.verify()
            # verify() checks the structure only; decoding every pixel finds truncated or corrupt data.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise unreadable from None
    return file_type


def _check_pdf(data: bytes) -> FileType:
    if b"%%EOF" not in data[-2048:]:
        raise _refuse(_("The PDF file is incomplete or damaged."))
    return PDF


def _check_xlsx(data: bytes) -> FileType:
    from .importing.readers import FileRefused, check_xlsx_archive

    broken = _("This is not a readable XLSX workbook.")
    with NamedTemporaryFile(suffix=".xlsx") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            check_xlsx_archive(Path(tmp.name))
        except FileRefused as refused:
            raise _refuse(refused.problem.text()) from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise _refuse(broken) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(broken)
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(_("The workbook contains macros, which are not accepted: save it as a plain .xlsx."))
    return XLSX


def _check_csv(data: bytes) -> FileType:
    sample = data[:CSV_SAMPLE_BYTES]
    encoding = None
    if sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        for candidate in ("utf-8", "cp932"):
            try:
                codecs.getincrementaldecoder(candidate)().decode(sample, final=len(sample) == len(data))
            except UnicodeDecodeError:
                continue
            encoding = candidate
            break
    if encoding is None:
        raise _refuse(_("The CSV file is neither UTF-8 nor Shift_JIS (cp932) text."))
    text = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(sample)
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]
    except csv.Error:
        raise _refuse(_("The CSV file cannot be read as comma-separated values.")) from None
    if not rows:
        raise _refuse(_("The file is empty."))
    return CSV


def without_metadata(data: bytes, file_type: FileType) -> bytes:
    """An accepted image without its metadata (kawasaki.images); other types unchanged."""
    if not file_type.is_image:
        return data
    return strip_image_metadata(data)


def inspect_upload(upload, *, kind: str) -> FileType:
    """The type of an uploaded file, judged by its content, if `kind` accepts it.

    Raises ValidationError({"file": message}) in the active language otherwise.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > max_file_bytes():
        raise _refuse(uploads.too_large_message("seed_attachment"))
    data = _read_all(upload)
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > max_file_bytes():
        raise _refuse(uploads.too_large_message("seed_attachment"))
    family = _sniff(data[:4096])
    accepted = ACCEPTED.get(kind, ())
    wrong_type = _refuse(
        _("This file type is not accepted as “%(kind)s”: upload %(types)s.")
        % {
            "kind": AttachmentKind(kind).label if kind in AttachmentKind.values else kind,
            "types": accepted_labels(kind),
        }
    )
    if family == "other":
        raise wrong_type
    if family == "image":
        if not any(t.is_image for t in accepted):
            raise wrong_type
        file_type = _check_image(data)
    elif family == "pdf":
        if PDF not in accepted:
            raise wrong_type
        file_type = _check_pdf(data)
    elif family == "zip":
        if XLSX not in accepted:
            raise wrong_type
        file_type = _check_xlsx(data)
    else:
        if CSV not in accepted:
            raise wrong_type
        file_type = _check_csv(data)
    if file_type not in accepted:
        raise wrong_type
    # Last, the core's one upload policy (kawasaki.uploads): the cap in force, GIF and markup refused
    # (an SVG or HTML page reads as CSV text above), as for every other upload.
    upload.seek(0)
    uploads.validate_upload(upload, kind="seed_attachment")
    return file_type
