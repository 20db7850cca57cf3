"""Demo subsidies: programmes modelled on real ones (labelled as examples whose facts must be checked),
windows around today so that every state shows, and applications in each status for demo SMEs.

The programmes and the fallback SMEs are files in demo_data/; the windows and applications are placed
relative to today here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from kawasaki.demo import demo_step
from kawasaki.models import Membership, Role
from smes import services as sme_services
from smes.models import SME, BusinessPlan

from . import services
from .models import Application, Programme, ProgrammeTemplate, TemplateWindow

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


def _load(name: str):
    return json.loads((DEMO_DATA / name).read_text(encoding="utf-8"))


def _programmes() -> tuple[list[dict], list[dict]]:
    """The shared templates and the city's own programmes, each carrying the note that it is an example."""
    data = _load("programmes.json")
    note = {"notes": data["example_note"]}
    return [{**t, **note} for t in data["templates"]], [{**p, **note} for p in data["city_programmes"]]


def _demo_smes(municipality, coordinator, member) -> list[SME]:
    """The SME the demo SME account acts for first (smes/demo.py links it), then others; SMEs of our
    own only when the smes demo has made none."""
    existing = list(SME.objects.filter(municipality=municipality).order_by("pk")[:3])
    linked = (
        Membership.objects.filter(user=member, municipality=municipality, sme__isnull=False)
        .values_list("sme_id", flat=True)
        .first()
        if member is not None
        else None
    )
    if linked is not None:
        existing = [SME.objects.get(pk=linked), *[s for s in existing if s.pk != linked][:2]]
    if existing:
        return existing
    note = "デモ用の架空の企業です / Fictitious demo company"
    return [
        sme_services.sme_create(
            municipality=municipality, actor=coordinator, data={**data, "source_note": note}
        )
        for data in _load("smes.json")
    ]


def _template(data: dict, today: dt.date) -> ProgrammeTemplate:
    template, created = ProgrammeTemplate.objects.get_or_create(slug=data["slug"], defaults=data)
    if created:
        TemplateWindow.objects.create(
            template=template,
            label="第1次締切",
            opens_on=today - dt.timedelta(days=20),
            closes_on=today + dt.timedelta(days=10),
        )
        TemplateWindow.objects.create(
            template=template,
            label="第2次締切",
            opens_on=today + dt.timedelta(days=15),
            closes_on=today + dt.timedelta(days=75),
        )
    return template


@demo_step
def demo_subsidies(context: dict) -> None:
    municipality = context["municipalities"]["kawasaki"]
    coordinator = context["users"]["coordinator"]
    today = timezone.localdate()
    template_data, city_programme_data = _programmes()
    templates = [_template(data, today) for data in template_data]
    for slug in ("kawasaki", "sagamihara"):
        city = context["municipalities"][slug]
        if not Programme.objects.filter(municipality=city, template=templates[0]).exists():
            services.programme_adopt(municipality=city, actor=None, template=templates[0])
    if Application.objects.filter(municipality=municipality).exists():
        return
    if not Programme.objects.filter(municipality=municipality, template=templates[1]).exists():
        services.programme_adopt(municipality=municipality, actor=None, template=templates[1])
    city_programmes = []
    for data in city_programme_data:
        programme = Programme.objects.filter(municipality=municipality, name=data["name"]).first()
        if programme is None:
            programme = services.programme_create(municipality=municipality, actor=None, data=data)
        city_programmes.append(programme)
    joint_rd, productisation = city_programmes
    past = services.window_create(
        programme=joint_rd,
        actor=None,
        label="前期募集",
        opens_on=today - dt.timedelta(days=150),
        closes_on=today - dt.timedelta(days=120),
    )
    current = services.window_create(
        programme=joint_rd,
        actor=None,
        label="後期募集",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=12),
    )
    services.window_create(
        programme=productisation,
        actor=None,
        label="通年募集（第3四半期）",
        opens_on=today + dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=60),
    )
    member = context["users"].get("sme")
    smes = _demo_smes(municipality, coordinator, member)
    sme = smes[0]
    if member is not None:
        Membership.objects.filter(
            user=member, municipality=municipality, role=Role.SME_MEMBER, sme__isnull=True
        ).update(sme=sme)
    plan = BusinessPlan.objects.filter(municipality=municipality, sme=sme).order_by("pk").first()
    if plan is None:
        plan = sme_services.business_plan_create(
            sme=sme,
            actor=coordinator,
            title="小型振動センサーの製品化計画",
            sections={"product_concept": "開放特許を活用した工場向け小型振動センサー"},
        )
    day = dt.timedelta(days=1)
    # (status, title, window, requested, granted, submitted, decided, reported); a withdrawal's date
    # goes in the "decided" column.
    rows = [
        ("draft", "振動センサー試作の共同研究", current, 4_000_000, None, None, None, None),
        ("submitted", "センサー筐体の共同設計", current, 2_500_000, None, today - 3 * day, None, None),
        (
            "granted",
            "検査装置の共同開発",
            past,
            5_000_000,
            4_500_000,
            past.opens_on + 5 * day,
            past.closes_on + 20 * day,
            None,
        ),
        (
            "rejected",
            "加工条件データベースの構築",
            past,
            3_000_000,
            None,
            past.opens_on + 8 * day,
            past.closes_on + 20 * day,
            None,
        ),
        (
            "result_reported",
            "小型モーター制御の共同研究",
            past,
            4_800_000,
            4_000_000,
            past.opens_on + 2 * day,
            past.closes_on + 10 * day,
            today - 2 * day,
        ),
        (
            "withdrawn",
            "表面処理条件の共同評価",
            current,
            1_500_000,
            None,
            today - 6 * day,
            today - 1 * day,
            None,
        ),
    ]
    applied: set[tuple[int, int]] = set()
    for index, (status, title, window, requested, granted, submitted, decided, reported) in enumerate(rows):
        # One application per SME and window, as the service expects: the next SME in turn that has not
        # applied to this window yet.
        # With fewer demo SMEs than rows (the step run alone), a second application is allowed knowingly.
        turn = [smes[(index + step) % len(smes)] for step in range(len(smes))]
        free = [s for s in turn if (s.pk, window.pk) not in applied]
        sme = free[0] if free else turn[0]
        applied.add((sme.pk, window.pk))
        application = services.application_create(
            sme=sme,
            programme=joint_rd,
            actor=coordinator,
            window=window,
            title=title,
            amount_requested_jpy=requested,
            business_plan=plan if sme == smes[0] else None,
            allow_duplicate=not free,
        )
        if status == "draft":
            continue
        services.application_set_status(
            application=application, new_status="submitted", actor=coordinator, on=submitted
        )
        if status in ("granted", "result_reported"):
            services.application_set_status(
                application=application,
                new_status="granted",
                actor=coordinator,
                on=decided,
                amount_granted_jpy=granted,
            )
        if status == "rejected":
            services.application_set_status(
                application=application, new_status="rejected", actor=coordinator, on=decided
            )
        if status == "withdrawn":
            services.application_set_status(
                application=application,
                new_status="withdrawn",
                actor=coordinator,
                on=decided,
                reason="ライセンス交渉が中断したため、今回の公募への申請を取り下げ（デモ）",
            )
        if status == "result_reported":
            services.application_set_status(
                application=application, new_status="result_reported", actor=coordinator, on=reported
            )
        services.application_note_add(
            application=application, actor=coordinator, body="デモ: 審査ポイントを事前に確認済み（内部メモ）"
        )
