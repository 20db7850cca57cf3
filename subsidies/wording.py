"""Amounts, subsidy rates and days left to a deadline in words of the reader's language.

Japanese readers think in 万円 and 「3分の2」; English readers in yen with thousands separators and
"2/3". Used by the eligibility page, the SME's dashboard and the calendar, so they say it the same way.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

MAN = 10_000
OKU = 100_000_000


def _japanese() -> bool:
    return (get_language() or "ja").split("-")[0] == "ja"


def yen_words(amount: int | None) -> str:
    """5,000,000 -> 「500万円」 / "¥5,000,000"; 150,000,000 -> 「1億5,000万円」; "" for no amount."""
    if amount is None:
        return ""
    if not _japanese():
        return f"¥{amount:,}"
    if amount % MAN:
        return f"{amount:,}円"
    oku, rest = divmod(amount, OKU)
    man = rest // MAN
    if oku and man:
        return f"{oku:,}億{man:,}万円"
    if oku:
        return f"{oku:,}億円"
    return f"{man:,}万円"


def rate_words(numerator: int | None, denominator: int | None) -> str:
    """2/3 -> 「3分の2」 / "2/3"; 1/1 -> 「定額（全額）」 / "in full"; "" when not set."""
    if not numerator or not denominator:
        return ""
    if numerator == denominator:
        return _("in full")
    if _japanese():
        return f"{denominator}分の{numerator}"
    return f"{numerator}/{denominator}"


def days_left(deadline: dt.date, today: dt.date | None = None) -> int:
    return (deadline - (today or timezone.localdate())).days


def days_left_words(deadline: dt.date, today: dt.date | None = None) -> str:
    """ "3 days left", "closes today", "closed 2 days ago", in the reader's language."""
    n = days_left(deadline, today)
    if n == 0:
        return _("closes today")
    if n < 0:
        return ngettext("closed %(n)d day ago", "closed %(n)d days ago", -n) % {"n": -n}
    return ngettext("%(n)d day left", "%(n)d days left", n) % {"n": n}


def opens_in_words(opens_on: dt.date, today: dt.date | None = None) -> str:
    """ "opens in 5 days" (or "opens today") for a window not open yet."""
    n = days_left(opens_on, today)
    if n <= 0:
        return _("open now")
    return ngettext("opens in %(n)d day", "opens in %(n)d days", n) % {"n": n}
