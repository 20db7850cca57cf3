"""The eligibility engine: does an SME qualify for a programme now, soon, or not, and why not.

The rules are data on the programme (see `ProgrammeFields`); this module only reads them. Company size
follows the SME Basic Act (中小企業基本法 第2条): a company is an SME when *either* its capital *or* its
regular employees are at or under the limit of its industry group:

    manufacturing and others  300,000,000 yen  or 300 employees
    wholesale                 100,000,000 yen  or 100 employees
    services                   50,000,000 yen  or 100 employees
    retail                     50,000,000 yen  or  50 employees

A small-scale business (小規模企業者, 第2条第5項; the 小規模事業者 of many programmes) is judged on
regular employees alone, on the same industry groups:

    manufacturing and others  20 employees
    commerce (wholesale, retail) and services  5 employees

Some programmes and other laws count 宿泊業 and 娯楽業 as 20 rather than 5; a programme that does
should say so in its notes, as the Act's rule is what is checked here.

The group comes from the SME's JSIC division, refined by the major or minor group written at the start
of `industry_detail` (e.g. "56 各種商品小売業") where a division spans groups, following the SME
Agency's mapping. When the detail is missing and the candidate groups disagree, the check says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smes.models import Industry

from .models import Programme, ProgrammeWindow, SizeRule

MANUFACTURING = "manufacturing"
WHOLESALE = "wholesale"
SERVICES = "services"
RETAIL = "retail"

SIZE_GROUP_LABELS = {
    MANUFACTURING: gettext_lazy("manufacturing and others"),
    WHOLESALE: gettext_lazy("wholesale"),
    SERVICES: gettext_lazy("services"),
    RETAIL: gettext_lazy("retail"),
}

# (capital limit in yen, employee limit); a company at or under either limit is an SME.
SME_BASIC_ACT_LIMITS: dict[str, tuple[int, int]] = {
    MANUFACTURING: (300_000_000, 300),
    WHOLESALE: (100_000_000, 100),
    SERVICES: (50_000_000, 100),
    RETAIL: (50_000_000, 50),
}

# Regular employees at or under which a company is a small-scale business (小規模企業者).
SMALL_SCALE_EMPLOYEE_LIMITS: dict[str, int] = {
    MANUFACTURING: 20,
    WHOLESALE: 5,
    SERVICES: 5,
    RETAIL: 5,
}

_SERVICE_DIVISIONS = {"L", "O", "P", "Q", "R"}
_CODE = re.compile(r"^\s*(\d{2,3})")


def size_groups_for(industry: str, industry_detail: str = "") -> set[str]:
    """The SME Basic Act group(s) an industry can fall in; one group unless the detail is needed."""
    match = _CODE.match(industry_detail or "")
    code = match.group(1) if match else ""
    major = int(code[:2]) if code else None
    if industry in _SERVICE_DIVISIONS:
        return {SERVICES}
    if industry == Industry.I:
        if major is not None and 50 <= major <= 55:
            return {WHOLESALE}
        if major is not None and 56 <= major <= 61:
            return {RETAIL}
        return {WHOLESALE, RETAIL}
    if industry == Industry.M:
        if major == 75:
            return {SERVICES}
        if major in (76, 77):
            return {RETAIL}
        return {SERVICES, RETAIL}
    if industry == Industry.N:
        if code == "791":  # travel agencies are "others" in the Act
            return {MANUFACTURING}
        if major is not None and (major != 79 or len(code) == 3):
            return {SERVICES}
        return {SERVICES, MANUFACTURING}
    if industry == Industry.G:
        if major in (38, 39) or code in ("411", "412", "415", "416"):
            return {SERVICES}
        if major is not None and (major != 41 or len(code) == 3):
            return {MANUFACTURING}
        return {SERVICES, MANUFACTURING}
    if industry == Industry.K:
        if major == 70 or code == "693":
            return {SERVICES}
        if major is not None and (major != 69 or len(code) == 3):
            return {MANUFACTURING}
        return {SERVICES, MANUFACTURING}
    # A-F, H, J, S, T: manufacturing, construction, transport, finance and the rest are "others".
    return {MANUFACTURING}


def is_sme(group: str, *, capital_jpy: int | None, employees: int | None) -> bool | None:
    """True when either figure is at or under the group's limit, False when both are over, None when a
    figure that could still make it an SME is not recorded."""
    capital_limit, employee_limit = SME_BASIC_ACT_LIMITS[group]
    if capital_jpy is not None and capital_jpy <= capital_limit:
        return True
    if employees is not None and employees <= employee_limit:
        return True
    if capital_jpy is None or employees is None:
        return None
    return False


def is_small_scale(group: str, *, employees: int | None) -> bool | None:
    """True when the regular employees are at or under the group's small-scale limit, False when over,
    None when the number of employees is not recorded."""
    if employees is None:
        return None
    return employees <= SMALL_SCALE_EMPLOYEE_LIMITS[group]


@dataclass(frozen=True)
class Reason:
    """One rule the SME does not meet, with a sentence that says why (in the active language)."""

    rule: str
    message: str


QUALIFIES_NOW = "qualifies_now"
QUALIFIES_SOON = "qualifies_soon"
NOT_ELIGIBLE = "not_eligible"
STATUS_LABELS = {
    QUALIFIES_NOW: gettext_lazy("Can apply now"),
    QUALIFIES_SOON: gettext_lazy("Can apply soon"),
    NOT_ELIGIBLE: gettext_lazy("Not eligible"),
}


@dataclass(frozen=True)
class SMEFacts:
    """What the rules need to know about an SME beyond its profile."""

    has_submitted_plan: bool
    has_licence: bool


@dataclass
class ProgrammeEligibility:
    """The answer for one programme: status, the window that makes it so, the failing rules."""

    programme: Programme
    status: str
    window: ProgrammeWindow | None = None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _yen(value: int) -> str:
    return f"{value:,}"


def _size_reason(sme, size_rule: str) -> Reason | None:
    if size_rule == SizeRule.SMALL_SCALE:
        return _small_scale_reason(sme)
    groups = size_groups_for(sme.industry, sme.industry_detail)
    if not sme.industry:
        return Reason("size", _("The industry is not recorded, so the SME size cannot be checked."))
    answers = {g: is_sme(g, capital_jpy=sme.capital_jpy, employees=sme.employees) for g in groups}
    if all(a is True for a in answers.values()):
        return None
    if any(a is None for a in answers.values()):
        return Reason(
            "size",
            _("Capital or employees are not recorded, so the SME size cannot be checked."),
        )
    if len(groups) > 1 and any(answers.values()):
        return Reason(
            "size",
            _(
                "The industry division covers groups with different SME limits ({groups}); write the JSIC "
                "group number at the start of the industry detail to decide."
            ).format(groups=", ".join(str(SIZE_GROUP_LABELS[g]) for g in sorted(groups))),
        )
    group = sorted(groups)[0]
    capital_limit, employee_limit = SME_BASIC_ACT_LIMITS[group]
    return Reason(
        "size",
        _(
            "Not an SME under the SME Basic Act: in {group}, capital must be at most {capital_limit} yen or "
            "employees at most {employee_limit}; this company has {capital} yen and {employees} employees."
        ).format(
            group=SIZE_GROUP_LABELS[group],
            capital_limit=_yen(capital_limit),
            employee_limit=employee_limit,
            capital=_yen(sme.capital_jpy),
            employees=sme.employees,
        ),
    )


def _small_scale_reason(sme) -> Reason | None:
    if not sme.industry:
        return Reason(
            "size", _("The industry is not recorded, so the small-scale business size cannot be checked.")
        )
    groups = size_groups_for(sme.industry, sme.industry_detail)
    answers = {g: is_small_scale(g, employees=sme.employees) for g in groups}
    if all(a is True for a in answers.values()):
        return None
    if any(a is None for a in answers.values()):
        return Reason(
            "size",
            _("The number of employees is not recorded, so the small-scale business size cannot be checked."),
        )
    if any(answers.values()):
        return Reason(
            "size",
            _(
                "The industry division covers groups with different small-scale limits ({groups}); write the "
                "JSIC group number at the start of the industry detail to decide."
            ).format(groups=", ".join(str(SIZE_GROUP_LABELS[g]) for g in sorted(groups))),
        )
    # Every candidate group says no: the company is over even the most generous of their limits.
    limit = max(SMALL_SCALE_EMPLOYEE_LIMITS[g] for g in groups)
    named = sorted(g for g in groups if SMALL_SCALE_EMPLOYEE_LIMITS[g] == limit)
    return Reason(
        "size",
        _(
            "Not a small-scale business under the SME Basic Act: in {group}, regular employees must be at "
            "most {limit}; this company has {employees}."
        ).format(
            group=", ".join(str(SIZE_GROUP_LABELS[g]) for g in named),
            limit=limit,
            employees=sme.employees,
        ),
    )


_PREFECTURE = re.compile(r"^\s*(東京都|北海道|京都府|大阪府|\S{2,3}?県)")


def prefecture_of(sme) -> str:
    """The prefecture an SME's address starts with, else the prefecture of its municipality (cities
    often write addresses without it), or "" when no address is recorded."""
    if not sme.address.strip():
        return ""
    match = _PREFECTURE.match(sme.address)
    return match.group(1) if match else sme.municipality.prefecture


def rule_reasons(*, sme, programme: Programme, facts: SMEFacts, today: dt.date) -> list[Reason]:
    """Every rule of the programme the SME does not meet, in the order of the programme form."""
    reasons: list[Reason] = []
    if programme.size_rule in (SizeRule.SME_BASIC_ACT, SizeRule.SMALL_SCALE):
        reason = _size_reason(sme, programme.size_rule)
        if reason is not None:
            reasons.append(reason)
    if programme.industries:
        labels = ", ".join(programme.industries)
        if not sme.industry:
            reasons.append(
                Reason(
                    "industry",
                    _("The industry is not recorded; the programme is open to JSIC divisions {list}.").format(
                        list=labels
                    ),
                )
            )
        elif sme.industry not in programme.industries:
            reasons.append(
                Reason(
                    "industry",
                    _(
                        "Industry {industry} is not covered; the programme is open to JSIC divisions {list}."
                    ).format(industry=sme.industry, list=labels),
                )
            )
    if programme.prefectures or programme.local_only:
        prefecture = prefecture_of(sme)
        if not prefecture:
            reasons.append(
                Reason("region", _("The address is not recorded, so the location cannot be checked."))
            )
        else:
            if programme.prefectures and prefecture not in programme.prefectures:
                reasons.append(
                    Reason(
                        "region",
                        _("The company is in {prefecture}; the programme is limited to {list}.").format(
                            prefecture=prefecture, list="、".join(programme.prefectures)
                        ),
                    )
                )
            city = sme.municipality.name_ja
            if programme.local_only and city not in sme.address:
                reasons.append(
                    Reason(
                        "region",
                        _(
                            "The address is not in {city}; the programme is limited to companies located there."
                        ).format(city=city),
                    )
                )
    if programme.min_years_in_business:
        needed = programme.min_years_in_business
        if sme.founded_year is None:
            reasons.append(
                Reason(
                    "years",
                    _(
                        "The founding year is not recorded; the programme requires {n} years in business."
                    ).format(n=needed),
                )
            )
        elif today.year - sme.founded_year < needed:
            reasons.append(
                Reason(
                    "years",
                    _(
                        "In business for {years} years (founded {year}); the programme requires at least {n}."
                    ).format(years=today.year - sme.founded_year, year=sme.founded_year, n=needed),
                )
            )
    if programme.licence_required and not facts.has_licence:
        reasons.append(Reason("licence", _("The programme requires a signed licence; none is recorded.")))
    if programme.business_plan_required and not facts.has_submitted_plan:
        reasons.append(
            Reason("business_plan", _("The programme requires a submitted business plan; none is recorded."))
        )
    return reasons


def evaluate(
    *,
    sme,
    programme: Programme,
    windows: list[ProgrammeWindow],
    facts: SMEFacts,
    today: dt.date,
    soon_days: int,
) -> ProgrammeEligibility:
    """Qualifies now (rules met, a window open today), soon (rules met, a window opens within
    `soon_days`), or not eligible with every failing rule, including the lack of a window."""
    reasons = rule_reasons(sme=sme, programme=programme, facts=facts, today=today)
    open_now = next((w for w in windows if w.is_open_on(today)), None)
    upcoming = next(
        (
            w
            for w in sorted(windows, key=lambda w: w.opens_on)
            if today < w.opens_on <= today + dt.timedelta(days=soon_days)
        ),
        None,
    )
    if reasons:
        return ProgrammeEligibility(programme, NOT_ELIGIBLE, open_now or upcoming, reasons)
    if open_now is not None:
        return ProgrammeEligibility(programme, QUALIFIES_NOW, open_now)
    if upcoming is not None:
        return ProgrammeEligibility(programme, QUALIFIES_SOON, upcoming)
    return ProgrammeEligibility(
        programme,
        NOT_ELIGIBLE,
        None,
        [
            Reason(
                "window",
                _("No application window is open now or opens within {n} days.").format(n=soon_days),
            )
        ],
    )
