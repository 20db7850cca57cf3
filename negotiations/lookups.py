"""Search-as-you-type lookups of the negotiations app (kawasaki.lookups): one SME's deals."""

from kawasaki.lookups import Lookup, register_lookup

from .selectors import negotiations_visible_to


def deal_rows(*, user, municipality, params):
    """The deals of the SME named by ?sme= (nothing until an SME is chosen)."""
    sme = params.get("sme", "")
    rows = negotiations_visible_to(user=user, municipality=municipality)
    if not sme.isdigit():
        return rows.none()
    return rows.filter(sme_id=int(sme)).select_related("sme", "company").order_by("-created_at", "pk")


def register() -> None:
    register_lookup(
        Lookup(
            "deal",
            "negotiations.list_negotiations",
            deal_rows,
            search_fields=("company__name_ja", "company__name_en", "seeds__title"),
        )
    )
