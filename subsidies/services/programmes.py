"""Writes on subsidy programmes: the municipality's own and those adopted from a shared template."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log, field_changes

from ..models import PROGRAMME_FIELDS, Programme, ProgrammeTemplate, ProgrammeWindow


def _clean_programme_data(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k in PROGRAMME_FIELDS}
    num, den = data.get("rate_numerator"), data.get("rate_denominator")
    if (num is None) != (den is None):
        raise ValidationError({"rate_denominator": _("Give both parts of the subsidy rate, or neither.")})
    if num is not None and den is not None and num > den:
        raise ValidationError({"rate_numerator": _("The subsidy rate cannot be more than 100%.")})
    return data


def programme_create(*, municipality: Municipality, actor: User | None, data: dict[str, Any]) -> Programme:
    """Add a programme of the municipality's own (active unless `data` says otherwise). Side effect:
    audit entry."""
    extra = {"is_active": data["is_active"]} if "is_active" in data else {}
    data = {**_clean_programme_data(data), **extra}
    programme = Programme(municipality=municipality, **data)
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        audit_log(municipality=municipality, actor=actor, action="subsidy_programme.created", obj=programme)
    return programme


def programme_update(*, programme: Programme, actor: User, data: dict[str, Any]) -> Programme:
    """Change a programme, rules included. Side effect: audit entry with the old and new values."""
    extra = {"is_active": data["is_active"]} if "is_active" in data else {}
    data = {**_clean_programme_data(data), **extra}
    changes = field_changes(programme, data)
    if not changes:
        return programme
    for key, value in data.items():
        setattr(programme, key, value)
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        audit_log(
            municipality=programme.municipality,
            actor=actor,
            action="subsidy_programme.updated",
            obj=programme,
            changes=changes,
        )
    return programme


def programme_adopt(
    *, municipality: Municipality, actor: User | None, template: ProgrammeTemplate
) -> Programme:
    """Copy a shared template, with its windows that have not closed, into the municipality's own data.

    Refuses a template the municipality has already adopted. Side effect: audit entry.
    """
    if Programme.objects.filter(municipality=municipality, template=template).exists():
        raise ValidationError(_("This programme has already been adopted."))
    today = timezone.localdate()
    with transaction.atomic():
        programme = Programme.objects.create(
            municipality=municipality,
            template=template,
            **{field: getattr(template, field) for field in PROGRAMME_FIELDS},
        )
        for window in template.windows.filter(closes_on__gte=today):
            ProgrammeWindow.objects.create(
                municipality=municipality,
                programme=programme,
                label=window.label,
                opens_on=window.opens_on,
                closes_on=window.closes_on,
            )
        audit_log(
            municipality=municipality,
            actor=actor,
            action="subsidy_programme.adopted",
            obj=programme,
            changes={"template": {"new": template.slug}},
        )
    return programme
