"""Writes of the smes app. Each service checks what it must, writes, and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import Membership, Municipality, Role, User
from kawasaki.services import audit_log, field_changes
from patents.models import Patent, PublicationState

from .models import (
    SME,
    BusinessPlan,
    ContactPerson,
    InterestStatus,
    NextAction,
    Partner,
    PlanComment,
    PlanSection,
    PlanStatus,
    PlanVersion,
    Referral,
    SeedInterest,
    Visit,
)

SME_FIELDS = (
    "name_ja",
    "name_kana",
    "name_en",
    "corporate_number",
    "postal_code",
    "address",
    "industry",
    "industry_detail",
    "employees",
    "capital_jpy",
    "founded_year",
    "capabilities",
    "equipment",
    "products",
    "certifications",
    "needs",
    "needs_tags",
    "referred_by",
    "consent_to_share",
)


def _create_audited(instance: Any, *, action: str, actor: User | None, changes: dict | None = None) -> Any:
    """Validate and save a new row and write its audit entry, in one transaction."""
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        audit_log(
            municipality=instance.municipality, actor=actor, action=action, obj=instance, changes=changes
        )
    return instance


def _update_audited(
    instance: Any,
    data: dict[str, Any],
    *,
    fields: tuple[str, ...],
    action: str,
    actor: User | None,
    save_fields: bool = False,
) -> Any:
    """Set the values of `data` named in `fields`, validate, save (only those fields with `save_fields`)
    and write one audit entry with the old and new values, in one transaction. Nothing is written when
    nothing changes."""
    data = {k: v for k, v in data.items() if k in fields}
    changes = field_changes(instance, data)
    if not changes:
        return instance
    for key, value in data.items():
        setattr(instance, key, value)
    instance.full_clean()
    with transaction.atomic():
        instance.save(update_fields=list(data) if save_fields else None)
        audit_log(
            municipality=instance.municipality, actor=actor, action=action, obj=instance, changes=changes
        )
    return instance


def normalise_tags(tags: list[str]) -> list[str]:
    """Trimmed, de-duplicated tags in the order given."""
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def _check_corporate_number_free(*, municipality: Municipality, number: str, exclude_pk: int | None) -> None:
    if not number:
        return
    clash = SME.objects.filter(municipality=municipality, corporate_number=number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    first = clash.order_by("pk").first()
    if first is not None:
        # One legal entity is one SME record: refused (the database's unique key), naming the record.
        raise ValidationError(
            {
                "corporate_number": _(
                    "{name} is already registered with the corporate number {number}."
                ).format(name=first.name_ja, number=number)
            }
        )


def sme_duplicate_of(
    *, municipality: Municipality, data: dict[str, Any], exclude_pk: int | None = None
) -> SME | None:
    """The SME already registered as the same company: the same corporate number, or the same Japanese
    name (when either has no corporate number to tell them apart)."""
    qs = SME.objects.filter(municipality=municipality).order_by("pk")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    # As typed (the form page asks again after a refusal): full-width digits, hyphens and spaces go.
    number = str(data.get("corporate_number") or "").translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    )
    number = "".join(ch for ch in number if ch.isdigit())
    if number:
        first = qs.filter(corporate_number=number).first()
        if first is not None:
            return first
    name = (data.get("name_ja") or "").strip()
    if not name:
        return None
    same_name = qs.filter(name_ja=name)
    if number:
        same_name = same_name.filter(corporate_number="")
    return same_name.first()


def sme_create(
    *, municipality: Municipality, actor: User | None, data: dict[str, Any], allow_duplicate: bool = False
) -> SME:
    """Register an SME. The same corporate number is refused; an SME of the same Japanese name is a
    warning on `allow_duplicate` (two companies can share a name) unless `allow_duplicate` says so.
    Side effect: audit entry."""
    data = {k: v for k, v in data.items() if k in SME_FIELDS}
    data["needs_tags"] = normalise_tags(data.get("needs_tags") or [])
    _check_corporate_number_free(
        municipality=municipality, number=data.get("corporate_number", ""), exclude_pk=None
    )
    same = sme_duplicate_of(municipality=municipality, data=data)
    if same is not None and not allow_duplicate:
        raise ValidationError(
            {
                "allow_duplicate": ValidationError(
                    _(
                        "An SME named {name} is already registered. Tick “Register anyway” if this is "
                        "another company."
                    ).format(name=same.name_ja),
                    code="duplicate",
                )
            }
        )
    return _create_audited(
        SME(municipality=municipality, **data),
        action="sme.created",
        actor=actor,
        changes={k: {"new": v} for k, v in data.items() if v not in ("", None, [])},
    )


def sme_update(*, sme: SME, actor: User, data: dict[str, Any]) -> SME:
    """Change an SME's profile. Side effect: audit entry with the old and new values."""
    data = {k: v for k, v in data.items() if k in SME_FIELDS}
    if "needs_tags" in data:
        data["needs_tags"] = normalise_tags(data["needs_tags"] or [])
    _check_corporate_number_free(
        municipality=sme.municipality, number=data.get("corporate_number", ""), exclude_pk=sme.pk
    )
    return _update_audited(sme, data, fields=SME_FIELDS, action="sme.updated", actor=actor)


