"""Classification of the patents app's URLs for tests/kawasaki/test_tenancy.py."""

from __future__ import annotations

from django.core.files.base import ContentFile

from kawasaki.models import Membership, Role
from kawasaki.selectors import forget_roles
from patents.models import PatentAttachment, PortfolioImport, PublicationState
from tests.factories.patents import LargeCompanyFactory, PatentFactory

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})
CURATORS = STAFF | {Role.COMPANY_STAFF}
VIEWERS = CURATORS | {Role.SME_MEMBER}

ROLE_MATRIX = {
    "patent_list": VIEWERS,
    "patent_export": CURATORS,
    "patent_bulk_state": CURATORS,
    "patent_booklet": VIEWERS,
    "patent_detail": VIEWERS,
    "patent_edit": CURATORS,
    "patent_state": CURATORS,
    "patent_sheet": VIEWERS,
    "patent_attachment_add": CURATORS,
    "patent_attachment": VIEWERS,
    "patent_attachment_delete": CURATORS,
    "company_list": CURATORS,
    "company_create": STAFF,
    "company_detail": CURATORS,
    "company_alias_add": STAFF,
    "import_list": CURATORS,
    "import_template": CURATORS,
    "import_template_xlsx": CURATORS,
    "import_detail": CURATORS,
    "import_confirm": CURATORS,
    "import_retry": CURATORS,
}


def _company_for(municipality, user):
    """A company in the municipality; a company-staff requester is made staff of it."""
    company = LargeCompanyFactory(municipality=municipality)
    Membership.objects.filter(user=user, municipality=municipality, role=Role.COMPANY_STAFF).update(
        company=company
    )
    forget_roles(user)
    return company


def _patent(municipality, user):
    company = _company_for(municipality, user)
    return PatentFactory(company=company, publication_state=PublicationState.PUBLISHED).pk


def tiny_png(colour=(200, 30, 30)) -> bytes:
    """A real 4 x 4 PNG, made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_attachment(patent, *, caption="Prototype", original_name="proto.png", kind="prototype_photo"):
    attachment = PatentAttachment(
        municipality=patent.municipality,
        patent=patent,
        kind=kind,
        caption=caption,
        original_name=original_name,
        content_type="image/png",
        size=len(tiny_png()),
    )
    attachment.file.save("probe.png", ContentFile(tiny_png()), save=False)
    attachment.save()
    return attachment


def _attachment(municipality, user):
    patent = PatentFactory(
        company=_company_for(municipality, user), publication_state=PublicationState.PUBLISHED
    )
    return {"pk": patent.pk, "attachment_pk": make_attachment(patent).pk}


def _company(municipality, user):
    return _company_for(municipality, user).pk


def _import(municipality, user):
    company = _company_for(municipality, user)
    portfolio_import = PortfolioImport(municipality=municipality, company=company, original_name="p.csv")
    portfolio_import.file.save("p.csv", ContentFile(b"number,title\nJP1,x\n"), save=False)
    portfolio_import.save()
    return portfolio_import.pk


PROBE_OBJECTS = {
    "patent_detail": _patent,
    "patent_edit": _patent,
    "patent_state": _patent,
    "patent_sheet": _patent,
    "patent_attachment_add": _patent,
    "patent_attachment": _attachment,
    "patent_attachment_delete": _attachment,
    "company_detail": _company,
    "company_alias_add": _company,
    "import_detail": _import,
    "import_confirm": _import,
    "import_retry": _import,
}

NON_TENANT_URLS = {
    "api_company_list": 401,
    "api_company_detail": 401,
    "api_patent_list": 401,
    "api_patent_detail": 401,
    "api_import_list": 401,
    "api_import_detail": 401,
    "api_import_confirm": 401,
}


def seed_marker(municipality, marker: str) -> None:
    """Put the marker in every string a patents page or endpoint could show."""
    company = LargeCompanyFactory(municipality=municipality, name_ja=marker, name_en=marker)
    seed = PatentFactory(
        company=company,
        number=marker.upper(),
        title=marker,
        abstract=marker,
        plain_summary=marker,
        internal_note=marker,
        publication_state=PublicationState.PUBLISHED,
    )
    portfolio_import = PortfolioImport(municipality=municipality, company=company, original_name=marker)
    portfolio_import.file.save("marker.csv", ContentFile(marker.encode()), save=False)
    portfolio_import.save()
    make_attachment(seed, caption=marker, original_name=f"{marker}.png")


MARKER_SEEDERS = [seed_marker]
