"""Writes of the reports app: the council's targets per fiscal year, and the yearly sales of a product."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log
from negotiations.models import Product

from .models import CaseStudy, Figure, KpiTarget, ProductSales

__all__ = ["case_study_save", "kpi_targets_set", "product_sales_record"]


def _check_year(municipality: Municipality, fiscal_year: int, *, latest: int) -> None:
    if not 2000 <= fiscal_year <= latest:
        raise ValidationError(
            {
                "fiscal_year": _("Give a fiscal year between %(first)d and %(last)d.")
                % {"first": 2000, "last": latest}
            }
        )


def kpi_targets_set(
    *, municipality: Municipality, actor: User, fiscal_year: int, targets: dict[str, int | None]
) -> dict[str, int]:
    """Set (or clear, with None) the municipality's targets for a fiscal year, by figure. Returns the
    year's targets. Side effect: one audit entry with the changed targets."""
    current = municipality.fiscal_year_of(timezone.localdate())
    _check_year(municipality, fiscal_year, latest=current + 1)
    unknown = set(targets) - set(Figure.values)
    if unknown:
        raise ValidationError(_("Unknown figures: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    errors = {
        figure: _("A target is a whole number, 0 or more.")
        for figure, value in targets.items()
        if value is not None and (not isinstance(value, int) or value < 0)
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {
            t.figure: t
            for t in KpiTarget.objects.select_for_update().filter(
                municipality=municipality, fiscal_year=fiscal_year
            )
        }
        changes = {}
        for figure, value in targets.items():
            old = existing.get(figure)
            old_value = old.target if old is not None else None
            if old_value == value:
                continue
            changes[figure] = {"old": old_value, "new": value}
            if value is None:
                if old is not None:
                    old.delete()
            elif old is None:
                KpiTarget.objects.create(
                    municipality=municipality,
                    fiscal_year=fiscal_year,
                    figure=figure,
                    target=value,
                    set_by=actor,
                )
            else:
                old.target = value
                old.set_by = actor
                old.save(update_fields=["target", "set_by", "set_at"])
        if changes:
            audit_log(
                municipality=municipality,
                actor=actor,
                action="kpi_targets.set",
                obj=municipality,
                changes={"fiscal_year": {"new": fiscal_year}, **changes},
            )
    return dict(
        KpiTarget.objects.filter(municipality=municipality, fiscal_year=fiscal_year).values_list(
            "figure", "target"
        )
    )


def product_sales_record(
    *, product: Product, actor: User, fiscal_year: int, sales_yen: int, royalty_base_yen: int
) -> ProductSales:
    """Record (or correct) a product's sales in a fiscal year, as its SME reports them. The year runs
    from the product's launch to the current one; the royalty base is part of the sales. Side effect:
    audit entry with the old and new figures."""
    municipality = product.municipality
    launched = municipality.fiscal_year_of(product.launch_date)
    current = municipality.fiscal_year_of(timezone.localdate())
    if not launched <= fiscal_year <= current:
        raise ValidationError(
            {
                "fiscal_year": _(
                    "Sales are reported for a fiscal year from the launch (FY%(first)d) to the current one "
                    "(FY%(last)d)."
                )
                % {"first": launched, "last": current}
            }
        )
    errors = {}
    if sales_yen < 0:
        errors["sales_yen"] = _("Sales cannot be negative.")
    if royalty_base_yen < 0:
        errors["royalty_base_yen"] = _("The royalty base cannot be negative.")
    elif royalty_base_yen > sales_yen:
        errors["royalty_base_yen"] = _(
            "The royalty base (%(base)s yen) cannot be more than the sales (%(sales)s yen)."
        ) % {"base": f"{royalty_base_yen:,}", "sales": f"{sales_yen:,}"}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = (
            ProductSales.objects.select_for_update().filter(product=product, fiscal_year=fiscal_year).first()
        )
        old = (report.sales_yen, report.royalty_base_yen) if report is not None else (None, None)
        if report is None:
            report = ProductSales(municipality=municipality, product=product, fiscal_year=fiscal_year)
        report.sales_yen = sales_yen
        report.royalty_base_yen = royalty_base_yen
        report.reported_by = actor
        report.save()
        audit_log(
            municipality=municipality,
            actor=actor,
            action="product_sales.reported",
            obj=product,
            changes={
                "fiscal_year": {"new": fiscal_year},
                "sales_yen": {"old": old[0], "new": sales_yen},
                "royalty_base_yen": {"old": old[1], "new": royalty_base_yen},
            },
        )
    return report


def case_study_save(*, product: Product, actor: User, title_en: str, text_en: str) -> CaseStudy:
    """Write the English title and text of a product's case study (the English annual report uses them;
    empty: the report shows the Japanese text with a note). Side effect: audit entry with the changes."""
    title_en, text_en = title_en.strip(), text_en.strip()
    if text_en and not title_en:
        raise ValidationError({"title_en": _("Give the English title too.")})
    with transaction.atomic():
        study = CaseStudy.objects.select_for_update().filter(product=product).first() or CaseStudy(
            municipality=product.municipality, product=product
        )
        changes = {
            key: {"old": getattr(study, key) if study.pk else "", "new": value}
            for key, value in (("title_en", title_en), ("text_en", text_en))
            if (getattr(study, key) if study.pk else "") != value
        }
        study.title_en = title_en
        study.text_en = text_en
        study.updated_by = actor
        study.full_clean(exclude=["municipality", "product"])
        study.save()
        if changes:
            audit_log(
                municipality=product.municipality,
                actor=actor,
                action="case_study.saved",
                obj=product,
                changes=changes,
            )
    return study
