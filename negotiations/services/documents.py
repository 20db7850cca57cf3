"""A deal's documents (the NDA, draft licences, others), the coordinator's comments, the NDA's dates."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import User
from kawasaki.services import audit_log, field_changes
from kawasaki.uploads import validate_upload

from ..checks import show_date
from ..models import Document, DocumentKind, EntryCode, EntryKind, Negotiation, Side
from .deals import timeline_entry


def document_upload(
    *, negotiation: Negotiation, actor: User, kind: str, side: str, title: str, upload: UploadedFile
) -> Document:
    """Store a document of a deal; draft licences are numbered as versions. Side effects: audit entry,
    timeline entry (visible to the parties)."""
    if kind not in DocumentKind.values or side not in Side.values:
        raise ValidationError(_("Choose a valid kind and side."))
    validate_upload(upload, kind="deal_document")  # size cap and content, before anything is written
    with transaction.atomic():
        # Lock the deal so that two uploads at once do not get the same version number.
        Negotiation.objects.select_for_update().filter(pk=negotiation.pk).first()
        latest = negotiation.documents.filter(kind=kind).aggregate(v=Max("version"))["v"]
        document = Document(
            municipality=negotiation.municipality,
            negotiation=negotiation,
            kind=kind,
            side=side,
            title=title,
            version=(latest or 0) + 1,
            uploaded_by=actor,
        )
        document.file = upload
        document.full_clean(exclude=["negotiation", "municipality"])
        document.save()
        audit_log(
            municipality=negotiation.municipality, actor=actor, action="document.uploaded", obj=document
        )
        timeline_entry(
            negotiation,
            actor=actor,
            kind=EntryKind.DOCUMENT,
            code=EntryCode.DOCUMENT_UPLOADED,
            params={"title": title, "version": document.version, "side": side},
        )
    return document


def document_comment(*, document: Document, actor: User, comment: str) -> Document:
    """The coordinator's comment on a document (e.g. on a clause of the licensor's draft)."""
    changes = field_changes(document, {"coordinator_comment": comment})
    document.coordinator_comment = comment
    document.save(update_fields=["coordinator_comment"])
    audit_log(
        municipality=document.municipality,
        actor=actor,
        action="document.commented",
        obj=document,
        changes=changes,
    )
    return document


def nda_record(
    *, negotiation: Negotiation, actor: User, signed_on: dt.date, expires_on: dt.date | None
) -> Negotiation:
    """Record the NDA's dates. The signing date has happened (not in the future) and comes before the
    licence signed on the deal, if any. Side effects: audit entry, timeline entry."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if signed_on > today:
        errors["nda_signed_on"] = _("The NDA signing date {nda} is in the future (today is {today}).").format(
            nda=show_date(signed_on), today=show_date(today)
        )
    terms = getattr(negotiation, "terms", None)
    if "nda_signed_on" not in errors and terms is not None and terms.signed_on < signed_on:
        errors["nda_signed_on"] = _("The licence is dated {licence}, before the NDA signed on {nda}.").format(
            licence=show_date(terms.signed_on), nda=show_date(signed_on)
        )
    if expires_on is not None and expires_on <= signed_on:
        errors["nda_expires_on"] = _("The NDA must expire after it is signed ({nda}).").format(
            nda=show_date(signed_on)
        )
    if errors:
        raise ValidationError(errors)
    changes = field_changes(negotiation, {"nda_signed_on": signed_on, "nda_expires_on": expires_on})
    negotiation.nda_signed_on = signed_on
    negotiation.nda_expires_on = expires_on
    negotiation.save(update_fields=["nda_signed_on", "nda_expires_on"])
    audit_log(
        municipality=negotiation.municipality,
        actor=actor,
        action="negotiation.nda",
        obj=negotiation,
        changes=changes,
    )
    timeline_entry(
        negotiation,
        actor=actor,
        kind=EntryKind.DOCUMENT,
        code=EntryCode.NDA_RECORDED,
        params={"date": signed_on.isoformat()},
    )
    return negotiation