def visit_record(
    *,
    sme: SME,
    actor: User,
    visited_on: dt.date,
    people_met: str,
    notes: str = "",
    needs_learnt: str = "",
    next_actions: list[tuple[str, dt.date]] = (),  # type: ignore[assignment]
) -> Visit:
    """Record a visit and its next actions, assigned to the visiting coordinator. Side effect: audit entry."""
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be recorded before it happens.")})
    with transaction.atomic():
        visit = Visit.objects.create(
            municipality=sme.municipality,
            sme=sme,
            visited_on=visited_on,
            coordinator=actor,
            coordinator_label=str(actor),
            people_met=people_met,
            notes=notes,
            needs_learnt=needs_learnt,
        )
        for description, due_on in next_actions:
            NextAction.objects.create(
                municipality=sme.municipality,
                visit=visit,
                description=description,
                due_on=due_on,
                assignee=actor,
            )
        audit_log(
            municipality=sme.municipality,
            actor=actor,
            action="visit.recorded",
            obj=visit,
            changes={"visited_on": {"new": visited_on}, "next_actions": {"new": len(next_actions)}},
        )
    return visit


def next_action_complete(*, action: NextAction, actor: User) -> NextAction:
    """Mark a follow-up done (idempotent). Side effect: audit entry the first time."""
    if action.done_at is not None:
        return action
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    audit_log(municipality=action.municipality, actor=actor, action="next_action.done", obj=action)
    return action


# --- Business plans -------------------------------------------------------------------------------

# Who may move a plan from one status to another: "sme" is the SME side (its members, or a
# coordinator writing on its behalf), "coordinator" the reviewing side only.
PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, PlanStatus.SUBMITTED): "sme",
    (PlanStatus.SUBMITTED, PlanStatus.FEEDBACK_GIVEN): "coordinator",
    (PlanStatus.SUBMITTED, PlanStatus.ACCEPTED): "coordinator",
    (PlanStatus.FEEDBACK_GIVEN, PlanStatus.REVISED): "sme",
    (PlanStatus.REVISED, PlanStatus.FEEDBACK_GIVEN): "coordinator",
    (PlanStatus.REVISED, PlanStatus.ACCEPTED): "coordinator",
}
# Moving into these freezes the working copy as a new version.
FREEZING_STATUSES = frozenset({PlanStatus.SUBMITTED, PlanStatus.REVISED})
# The SME side writes the working copy only while the plan is with it.
EDITABLE_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.FEEDBACK_GIVEN})


def plan_transitions_for(*, plan: BusinessPlan, user: User) -> list[str]:
    """The statuses this user may move the plan to now."""
    return [
        new
        for (old, new), side in PLAN_TRANSITIONS.items()
        if old == plan.status and user.has_perm(_SIDE_PERMISSION[side], plan)
    ]


_SIDE_PERMISSION = {"sme": "smes.submit_plan", "coordinator": "smes.review_plan"}


