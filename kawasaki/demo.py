"""Demo data of the core: two municipalities and an account for every role.

Other apps extend the demo by adding a step to DEMO_STEPS (a function taking the context dict that
this module fills: municipalities and users by key). Every step must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django_scopes import scopes_disabled

from .models import Membership, Municipality, Role, User

DEMO_PASSWORD = "kawasaki-demo-2026"  # noqa: S105 - printed on purpose: demo accounts only

MUNICIPALITIES = [
    {"slug": "kawasaki", "name_ja": "川崎市", "name_en": "Kawasaki City", "prefecture": "神奈川県"},
    {"slug": "sagamihara", "name_ja": "相模原市", "name_en": "Sagamihara City", "prefecture": "神奈川県"},
]

# (key, e-mail, display name, [(municipality slug, role)])
ACCOUNTS = [
    ("admin", "admin@kawasaki.example.jp", "川崎 管理者", [("kawasaki", Role.MUNICIPALITY_ADMIN)]),
    (
        "coordinator",
        "coordinator@kawasaki.example.jp",
        "知財 コーディネーター",
        [("kawasaki", Role.COORDINATOR), ("sagamihara", Role.COORDINATOR)],
    ),
    ("company", "ip@bigcorp.example.com", "大企業 知財部", [("kawasaki", Role.COMPANY_STAFF)]),
    ("sme", "owner@sme.example.jp", "中小企業 代表", [("kawasaki", Role.SME_MEMBER)]),
    ("reporting", "reporting@kawasaki.example.jp", "Reporting client", [("kawasaki", Role.REPORTING)]),
    (
        "sagamihara_admin",
        "admin@sagamihara.example.jp",
        "相模原 管理者",
        [("sagamihara", Role.MUNICIPALITY_ADMIN)],
    ),
]

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
        for key, email, name, roles in ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
            context["users"][key] = user
            for slug, role in roles:
                Membership.objects.get_or_create(
                    user=user, municipality=context["municipalities"][slug], defaults={"role": role}
                )
        for step in DEMO_STEPS:
            step(context)
    return context
