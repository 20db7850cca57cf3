"""E-mails to a large company's IP staff: an SME's new interest in one of its seeds, and a new
one-on-one request to meet the company at a symposium. Sent after commit, each person in their own
language (kawasaki.mail). The interest's message stays with the coordinators: the company hears which
seed and which SME, and that the city's coordinator arranges the next step."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.mail import mail_users
from kawasaki.models import Membership, Role, User

from .models import OneOnOneRequest
from .services.meeting_mail import _members


def staff_of(*, municipality_id: int, company_id: int) -> list[User]:
    """The active IP staff of one company in one municipality."""
    return _members(
        Membership.objects.filter(
            municipality_id=municipality_id, role=Role.COMPANY_STAFF, company_id=company_id
        )
    )


def _link(name: str, municipality, **kwargs) -> str:
    path = reverse(name, kwargs={"municipality": municipality.slug, **kwargs})
    return settings.KAWASAKI_BASE_URL.rstrip("/") + path


def _interest_created(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    interest_id = instance.pk

    def send() -> None:
        from smes.models import SeedInterest

        with scopes_disabled():
            interest = SeedInterest.objects.select_related("patent", "sme", "municipality").get(
                pk=interest_id
            )
        patent, municipality = interest.patent, interest.municipality
        with scope(municipality=municipality):
            mail_users(
                users=staff_of(municipality_id=municipality.pk, company_id=patent.company_id),
                template="matching/email/company_interest",
                context={
                    "patent": patent,
                    "sme": interest.sme,
                    "shared": interest.sme.consent_to_share,
                    "link": _link("patent_detail", municipality, pk=patent.pk),
                    "fits_link": _link("shared_candidates", municipality),
                },
            )

    transaction.on_commit(send)


def _request_created(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    request_id = instance.pk

    def send() -> None:
        with scopes_disabled():
            request = OneOnOneRequest.objects.select_related(
                "symposium", "sme", "company", "municipality"
            ).get(pk=request_id)
        municipality = request.municipality
        with scope(municipality=municipality):
            mail_users(
                users=staff_of(municipality_id=municipality.pk, company_id=request.company_id),
                template="matching/email/company_one_on_one",
                context={
                    "request": request,
                    "symposium": request.symposium,
                    "sme": request.sme,
                    "seeds": list(request.seeds.order_by("number")),
                    "link": _link("meeting_detail", municipality, pk=request.symposium_id),
                },
            )

    transaction.on_commit(send)


def connect() -> None:
    from smes.models import SeedInterest

    post_save.connect(_interest_created, sender=SeedInterest, dispatch_uid="matching-company-interest-mail")
    post_save.connect(_request_created, sender=OneOnOneRequest, dispatch_uid="matching-company-request-mail")
