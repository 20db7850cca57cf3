"""Validation of Japanese corporate numbers (法人番号)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def corporate_number_check_digit(base: str) -> int:
    """The check digit of a 12-digit base number (the 会社法人等番号).

    財務省令第七十号 (法人番号の指定等に関する省令) 第二条: 9 - ((Σ Pn × Qn) mod 9) for n = 1..12,
    where Pn is the n-th digit counted from the rightmost digit of the base number and Qn is 1 when
    n is odd, 2 when n is even. The result is always 1-9, so a valid number never starts with 0.
    """
    if len(base) != 12 or not base.isascii() or not base.isdigit():
        raise ValueError("the base number has 12 ASCII digits")
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    """A 13-digit corporate number whose first digit is the check digit of the other twelve."""
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A corporate number has exactly 13 digits."), code="corporate_number_format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(
            _("This corporate number's check digit is wrong: check the number against the registry."),
            code="corporate_number_check_digit",
        )
