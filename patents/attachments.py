"""Which files a seed's attachments accept: the kinds and their types. The file itself is judged by
the core's one upload policy, ``kawasaki.uploads.validate_upload(kind="seed_attachment")``.

A seed's attachments are drawings, prototype photos and experiment data. Each kind accepts a few of the
seed attachments' types:

| kind             | accepted                         |
|------------------|----------------------------------|
| drawing          | PNG, JPEG, WebP images; PDF      |
| prototype photo  | PNG, JPEG, WebP images           |
| experiment data  | CSV, XLSX; PDF                   |

The core policy does the rest, for every upload of the product alike: the cap
(``KAWASAKI_UPLOAD_MAX_BYTES["seed_attachment"]``, default 10 MB), the type judged by content (images
fully decoded, decompression bombs refused; a PDF's signature and end; an XLSX as a zip within entry,
size and ratio limits, without DTDs or macros; CSV as UTF-8 or Shift_JIS text; GIF, BMP, TIFF and
markup refused), and a translated message naming the kind and the limit. MAX_PER_PATENT files per seed.
"""

from __future__ import annotations

from kawasaki import uploads
from kawasaki.images import strip_image_metadata
from kawasaki.uploads import CSV, JPEG, PDF, PNG, WEBP, XLSX, FileType

from .models import AttachmentKind

MAX_PER_PATENT = 30

TYPES = {t.key: t for t in (PNG, JPEG, WEBP, PDF, XLSX, CSV)}

# The kinds people choose when uploading, and the types each accepts.
UPLOAD_KINDS = (AttachmentKind.DRAWING, AttachmentKind.PROTOTYPE_PHOTO, AttachmentKind.EXPERIMENT_DATA)
ACCEPTED = {
    AttachmentKind.DRAWING: (PNG, JPEG, WEBP, PDF),
    AttachmentKind.PROTOTYPE_PHOTO: (PNG, JPEG, WEBP),
    AttachmentKind.EXPERIMENT_DATA: (CSV, XLSX, PDF),
    AttachmentKind.OTHER: (PNG, JPEG, WEBP, PDF, CSV, XLSX),
}


def is_image(file_type: FileType) -> bool:
    return file_type in uploads.IMAGES


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


def without_metadata(data: bytes, file_type: FileType) -> bytes:
    """An accepted image without its metadata (kawasaki.images); other types unchanged."""
    if not is_image(file_type):
        return data
    return strip_image_metadata(data)


def inspect_upload(upload, *, kind: str) -> FileType:
    """The type of an uploaded file, judged by the core's upload policy, if `kind` accepts it.

    Raises ValidationError({"file": message}) in the active language otherwise.
    """
    return uploads.validate_upload(
        upload,
        kind="seed_attachment",
        types=ACCEPTED.get(kind, ()),
        label=AttachmentKind(kind).label if kind in AttachmentKind.values else None,
    )