def business_plan_create(
    *,
    sme: SME,
    actor: User,
    title: str,
    sections: dict[str, str] | None = None,
    seed: Patent | None = None,
) -> BusinessPlan:
    """Start a plan in draft, about ``seed`` when given. Side effect: audit entry."""
    sections = {k: v for k, v in (sections or {}).items() if k in PlanSection.values}
    with transaction.atomic():
        plan = BusinessPlan.objects.create(
            municipality=sme.municipality, sme=sme, title=title, created_by=actor, seed=seed, **sections
        )
        audit_log(municipality=sme.municipality, actor=actor, action="business_plan.created", obj=plan)
    return plan


def business_plan_update(
    *,
    plan: BusinessPlan,
    actor: User,
    title: str,
    sections: dict[str, str],
    seed: Patent | Literal["unchanged"] | None = "unchanged",
) -> BusinessPlan:
    """Change the working copy. Refused while coordinators are reviewing or after acceptance.

    Side effect: audit entry naming the changed fields (the texts themselves live in the versions).
    """
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This plan is under review or accepted and cannot be edited now."))
    data = {"title": title, **{k: v for k, v in sections.items() if k in PlanSection.values}}
    changed = sorted(field_changes(plan, data))
    if seed != "unchanged" and (seed.pk if seed else None) != plan.seed_id:
        changed.append("seed")
        plan.seed = seed
    if not changed:
        return plan
    for key, value in data.items():
        setattr(plan, key, value)
    with transaction.atomic():
        plan.save()
        audit_log(
            municipality=plan.municipality,
            actor=actor,
            action="business_plan.updated",
            obj=plan,
            changes={"fields": {"new": changed}},
        )
    return plan


def business_plan_new_version(*, plan: BusinessPlan, actor: User) -> BusinessPlan:
    """Start a new draft from a plan that is with the coordinators or accepted (read-only): a copy of
    its working copy and seed, so the SME can go on writing without touching what was submitted.

    Side effect: audit entry on the new plan naming the one it came from."""
    if plan.status in EDITABLE_STATUSES:
        raise ValidationError(_("This plan can still be edited; there is no need for a new version."))
    with transaction.atomic():
        new = BusinessPlan.objects.create(
            municipality=plan.municipality,
            sme=plan.sme,
            title=plan.title,
            seed=plan.seed,
            created_by=actor,
            **plan.sections(),
        )
        audit_log(
            municipality=plan.municipality,
            actor=actor,
            action="business_plan.created",
            obj=new,
            changes={"from_plan": {"new": plan.pk}},
        )
    return new


def business_plan_set_status(*, plan: BusinessPlan, new_status: str, actor: User) -> BusinessPlan:
    """Move a plan to another status, checking the transition table and the actor's side.

    Side effects: a frozen PlanVersion when submitting or resubmitting, with its PDF queued for
    rendering; audit entry with the old and new status. Raises PermissionDenied for a move the actor's role may not make and ValidationError
    for a move the table does not allow.
    """
    side = PLAN_TRANSITIONS.get((plan.status, new_status))
    if side is None:
        raise ValidationError(
            _("A plan cannot move from “%(old)s” to “%(new)s”.")
            % {"old": PlanStatus(plan.status).label, "new": PlanStatus(new_status).label}
            if new_status in PlanStatus.values
            else _("Unknown status.")
        )
    if not actor.has_perm(_SIDE_PERMISSION[side], plan):
        raise PermissionDenied
    if new_status in FREEZING_STATUSES and not any(plan.sections().values()):
        raise ValidationError(_("Write at least one section before submitting."))
    old_status = plan.status
    with transaction.atomic():
        # Lock the row so that two submissions at once cannot both take the same version number.
        plan = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != old_status:
            raise ValidationError(_("The plan was changed meanwhile; reload the page."))
        version = None
        if new_status in FREEZING_STATUSES:
            number = PlanVersion.objects.filter(plan=plan).count() + 1
            version = PlanVersion.objects.create(
                municipality=plan.municipality,
                plan=plan,
                number=number,
                title=plan.title,
                sections=plan.sections(),
                submitted_by=actor,
                submitted_by_label=str(actor),
            )
        plan.status = new_status
        plan.save(update_fields=["status", "updated_at"])
        changes: dict[str, Any] = {"status": {"old": old_status, "new": new_status}}
        if version is not None:
            changes["version"] = {"new": version.number}
            _prepare_pdf(version)
        audit_log(
            municipality=plan.municipality,
            actor=actor,
            action="business_plan.status_changed",
            obj=plan,
            changes=changes,
        )
    return plan


