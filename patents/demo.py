"""Demo data of the patents app: NASA's open portfolio (public domain) and hand-written Japanese samples.

Idempotent: companies are found by alias, patents by company + number; nothing is duplicated on a
second run. The data are files in demo_data/ (README.md there says where each came from); the
Japanese seeds are fictional and labelled as samples.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

from django.utils import timezone

from kawasaki.demo import demo_step
from kawasaki.models import Membership, Role

from . import services
from .models import FIT_FIELDS, CompanyAlias, LargeCompany, Patent, PublicationState, company_name_key
from .signals import seeds_changed

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


def _company(municipality, *, name_ja, name_en, aliases=(), **contact) -> LargeCompany:
    alias = CompanyAlias.objects.filter(municipality=municipality, key=company_name_key(name_ja)).first()
    if alias is not None:
        return alias.company
    return services.company_create(
        municipality=municipality, actor=None, name_ja=name_ja, name_en=name_en, aliases=aliases, **contact
    )


def _japanese_seeds(context) -> dict[str, LargeCompany]:
    data = json.loads((DEMO_DATA / "japanese_seeds.json").read_text(encoding="utf-8"))
    companies = {}
    now = timezone.now()
    for entry in data["companies"]:
        municipality = context["municipalities"][entry["municipality"]]
        company = _company(
            municipality,
            name_ja=entry["name_ja"],
            name_en=entry["name_en"],
            aliases=entry["aliases"],
            contact_name=entry["contact_name"],
            contact_email=entry["contact_email"],
            contact_phone=entry["contact_phone"],
        )
        companies[entry["key"]] = company
        for seed in entry["seeds"]:
            fit = dict(zip(FIT_FIELDS, seed["fit"], strict=True))
            Patent.objects.get_or_create(
                company=company,
                number=seed["number"],
                defaults={
                    "municipality": municipality,
                    "kind": "patent",
                    "jurisdiction": "JP",
                    "title": seed["title"],
                    "abstract": seed["abstract"],
                    "ipc_codes": seed["ipc"],
                    "applicants": entry["name_ja"],
                    "filing_date": dt.date.fromisoformat(seed["filing"]),
                    "expiry_date": dt.date.fromisoformat(seed["expiry"]),
                    "legal_status": "granted",
                    "plain_summary": seed["summary"],
                    "application_examples": seed["uses"],
                    "prototype_info": seed["prototype"],
                    "publication_state": PublicationState.PUBLISHED,
                    "published_at": now,
                    "internal_note": "デモ用のサンプルです。",
                    **fit,
                },
            )
    return companies


def _nasa(context) -> None:
    records = [
        json.loads(line)
        for line in (DEMO_DATA / "nasa_patents.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    # Which NASA centres' patents each municipality gets; the first few are published, the rest stay
    # drafts to curate.
    portfolio = json.loads((DEMO_DATA / "nasa_portfolio.json").read_text(encoding="utf-8"))
    now = timezone.now()
    for slug, centres in portfolio["centres"].items():
        municipality = context["municipalities"][slug]
        # Each city gets its own centres under its own name: no demo company is named alike in two cities.
        company = _company(municipality, **portfolio["companies"][slug])
        existing = set(Patent.objects.filter(company=company).values_list("number", flat=True))
        chosen = sorted((r for r in records if r["center"] in centres), key=lambda r: r["case_number"])
        new = []
        for index, record in enumerate(chosen):
            number = record["case_number"].upper()
            if number in existing:
                continue
            existing.add(number)
            published = index < portfolio["published_per_municipality"]
            new.append(
                Patent(
                    municipality=municipality,
                    company=company,
                    number=number,
                    kind="patent",
                    jurisdiction="US",
                    title=html.unescape(record["title"])[:500],
                    abstract=html.unescape(record["abstract"] or ""),
                    applicants="NASA " + record["center"],
                    legal_status="granted",
                    publication_state=PublicationState.PUBLISHED if published else PublicationState.DRAFT,
                    published_at=now if published else None,
                    fit_clear_use="partly" if published else "unknown",
                    internal_note=f"NASA category: {record['category']}",
                )
            )
        Patent.objects.bulk_create(new, batch_size=500)
        if new:
            # bulk_create sends no post_save: say so, so that the seeds' index is rebuilt.
            seeds_changed.send(sender=Patent, municipality_id=municipality.pk)


@demo_step
def patents_demo(context) -> None:
    companies = _japanese_seeds(context)
    _nasa(context)
    # The demo's company IP staff account acts for the Kawasaki sample company.
    user = context["users"].get("company")
    if user is not None:
        Membership.objects.filter(
            user=user, municipality=context["municipalities"]["kawasaki"], role=Role.COMPANY_STAFF
        ).update(company=companies["denki"])
