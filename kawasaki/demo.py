"""Demo data of the core: two municipalities and an account for every role.

Other apps extend the demo by adding a step to DEMO_STEPS (a function taking the context dict that
this module fills: municipalities and users by key). Every step must be idempotent. The municipalities
and accounts are files in demo_data/.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django_scopes import scopes_disabled

from .models import Membership, Municipality, Role, User

DEMO_PASSWORD = "kawasaki-demo-2026"  # noqa: S105 - printed on purpose: demo accounts only

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
MUNICIPALITIES: list[dict] = json.loads((DEMO_DATA / "municipalities.json").read_text(encoding="utf-8"))
# {"key", "email", "display_name", "memberships": [{"municipality": slug, "role": Role value}]}
ACCOUNTS: list[dict] = json.loads((DEMO_DATA / "accounts.json").read_text(encoding="utf-8"))

DemoStep = Callable[[dict], None]
DEMO_STEPS: list[DemoStep] = []


def demo_step(func: DemoStep) -> DemoStep:
    DEMO_STEPS.append(func)
    return func


def seed_demo() -> dict:
    """Create (or leave as they are) the demo municipalities, accounts and every app's demo data."""
    autodiscover_modules("demo")  # each app's demo.py registers its steps
    context: dict = {"municipalities": {}, "users": {}}
    with transaction.atomic(), scopes_disabled():
        for data in MUNICIPALITIES:
            municipality, _created = Municipality.objects.get_or_create(slug=data["slug"], defaults=data)
            context["municipalities"][data["slug"]] = municipality
        for account in ACCOUNTS:
            user = User.objects.filter(email=account["email"]).first()
            if user is None:
                user = User.objects.create_user(
                    email=account["email"], password=DEMO_PASSWORD, display_name=account["display_name"]
                )
            context["users"][account["key"]] = user
            for membership in account["memberships"]:
                Membership.objects.get_or_create(
                    user=user,
                    municipality=context["municipalities"][membership["municipality"]],
                    defaults={"role": Role(membership["role"])},
                )
        for step in DEMO_STEPS:
            step(context)
    return context
