"""Template filters of the screening pages."""

from django import template

from ..models import fit_groups_of

register = template.Library()


@register.filter
def fit_groups(report):
    """A candidate's fit report as (css key, heading, criterion labels) groups."""
    return fit_groups_of(report or {})


@register.filter
def needs_met(matched_terms, needs_text):
    """Which of a typed text's needs (its lines and sentences) a hit meets, as stored candidates keep
    them; nothing when the text is a single need (naming it would repeat the query)."""
    from ..engine.needs import needs_json, split_needs

    needs = split_needs(needs_text or "")
    return needs_json(needs, matched_terms or ()) if len(needs) > 1 else []
