"""Writes on a seed's attachments: drawings, prototype photos, experiment data."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kawasaki.models import User
from kawasaki.services import audit_log

from ..models import Patent, PatentAttachment
from .seeds import _queue_sheet


def attachment_add(
    *,
    patent: Patent,
    actor: User | None,
    kind: str,
    upload: UploadedFile | File,
    caption: str = "",
) -> PatentAttachment:
    """Attach a drawing, prototype photo or experiment data file to a seed.

    The file is judged by its content (patents/attachments.py): over the size limit, empty, of a type
    the kind does not accept, or not decodable, it is refused with a ValidationError on "file". It is
    stored under a random name with the extension of the type found; the uploaded name is kept only
    as a label. Side effects: file stored, audit entry, the seed's sheets re-rendered if published.
    """
    from django.core.files.base import ContentFile

    from ..attachments import MAX_PER_PATENT, UPLOAD_KINDS, inspect_upload, is_image, without_metadata

    if kind not in UPLOAD_KINDS:
        raise ValidationError({"kind": _("Choose what the file shows.")})
    caption = (caption or "").strip()
    if len(caption) > 200:
        raise ValidationError({"caption": _("The caption is too long: at most 200 characters.")})
    if PatentAttachment.objects.filter(patent=patent).count() >= MAX_PER_PATENT:
        raise ValidationError(
            {
                "file": _("A seed can have at most %(max)s attachments; delete one first.")
                % {"max": MAX_PER_PATENT}
            }
        )
    file_type = inspect_upload(upload, kind=kind)
    original_name = Path(str(upload.name or "").replace("\\", "/")).name[:255]
    if is_image(file_type):
        upload.seek(0)
        content: UploadedFile | File = ContentFile(
            without_metadata(upload.read(), file_type), name=original_name
        )
    else:
        content = upload
    stored_name = f"{uuid.uuid4().hex}{file_type.extension}"
    with transaction.atomic():
        attachment = PatentAttachment(
            municipality=patent.municipality,
            patent=patent,
            kind=kind,
            caption=caption,
            original_name=original_name,
            content_type=file_type.content_type,
            size=content.size or 0,
            uploaded_by=actor,
        )
        content.seek(0)
        attachment.file.save(stored_name, content, save=False)
        try:
            attachment.save()
            audit_log(
                municipality=patent.municipality,
                actor=actor,
                action="patent.attachment_added",
                obj=patent,
                changes={
                    "attachment": {"new": attachment.pk},
                    "kind": {"new": kind},
                    "file": {"new": original_name},
                    "caption": {"new": caption},
                    "type": {"new": file_type.content_type},
                    "size": {"new": content.size},
                },
            )
        except Exception:
            # The file is on disk already: a row that cannot be written must not leave it behind.
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
            raise
        _queue_sheet(patent)
    return attachment


def attachment_delete(*, attachment: PatentAttachment, actor: User | None) -> None:
    """Remove an attachment from a seed and delete its file once the removal is committed.

    Side effects: audit entry (what was removed), the seed's sheets re-rendered if published.
    """
    patent = attachment.patent
    name = attachment.file.name
    storage = attachment.file.storage
    with transaction.atomic():
        audit_log(
            municipality=patent.municipality,
            actor=actor,
            action="patent.attachment_deleted",
            obj=patent,
            changes={
                "attachment": {"old": attachment.pk},
                "kind": {"old": attachment.kind},
                "file": {"old": attachment.original_name},
                "caption": {"old": attachment.caption},
            },
        )
        attachment.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        _queue_sheet(patent)
