"""Uploaded pictures without what they silently carry: EXIF (camera, time, often the GPS position of the
lab where a prototype was photographed), XMP, comments and text chunks.

The picture is turned upright first, as its EXIF orientation said, since that tag goes too. Colour
profiles stay. A picture that carries nothing of the kind is kept byte for byte.
"""

from __future__ import annotations

import io

# What Pillow reports about an image that says nothing about who took it, where or with what.
HARMLESS_IMAGE_INFO = frozenset(
    {
        "dpi",
        "gamma",
        "transparency",
        "icc_profile",
        "srgb",
        "interlace",
        "aspect",
        "progressive",
        "progression",
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "adobe",
        "adobe_transform",
        "loop",
        "duration",
        "background",
        "bbox",
        "lossless",
    }
)
SAVE_OPTIONS = {"JPEG": {"quality": 92, "optimize": True}, "WEBP": {"quality": 92}, "PNG": {"optimize": True}}


def strip_image_metadata(data: bytes) -> bytes:
    """``data`` (a PNG, JPEG or WebP image) re-encoded without metadata; other formats unchanged."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image_format = image.format or ""
        if image_format not in SAVE_OPTIONS:
            return data
        if not image.getexif() and set(image.info) <= HARMLESS_IMAGE_INFO:
            return data  # nothing to remove: keep the file exactly as uploaded
        upright = ImageOps.exif_transpose(image)
        if image_format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        profile = image.info.get("icc_profile")
        extra = {"icc_profile": profile} if profile else {}
        out = io.BytesIO()
        upright.save(out, format=image_format, **SAVE_OPTIONS[image_format], **extra)
    return out.getvalue()


def image_extension(data: bytes) -> str:
    """The file extension for an image, from its content (".jpg", ".png", ".webp", ...)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image_format = (image.format or "").lower()
    return {"jpeg": ".jpg", "": ".bin"}.get(image_format, f".{image_format}")