def plan_comment_add(
    *, version: PlanVersion, actor: User, section: str, body: str, internal: bool = False
) -> PlanComment:
    """A coordinator's comment on one section of a submitted version.

    Side effects: audit entry; for feedback the SME reads (not internal), the version's PDF is queued
    for rendering again, since it prints that feedback.
    """
    if not actor.has_perm("smes.comment_plan", version.plan):
        raise PermissionDenied
    if section not in PlanSection.values:
        raise ValidationError({"section": _("Choose a section of the plan.")})
    if not body.strip():
        raise ValidationError({"body": _("Write a comment.")})
    with transaction.atomic():
        comment = PlanComment.objects.create(
            municipality=version.municipality,
            version=version,
            section=section,
            body=body.strip(),
            internal=internal,
            author=actor,
            author_label=str(actor),
        )
        audit_log(
            municipality=version.municipality,
            actor=actor,
            action="plan_comment.added",
            obj=comment,
            changes={"section": {"new": section}, "internal": {"new": internal}},
        )
        if not internal:
            _prepare_pdf(version)
    return comment


def _prepare_pdf(version: PlanVersion) -> None:
    """Queue the filing-language PDF of a version that was just frozen or got feedback, so that the
    reader usually finds it ready."""
    from .pdf import plan_pdf_request

    plan_pdf_request(version=version, language=settings.LANGUAGE_CODE)


# --- Partners and referrals -----------------------------------------------------------------------

PARTNER_FIELDS = (
    "name_ja",
    "name_en",
    "kind",
    "fields",
    "equipment",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
)


def partner_create(*, municipality: Municipality, actor: User | None, data: dict[str, Any]) -> Partner:
    """Add an organisation to the directory. Side effect: audit entry."""
    partner = Partner(municipality=municipality, **{k: v for k, v in data.items() if k in PARTNER_FIELDS})
    return _create_audited(partner, action="partner.created", actor=actor)


def partner_update(*, partner: Partner, actor: User, data: dict[str, Any]) -> Partner:
    """Change a directory entry. Side effect: audit entry with the old and new values."""
    return _update_audited(partner, data, fields=PARTNER_FIELDS, action="partner.updated", actor=actor)


def referral_create(
    *, sme: SME, partner: Partner, actor: User | None, purpose: str, referred_on: dt.date
) -> Referral:
    """Introduce an SME to a partner of the same municipality. Side effect: audit entry."""
    if partner.municipality_id != sme.municipality_id:
        raise ValidationError({"partner": _("Choose a partner from this municipality's directory.")})
    with transaction.atomic():
        referral = Referral.objects.create(
            municipality=sme.municipality,
            sme=sme,
            partner=partner,
            purpose=purpose,
            referred_on=referred_on,
            created_by=actor,
        )
        audit_log(municipality=sme.municipality, actor=actor, action="referral.created", obj=referral)
    return referral


def referral_record_outcome(*, referral: Referral, actor: User, outcome: str, outcome_note: str) -> Referral:
    """Record what came of an introduction. Side effect: audit entry with the old and new outcome."""
    return _update_audited(
        referral,
        {"outcome": outcome, "outcome_note": outcome_note},
        fields=("outcome", "outcome_note"),
        action="referral.outcome_recorded",
        actor=actor,
        save_fields=True,
    )


# --- Interest in seeds ----------------------------------------------------------------------------


