"""Writes on seeds (patents): the plain-language fields, the fit profile and publication."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import User
from kawasaki.services import audit_log, field_changes

from ..models import FIT_EDIT_FIELDS, Patent, PublicationState
from ..signals import seeds_published

# Fields people edit on the fit-profile page (bibliographic data comes from imports).
PATENT_EDITABLE_FIELDS = (
    "title",
    "abstract",
    "plain_summary",
    "application_examples",
    "prototype_info",
    "offer_non_exclusive",
    "offer_exclusive",
    "offer_assignment",
    "expiry_date",
    "legal_status",
    "internal_note",
    *FIT_EDIT_FIELDS,
)


def patent_update(*, patent: Patent, actor: User, data: dict[str, Any]) -> Patent:
    """Edit a seed's plain-language fields and fit profile.

    Only PATENT_EDITABLE_FIELDS are taken. Side effects: audit entry with what changed; the cached
    introduction sheet becomes stale because updated_at moves.
    """
    data = {k: v for k, v in data.items() if k in PATENT_EDITABLE_FIELDS}
    changes = field_changes(patent, data)
    if not changes:
        return patent
    for field, value in data.items():
        setattr(patent, field, value)
    patent.save(update_fields=[*changes, "updated_at"])
    audit_log(
        municipality=patent.municipality, actor=actor, action="patent.updated", obj=patent, changes=changes
    )
    _queue_sheet(patent)
    return patent


def _queue_sheet(patent: Patent) -> None:
    """Render a published seed's introduction sheet in the background, so the download is instant."""
    from kawasaki.jobs import enqueue

    from ..tasks import render_sheet_task

    if patent.publication_state == PublicationState.PUBLISHED:
        # A broker outage must not fail the save: the download renders a missing sheet itself.
        enqueue(render_sheet_task, municipality_id=patent.municipality_id, patent_id=patent.pk)


# Allowed moves of the publication state (pretalx style: a table, one function that checks it).
# A draft was never shown to SMEs, so it cannot be taken down ("withdrawn" reads 公開停止).
TRANSITIONS: dict[str, set[str]] = {
    PublicationState.DRAFT: {PublicationState.PUBLISHED},
    PublicationState.PUBLISHED: {PublicationState.WITHDRAWN},
    PublicationState.WITHDRAWN: {PublicationState.PUBLISHED, PublicationState.DRAFT},
}


def patent_set_state(*, patent: Patent, actor: User, state: str, _announce: bool = True) -> Patent:
    """Publish a seed to SMEs, withdraw it, or put it back to draft.

    Refuses a move the TRANSITIONS table does not allow. Side effect: audit entry.
    """
    if state not in TRANSITIONS.get(patent.publication_state, set()):
        raise ValidationError(
            _("A seed cannot move from “%(old)s” to “%(new)s”.")
            % {"old": patent.get_publication_state_display(), "new": PublicationState(state).label}
        )
    old = patent.publication_state
    patent.publication_state = state
    fields = ["publication_state", "updated_at"]
    if state == PublicationState.PUBLISHED:
        patent.published_at = timezone.now()
        fields.append("published_at")
    patent.save(update_fields=fields)
    audit_log(
        municipality=patent.municipality,
        actor=actor,
        action=f"patent.{state}",
        obj=patent,
        changes={"publication_state": {"old": old, "new": state}},
    )
    _queue_sheet(patent)
    if state == PublicationState.PUBLISHED and _announce:
        seeds_published.send(sender=Patent, patents=[patent], actor=actor)
    return patent


def patents_set_state(*, patents: Iterable[Patent], actor: User, state: str) -> tuple[int, int]:
    """Move several seeds at once; those that cannot move are left as they are.

    Returns (moved, skipped). Side effects: one audit entry per moved seed, in one transaction.
    """
    moved = skipped = 0
    published = []
    with transaction.atomic():
        for patent in patents:
            if state in TRANSITIONS.get(patent.publication_state, set()):
                patent_set_state(patent=patent, actor=actor, state=state, _announce=False)
                moved += 1
                published.append(patent)
            else:
                skipped += 1
        if state == PublicationState.PUBLISHED and published:
            # One announcement for the batch: listeners (matching) screen once per company.
            seeds_published.send(sender=Patent, patents=published, actor=actor)
    return moved, skipped
