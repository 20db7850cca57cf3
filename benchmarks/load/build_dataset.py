"""Build the scale data set of issue 13 in the database DATABASE_URL names: one municipality with
100,000 seeds of one large company, 500 SMEs and 50 coordinators, then its seed and SME indexes.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/load/build_dataset.py [--seeds N] [--smes N]

Seeds resample real public records read from ../shared/data at run time (never copied into the
repository): each seed takes a random ipc-titles record (title, IPC codes, applicant, date) and, for
half of them, a random real NASA abstract, as benchmarks/bench_import.py does. 90% are published.
SMEs mix the fields of the demo SMEs (smes/demo_data, hand-written samples) and the English
profiles of benchmarks/profile_set.py, so no two SMEs have the same text.
Coordinators are bench-coordinator-NN@bench.example.jp with the password below and a TOTP
authenticator whose secret is TOTP_SECRET (benchmarks/load/locustfile.py signs in with it; production
settings require the second factor of coordinators).

The municipality is `bench` (its rows are replaced when the script runs again). Writes
benchmarks/load/dataset.json with the slugs, ids and accounts the benchmarks use. Rows are written
with bulk inserts (the import path is measured by bench_import.py); the indexes are built the way the
worker builds them (matching.indexing.index_build).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("KAWASAKI_SHARED_DATA", ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SLUG = "bench"
PASSWORD = "bench-load-2026"  # noqa: S105 - a throwaway database's accounts
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - base32; the locust users compute their codes from it
TODAY = dt.date.today()
OUT = Path(__file__).resolve().parent / "dataset.json"


def seed_rows(count: int, rng: random.Random):
    ipc = [json.loads(line) for line in (SHARED / "ipc-titles" / "patents.jsonl").open(encoding="utf-8")]
    nasa = [json.loads(line) for line in (SHARED / "nasa" / "patents.jsonl").open(encoding="utf-8")]
    abstracts = [r["abstract"] for r in nasa if r.get("abstract")]
    for i in range(count):
        record = rng.choice(ipc)
        date = None
        if record.get("date"):
            try:
                date = dt.date.fromisoformat(record["date"][:10])
            except ValueError:
                date = None
        yield {
            "number": f"{record['id']}-{i:06d}".upper().replace(" ", ""),
            "title": (record["title"] or "untitled")[:400],
            "abstract": rng.choice(abstracts) if rng.random() < 0.5 else "",
            "ipc_codes": " ".join(dict.fromkeys(record.get("ipc") or [])),
            "applicants": "\n".join(record.get("applicants") or []),
            "publication_date": date,
            # Most rights still run (as in a portfolio offered for licence); one in twenty has expired.
            "expiry_date": TODAY
            + dt.timedelta(days=rng.randint(-700, -1) if rng.random() < 0.05 else rng.randint(30, 5400)),
            "published": rng.random() < 0.9,
            "fit": rng.choice(["yes", "no", "unknown"]),
        }


def sme_profiles() -> list[dict]:
    from profile_set import EN_PROFILES

    rows = []
    for name in ("kawasaki_smes.json", "sagamihara_smes.json"):
        rows += json.loads((ROOT / "smes" / "demo_data" / name).read_text(encoding="utf-8"))
    for title, body in EN_PROFILES:
        needs, _sep, capabilities = body.partition("\n")
        rows.append({"products": title, "needs": needs, "capabilities": capabilities, "equipment": ""})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=100_000)
    parser.add_argument("--smes", type=int, default=500)
    parser.add_argument("--coordinators", type=int, default=50)
    parser.add_argument("--no-index", action="store_true", help="skip building the indexes")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.production")
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_scopes import scope, scopes_disabled

    from kawasaki.models import Membership, Municipality, Role, User
    from kawasaki.services import api_token_issue
    from matching.indexing import index_build
    from matching.models import IndexKind
    from patents.models import LargeCompany, Patent, PublicationState
    from smes.models import SME

    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    started = time.perf_counter()
    with scopes_disabled():
        Municipality.objects.filter(slug=SLUG).delete()
        User.objects.filter(email__endswith="@bench.example.jp").delete()
    municipality = Municipality.objects.create(
        slug=SLUG, name_ja="ベンチ市", name_en="Bench City", prefecture="神奈川県"
    )
    print(f"database: {connection.vendor}; old data removed in {time.perf_counter() - started:.1f} s")

    with scope(municipality=municipality):
        company = LargeCompany.objects.create(
            municipality=municipality, name_ja="ベンチ電機株式会社", name_en="Bench Electric"
        )
        other = LargeCompany.objects.create(
            municipality=municipality, name_ja="アルファ重工業株式会社", name_en="Alpha Heavy Industries"
        )
        t0 = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        batch: list[Patent] = []
        fit_fields = [
            f.name for f in Patent._meta.fields if f.name.startswith("fit_") and not f.name.endswith("_note")
        ]
        with transaction.atomic():
            for i, row in enumerate(seed_rows(args.seeds, rng)):
                batch.append(
                    Patent(
                        municipality=municipality,
                        # a second, small portfolio so that company filters and orderings mean something
                        company=other if i % 50 == 0 else company,
                        number=row["number"],
                        title=row["title"],
                        abstract=row["abstract"],
                        ipc_codes=row["ipc_codes"],
                        applicants=row["applicants"],
                        publication_date=row["publication_date"],
                        expiry_date=row["expiry_date"],
                        publication_state=PublicationState.PUBLISHED
                        if row["published"]
                        else PublicationState.DRAFT,
                        published_at=now if row["published"] else None,
                        **dict.fromkeys(fit_fields[: rng.randint(0, len(fit_fields))], row["fit"]),
                    )
                )
                if len(batch) == 5000:
                    Patent.objects.bulk_create(batch)
                    batch = []
            Patent.objects.bulk_create(batch)
        print(f"seeds: {args.seeds:,} in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        profiles = sme_profiles()
        smes = []
        for i in range(args.smes):
            a, b, c = rng.choice(profiles), rng.choice(profiles), rng.choice(profiles)
            smes.append(
                SME(
                    municipality=municipality,
                    name_ja=f"ベンチ工業{i:03d}株式会社",
                    name_en=f"Bench Works {i:03d}",
                    industry=a.get("industry") or "E",
                    industry_detail=a.get("industry_detail", ""),
                    products=a.get("products", ""),
                    needs=b.get("needs", ""),
                    capabilities=c.get("capabilities", ""),
                    equipment=a.get("equipment", ""),
                    needs_tags=b.get("needs_tags", []),
                    consent_to_share=i % 3 != 0,
                )
            )
        SME.objects.bulk_create(smes)
        print(f"SMEs: {args.smes} in {time.perf_counter() - t0:.1f} s")

        password = make_password(PASSWORD)
        accounts, api_keys = [], []
        for i in range(args.coordinators):
            email = f"bench-coordinator-{i:02d}@bench.example.jp"
            user = User.objects.create(email=email, password=password, display_name=f"ベンチ {i:02d}")
            Membership.objects.create(user=user, municipality=municipality, role=Role.COORDINATOR)
            TOTP.activate(user, TOTP_SECRET)
            accounts.append(email)
            _token, key = api_token_issue(user=user, municipality=municipality, name="load test")
            api_keys.append(key)
        print(f"coordinators: {len(accounts)} (password {PASSWORD!r}, TOTP secret in this file)")

        if not args.no_index:
            for kind in (IndexKind.SEEDS, IndexKind.SMES):
                t0 = time.perf_counter()
                record = index_build(municipality=municipality, kind=kind)
                print(f"{kind} index: {record.doc_count:,} documents in {time.perf_counter() - t0:.1f} s")

        some_seeds = list(
            Patent.objects.filter(municipality=municipality)
            .order_by("pk")
            .values_list("pk", flat=True)[:2000:40]
        )
        some_smes = list(
            SME.objects.filter(municipality=municipality).order_by("pk").values_list("pk", flat=True)[:50]
        )
    OUT.write_text(
        json.dumps(
            {
                "municipality": SLUG,
                "company_id": company.pk,
                "password": PASSWORD,
                "totp_secret": TOTP_SECRET,
                "coordinators": accounts,
                "api_keys": api_keys,
                "seed_ids": some_seeds,
                "sme_ids": some_smes,
            },
            indent=1,
        )
    )
    print(f"done in {time.perf_counter() - started:.1f} s; wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