def seed_interest_send(*, sme: SME, patent: Patent, actor: User, message: str) -> SeedInterest:
    """An SME says "we are interested" in a published seed; it lands in the coordinators' inbox.

    Only a published seed of the SME's own municipality qualifies, and only once per SME and seed.
    Side effect: audit entry.
    """
    if (
        patent.municipality_id != sme.municipality_id
        or patent.publication_state != PublicationState.PUBLISHED
    ):
        raise ValidationError(_("This seed is not open to SMEs."))
    if not message.strip():
        raise ValidationError({"message": _("Tell the coordinators what interests you.")})
    if SeedInterest.objects.filter(sme=sme, patent=patent).exists():
        raise ValidationError(_("Your company has already sent its interest in this seed."))
    with transaction.atomic():
        interest = SeedInterest.objects.create(
            municipality=sme.municipality,
            sme=sme,
            patent=patent,
            message=message.strip(),
            created_by=actor,
            created_by_label=str(actor),
        )
        audit_log(
            municipality=sme.municipality,
            actor=actor,
            action="seed_interest.sent",
            obj=interest,
            changes={"patent": {"new": patent.pk}},
        )
    return interest


def seed_interest_acknowledge(*, interest: SeedInterest, actor: User, reply: str = "") -> SeedInterest:
    """A coordinator answers an interest: takes it in hand, optionally with a message (idempotent).

    Side effects the first time: audit entry, and after commit an e-mail to the SME's active members,
    each in their own language, with the answer and a link to their list of interests.
    """
    if interest.status == InterestStatus.ACKNOWLEDGED:
        return interest
    with transaction.atomic():
        interest.status = InterestStatus.ACKNOWLEDGED
        interest.acknowledged_by = actor
        interest.acknowledged_at = timezone.now()
        interest.reply = reply.strip()
        interest.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "reply"])
        audit_log(
            municipality=interest.municipality,
            actor=actor,
            action="seed_interest.acknowledged",
            obj=interest,
            changes={"status": {"old": InterestStatus.NEW, "new": InterestStatus.ACKNOWLEDGED}},
        )
        interest_id = interest.pk
        transaction.on_commit(lambda: _mail_interest_answered(interest_id=interest_id))
    return interest


def sme_members_of(*, sme: SME) -> list[User]:
    """The active users who act for an SME, by e-mail address."""
    memberships = (
        Membership.objects.filter(
            municipality_id=sme.municipality_id,
            role=Role.SME_MEMBER,
            sme_id=sme.pk,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )
    users: list[User] = []
    for membership in memberships:
        if membership.user not in users:
            users.append(membership.user)
    return users


def _mail_interest_answered(*, interest_id: int) -> None:
    from django.urls import reverse
    from django_scopes import scope, scopes_disabled

    from kawasaki.mail import mail_users

    with scopes_disabled():
        interest = SeedInterest.objects.select_related(
            "sme", "patent", "patent__company", "municipality", "acknowledged_by"
        ).get(pk=interest_id)
    municipality = interest.municipality
    path = reverse("interest_mine", kwargs={"municipality": municipality.slug})
    with scope(municipality=municipality):
        mail_users(
            users=sme_members_of(sme=interest.sme),
            template="smes/email/interest_answered",
            context={
                "interest": interest,
                "patent": interest.patent,
                "coordinator": interest.acknowledged_by,
                "link": settings.KAWASAKI_BASE_URL.rstrip("/") + path,
            },
        )


# --- contact persons ----------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "role", "phone", "email", "preferred_contact", "consent_to_share")


def contact_person_create(*, sme: SME, actor: User, data: dict[str, Any]) -> ContactPerson:
    """Add a person to contact at an SME. Side effect: audit entry (no contact details in it)."""
    person = ContactPerson(
        municipality=sme.municipality, sme=sme, **{k: v for k, v in data.items() if k in CONTACT_FIELDS}
    )
    return _create_audited(person, action="contact_person.created", actor=actor)


def contact_person_update(*, person: ContactPerson, actor: User, data: dict[str, Any]) -> ContactPerson:
    """Change a contact person, their consent to be shared with companies included. Side effect: audit
    entry with the old and new values of the fields changed."""
    return _update_audited(person, data, fields=CONTACT_FIELDS, action="contact_person.updated", actor=actor)


def contact_person_delete(*, person: ContactPerson, actor: User) -> None:
    """Remove a contact person. Side effect: audit entry."""
    with transaction.atomic():
        audit_log(municipality=person.municipality, actor=actor, action="contact_person.deleted", obj=person)
        person.delete()
