"""Template filters of the screening pages."""

from django import template

from ..models import fit_groups_of

register = template.Library()


@register.filter
def fit_groups(report):
    """A candidate's fit report as (css key, heading, criterion labels) groups."""
    return fit_groups_of(report or {})
