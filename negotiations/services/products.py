"""Products launched from a licensed seed: what the programme counts as its outcome."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.images import image_extension, strip_image_metadata
from kawasaki.models import User
from kawasaki.services import audit_log
from kawasaki.uploads import validate_upload

from ..checks import show_date
from ..models import EntryCode, EntryKind, Negotiation, Product, State
from .deals import PRODUCT_STATES, negotiation_advance_to, timeline_entry


def product_record(
    *,
    negotiation: Negotiation,
    actor: User,
    name: str,
    launch_date: dt.date,
    description: str = "",
    price_yen: int | None = None,
    photo: UploadedFile | None = None,
    source_note: str = "",
) -> Product:
    """Record a launched product of a licensed deal; a deal at prototype moves to product launched.
    Side effects: audit entry, timeline entry, maybe a move."""
    if negotiation.state not in PRODUCT_STATES:
        raise ValidationError(_("Products are recorded for deals with a signed licence."))
    today = timezone.localdate()
    if launch_date > today:
        raise ValidationError(
            {
                "launch_date": _("The launch date {launch} is in the future (today is {today}).").format(
                    launch=show_date(launch_date), today=show_date(today)
                )
            }
        )
    terms = getattr(negotiation, "terms", None)
    if terms is not None and launch_date < terms.signed_on:
        raise ValidationError(
            {
                "launch_date": _(
                    "The product “{name}” launched on {launch}, before the licence signed on {licence}."
                ).format(name=name, launch=show_date(launch_date), licence=show_date(terms.signed_on))
            }
        )
    product = Product(
        municipality=negotiation.municipality,
        negotiation=negotiation,
        name=name,
        description=description,
        launch_date=launch_date,
        price_yen=price_yen,
        source_note=source_note,
        created_by=actor,
    )
    if photo is not None:
        validate_upload(photo, kind="product_photo")
        # Stored under a name of ours, without the picture's metadata (GPS, camera: kawasaki.images).
        photo.seek(0)
        data = strip_image_metadata(photo.read())
        product.photo = ContentFile(data, name=f"{uuid.uuid4().hex}{image_extension(data)}")
    product.full_clean(exclude=["negotiation", "municipality"])
    with transaction.atomic():
        product.save()
        audit_log(municipality=negotiation.municipality, actor=actor, action="product.recorded", obj=product)
        timeline_entry(
            negotiation,
            actor=actor,
            kind=EntryKind.NOTE,
            code=EntryCode.PRODUCT_RECORDED,
            params={"name": name},
        )
        # Recording the launched product is the confirmation; the moves' guard rails still apply.
        negotiation_advance_to(negotiation=negotiation, to_state=State.LAUNCHED, actor=actor, confirmed=True)
    return product
