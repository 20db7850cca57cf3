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


def _synonym_of(term):
    return term.get("synonym_of") if isinstance(term, dict) else getattr(term, "synonym_of", None)


@register.filter
def shared_terms(terms):
    """Matched terms written alike in the query and the document (engine objects or stored dicts)."""
    return [t for t in terms or () if not _synonym_of(t)]


@register.filter
def bridged_terms(terms):
    """Matched terms another query word reached: a synonym, a dictionary or glossary translation."""
    return [t for t in terms or () if _synonym_of(t)]
