"""Tenancy probe of the subsidies app: which roles open each URL, and how to make the objects they name."""

from __future__ import annotations

from django.core.files.base import ContentFile

from kawasaki.models import Membership, Role
from kawasaki.selectors import forget_roles
from subsidies.models import ApplicationDocument, ApplicationNote
from tests.factories.smes import SMEFactory
from tests.factories.subsidies import ApplicationFactory, ProgrammeFactory, ProgrammeWindowFactory

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})
STAFF_AND_SME = STAFF | {Role.SME_MEMBER}


def _own_sme(municipality, user):
    """An SME of `municipality`; when the requester is an SME member there, it is made theirs."""
    sme = SMEFactory(municipality=municipality)
    Membership.objects.filter(user=user, municipality=municipality, role=Role.SME_MEMBER).update(sme=sme)
    forget_roles(user)
    return sme


def _programme(municipality, user):
    return ProgrammeFactory(municipality=municipality).pk


def _window(municipality, user):
    return ProgrammeWindowFactory(programme=ProgrammeFactory(municipality=municipality)).pk


def _sme(municipality, user):
    return _own_sme(municipality, user).pk


def _application(municipality, user):
    return ApplicationFactory(sme=_own_sme(municipality, user)).pk


def _document(municipality, user):
    application = ApplicationFactory(sme=_own_sme(municipality, user))
    document = ApplicationDocument(municipality=municipality, application=application, title="probe")
    document.file.save("probe.pdf", ContentFile(b"%PDF-1.4 probe"), save=True)
    return document.pk


ROLE_MATRIX = {
    "programme_list": STAFF,
    "programme_create": STAFF,
    "programmetemplate_list": STAFF,
    "programme_detail": STAFF,
    "programme_edit": STAFF,
    "programmewindow_create": STAFF,
    "programmewindow_edit": STAFF,
    "programmewindow_delete": STAFF,
    "subsidy_eligibility_pick": STAFF_AND_SME,
    "subsidy_eligibility": STAFF_AND_SME,
    "subsidy_application_list": STAFF_AND_SME,
    "subsidy_application_create": STAFF_AND_SME,
    "subsidy_application_detail": STAFF_AND_SME,
    "subsidy_application_edit": STAFF_AND_SME,
    "subsidy_application_status": STAFF_AND_SME,
    "subsidy_application_withdraw": STAFF_AND_SME,
    "subsidy_application_note": STAFF,
    "subsidy_document_upload": STAFF_AND_SME,
    "subsidy_document_download": STAFF_AND_SME,
    "subsidy_calendar": STAFF,
    "subsidy_calendar_feed": STAFF,
}

PROBE_OBJECTS = {
    "programme_detail": _programme,
    "programme_edit": _programme,
    "programmewindow_create": _programme,
    "programmewindow_edit": _window,
    "programmewindow_delete": _window,
    "subsidy_eligibility": _sme,
    "subsidy_application_detail": _application,
    "subsidy_application_edit": _application,
    "subsidy_application_status": _application,
    "subsidy_application_withdraw": _application,
    "subsidy_application_note": _application,
    "subsidy_document_upload": _application,
    "subsidy_document_download": _document,
}

NON_TENANT_URLS = {
    "api_subsidy_programme_list": 401,
    "api_subsidy_programme_detail": 401,
    "api_subsidy_application_list": 401,
    "api_subsidy_application_detail": 401,
    # The secret token in the address is the credential; an unknown one is a 404.
    "api_subsidy_calendar_ics": 404,
}


def _seed_marker(municipality, marker):
    programme = ProgrammeFactory(municipality=municipality, name=marker, notes=marker, purpose=marker)
    window = ProgrammeWindowFactory(programme=programme, label=marker)
    sme = SMEFactory(municipality=municipality, name_ja=marker)
    application = ApplicationFactory(sme=sme, programme=programme, window=window, title=marker)
    ApplicationNote.objects.create(municipality=municipality, application=application, body=marker)


MARKER_SEEDERS = [_seed_marker]
