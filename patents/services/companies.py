"""Writes on large companies and the other spellings of their names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log, field_changes

from ..models import CompanyAlias, LargeCompany, company_name_key


def _alias_owner(*, municipality: Municipality, name: str) -> LargeCompany | None:
    alias = CompanyAlias.objects.filter(municipality=municipality, key=company_name_key(name)).first()
    return alias.company if alias is not None else None


def company_create(
    *,
    municipality: Municipality,
    actor: User | None,
    name_ja: str,
    name_en: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    aliases: Iterable[str] = (),
) -> LargeCompany:
    """Register a large company with its names as aliases.

    Refuses a name that is already another spelling of a company here ("GOOGLE INC." when "Google Inc."
    exists). Side effects: aliases created, audit entry.
    """
    names = [n.strip() for n in (name_ja, name_en, *aliases) if n and n.strip()]
    if not names or not company_name_key(names[0]):
        raise ValidationError({"name_ja": _("Enter the company's name.")})
    for name in names:
        owner = _alias_owner(municipality=municipality, name=name)
        if owner is not None:
            raise ValidationError(
                {
                    "name_ja": _("“%(name)s” is already a name of %(company)s.")
                    % {"name": name, "company": owner}
                }
            )
    with transaction.atomic():
        company = LargeCompany.objects.create(
            municipality=municipality,
            name_ja=name_ja.strip() or name_en.strip(),
            name_en=name_en.strip(),
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
        )
        keys = set()
        for name in names:
            if company_name_key(name) not in keys:
                keys.add(company_name_key(name))
                CompanyAlias.objects.create(municipality=municipality, company=company, name=name)
        audit_log(
            municipality=municipality,
            actor=actor,
            action="company.created",
            obj=company,
            changes={"name_ja": {"new": company.name_ja}, "name_en": {"new": company.name_en}},
        )
    return company


COMPANY_FIELDS = ("name_ja", "name_en", "contact_name", "contact_email", "contact_phone")


def company_update(*, company: LargeCompany, actor: User, data: dict[str, Any]) -> LargeCompany:
    """Change a company's names or licensing contact. Side effect: audit entry with old and new values."""
    data = {k: v for k, v in data.items() if k in COMPANY_FIELDS}
    changes = field_changes(company, data)
    if not changes:
        return company
    with transaction.atomic():
        for field, value in data.items():
            setattr(company, field, value)
        company.save(update_fields=list(changes))
        for field in ("name_ja", "name_en"):
            if field in changes and data[field]:
                owner = _alias_owner(municipality=company.municipality, name=data[field])
                if owner is None:
                    CompanyAlias.objects.create(
                        municipality=company.municipality, company=company, name=data[field]
                    )
        audit_log(
            municipality=company.municipality,
            actor=actor,
            action="company.updated",
            obj=company,
            changes=changes,
        )
    return company


def company_alias_add(*, company: LargeCompany, actor: User | None, name: str) -> CompanyAlias:
    """Record another spelling of a company's name. Side effect: audit entry."""
    name = name.strip()
    if not company_name_key(name):
        raise ValidationError({"name": _("Enter a name.")})
    owner = _alias_owner(municipality=company.municipality, name=name)
    if owner is not None:
        raise ValidationError(
            {"name": _("“%(name)s” is already a name of %(company)s.") % {"name": name, "company": owner}}
        )
    alias = CompanyAlias.objects.create(municipality=company.municipality, company=company, name=name)
    audit_log(
        municipality=company.municipality,
        actor=actor,
        action="company.alias_added",
        obj=company,
        changes={"alias": {"new": name}},
    )
    return alias


def company_for_name(*, municipality: Municipality, actor: User | None, name: str) -> LargeCompany:
    """The company a name or alias stands for, registered under that name when new."""
    owner = _alias_owner(municipality=municipality, name=name)
    if owner is not None:
        return owner
    return company_create(municipality=municipality, actor=actor, name_ja=name)
