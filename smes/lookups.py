"""Search-as-you-type lookups of the smes app (kawasaki.lookups): SMEs, and one SME's business plans."""

from kawasaki.lookups import Lookup, register_lookup

from .selectors import plans_visible_to, smes_visible_to


def sme_rows(*, user, municipality, params):
    return smes_visible_to(user=user, municipality=municipality).order_by("name_ja", "pk")


def plan_rows(*, user, municipality, params):
    """The business plans of the SME named by ?sme= (nothing until an SME is chosen)."""
    sme = params.get("sme", "")
    if not sme.isdigit():
        return plans_visible_to(user=user, municipality=municipality).none()
    return (
        plans_visible_to(user=user, municipality=municipality).filter(sme_id=int(sme)).order_by("title", "pk")
    )


def register() -> None:
    register_lookup(
        Lookup("sme", "smes.view_sme_list", sme_rows, search_fields=("name_ja", "name_kana", "name_en")),
        Lookup("plan", "smes.view_plan_list", plan_rows, search_fields=("title",)),
    )
