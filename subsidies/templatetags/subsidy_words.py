"""Template filters for amounts, rates and days left in the reader's language (subsidies.wording)."""

from django import template

from subsidies import wording

register = template.Library()


@register.filter
def yen_words(amount):
    return wording.yen_words(amount)


@register.filter
def rate_words(programme):
    """The subsidy rate of a programme (or template) in words."""
    return wording.rate_words(programme.rate_numerator, programme.rate_denominator)


@register.filter
def days_left_words(deadline):
    return wording.days_left_words(deadline) if deadline else ""


@register.filter
def opens_in_words(opens_on):
    return wording.opens_in_words(opens_on) if opens_on else ""


@register.filter
def days_left(deadline):
    return wording.days_left(deadline) if deadline else None
