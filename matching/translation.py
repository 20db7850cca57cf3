"""The screening translator of a municipality: JMdict and the shipped technical glossary (the engine's
default), with the municipality's own glossary entries on top, read at every query so an entry applies
at once, without an index rebuild."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from kawasaki.models import Municipality

from .engine.translate import Glossary, Translator, default_translator
from .models import GlossaryEntry, split_equivalents


def table_path() -> Path:
    """Where the compact JMdict table is kept: the var directory (``KAWASAKI_VAR_DIR``), built there by
    ``manage.py build_translation_table`` or on first use (``KAWASAKI_TRANSLATION_TABLE`` overrides)."""
    return Path(settings.VAR_DIR) / "jmdict-translations.sqlite3"


def municipality_glossary(municipality: Municipality) -> Glossary:
    """The municipality's own entries as a glossary."""
    rows = GlossaryEntry.objects.filter(municipality=municipality).values_list("term", "equivalents")
    return Glossary.from_pairs((term, split_equivalents(equivalents)) for term, equivalents in rows)


def translator_for(municipality: Municipality) -> Translator:
    """JMdict + shipped glossary + the municipality's entries (which take precedence)."""
    base = default_translator()
    own = municipality_glossary(municipality)
    return base.with_glossary(own) if own else base
