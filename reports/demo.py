"""Demo data of the reports app: the council's targets for each year of the demo story, the English case
studies of the launched products, and the yearly sales the SMEs reported for them (both from
negotiations/demo_data/deals.json).

Idempotent: targets are set to the same values again (nothing changes, nothing is audited); a year's
sales already reported are left as they are.
"""

from __future__ import annotations

from django.utils import timezone

from kawasaki.demo import demo_step
from negotiations.demo import story, story_first_year
from negotiations.models import Product

from . import services
from .models import CaseStudy, ProductSales

# What each city's council asked for, per year of the story (a programme that grows, and a target that
# is not always met).
TARGETS = {
    "kawasaki": [
        {"visits": 12, "matches": 10, "meetings": 8, "ndas": 5, "licences": 3, "products": 1},
        {"visits": 15, "matches": 12, "meetings": 10, "ndas": 6, "licences": 4, "products": 3},
        {"visits": 18, "matches": 15, "meetings": 12, "ndas": 8, "licences": 5, "products": 4},
    ],
    "sagamihara": [
        {"visits": 6, "matches": 5, "meetings": 4, "ndas": 2, "licences": 1, "products": 1},
        {"visits": 8, "matches": 6, "meetings": 5, "ndas": 3, "licences": 2, "products": 1},
        {"visits": 10, "matches": 8, "meetings": 6, "ndas": 4, "licences": 2, "products": 2},
    ],
}
# The running royalty is paid on the net sales: the demo's royalty base is this share of the sales.
ROYALTY_BASE_SHARE = 0.9


@demo_step
def reports_demo(context: dict) -> None:
    admin = context["users"].get("admin")
    today = timezone.localdate()
    first_year = story_first_year(today)
    for slug, city in story().items():
        municipality = context["municipalities"].get(slug)
        if municipality is None:
            continue
        current = municipality.fiscal_year_of(today)
        for offset, targets in enumerate(TARGETS.get(slug, [])):
            services.kpi_targets_set(
                municipality=municipality, actor=admin, fiscal_year=first_year + offset, targets=dict(targets)
            )
        for deal in city["deals"]:
            product = deal.get("product")
            if product is None:
                continue
            found = Product.objects.filter(municipality=municipality, name=product["name"]).first()
            if found is None:
                continue
            if product.get("description_en") and not CaseStudy.objects.filter(product=found).exists():
                services.case_study_save(
                    product=found,
                    actor=context["users"].get("coordinator"),
                    title_en=product["name_en"],
                    text_en=product["description_en"],
                )
            for sales in deal.get("sales", []):
                year = first_year + sales["fy"]
                # Sales are reported once the fiscal year is over.
                if year >= current or ProductSales.objects.filter(product=found, fiscal_year=year).exists():
                    continue
                services.product_sales_record(
                    product=found,
                    actor=admin,
                    fiscal_year=year,
                    sales_yen=sales["sales_yen"],
                    royalty_base_yen=int(sales["sales_yen"] * ROYALTY_BASE_SHARE),
                )
