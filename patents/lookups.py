"""Search-as-you-type lookups of the patents app (kawasaki.lookups): published seeds, companies."""

from kawasaki.lookups import Lookup, register_lookup

from .models import PublicationState
from .selectors import companies_visible_to, patents_visible_to


def seed_rows(*, user, municipality, params):
    """Published seeds the user may see (?company= narrows to one company's), by title."""
    rows = patents_visible_to(user=user, municipality=municipality).filter(
        publication_state=PublicationState.PUBLISHED
    )
    if params.get("company", "").isdigit():
        rows = rows.filter(company_id=int(params["company"]))
    return rows.select_related("company").order_by("title", "pk")


def company_rows(*, user, municipality, params):
    return companies_visible_to(user=user, municipality=municipality).order_by("name_ja", "pk")


def register() -> None:
    register_lookup(
        Lookup(
            "seed",
            "patents.view_patent",
            seed_rows,
            search_fields=("title", "number"),
            label=lambda p: f"{p.number} {p.title} ({p.company})",
        ),
        Lookup("company", "patents.view_company", company_rows, search_fields=("name_ja", "name_en")),
    )
