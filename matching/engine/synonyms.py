"""Query expansion with the Sudachi synonym dictionary.

SME owners rarely use a patent's words (バイブレーション for 振動, "motor" for モーター). The Sudachi
synonym dictionary (``matching/data/sudachi_synonyms.txt``, Apache 2.0, see ``matching/data/NOTICE``)
groups Japanese synonyms, spelling variants and English equivalents. Each headword is analysed with
the same :class:`~matching.engine.text.Analyzer` as the documents, so expansion works on index terms:
a query term that is the whole analysis of a headword triggers the other headwords of its groups.

Expanded terms get a weight below the original terms' (``expansion_weight``), split evenly over the
terms of a multi-word headword ("unmanned aerial vehicle"), so a synonym never outweighs what the user
actually wrote. Building the table analyses ~90,000 headwords once per process (lazily, cached).
"""

from __future__ import annotations

import csv
import threading
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from .text import Analyzer, AnalyzerConfig

__all__ = ["DEFAULT_SYNONYMS_PATH", "SynonymTable", "expand_query_terms", "synonym_table"]

DEFAULT_SYNONYMS_PATH = Path(__file__).resolve().parent.parent / "data" / "sudachi_synonyms.txt"

# Field 2 of the source format: 0 = expands and is expanded to, 1 = only a target, 2 = never used.
_TRIGGER_AND_TARGET = "0"
_TARGET_ONLY = "1"


class SynonymTable:
    """Maps an index term to the index terms of its synonyms, each with a share of one (1.0)."""

    def __init__(self, expansions: Mapping[str, Mapping[str, float]]) -> None:
        self._expansions = {term: dict(targets) for term, targets in expansions.items()}

    def __len__(self) -> int:
        return len(self._expansions)

    def __contains__(self, term: object) -> bool:
        return term in self._expansions

    def get(self, term: str) -> dict[str, float]:
        """Synonym terms of ``term`` with their relative weight (1.0 for a one-term synonym)."""
        return self._expansions.get(term, {})

    @classmethod
    def from_file(cls, path: Path, analyzer: Analyzer) -> SynonymTable:
        """Parse the Sudachi synonym source format (see FORMAT.md in the data directory)."""
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if len(row) < 9 or not row[8]:
                    continue
                flag = row[2] or _TRIGGER_AND_TARGET
                if flag not in (_TRIGGER_AND_TARGET, _TARGET_ONLY):
                    continue
                groups[row[0]].append((flag, row[8]))

        # Analyse each headword once; mode A pieces are left out so keys are whole words.
        analysed: dict[str, tuple[str, ...]] = {}
        for members in groups.values():
            for _flag, headword in members:
                if headword not in analysed:
                    analysed[headword] = tuple(dict.fromkeys(analyzer.terms(headword, subtokens=False)))

        expansions: dict[str, dict[str, float]] = defaultdict(dict)
        for members in groups.values():
            for flag, headword in members:
                key_terms = analysed[headword]
                if flag != _TRIGGER_AND_TARGET or len(key_terms) != 1:
                    continue
                key = key_terms[0]
                for _other_flag, other in members:
                    target_terms = analysed[other]
                    if not target_terms:
                        continue
                    share = 1.0 / len(target_terms)
                    for target in target_terms:
                        if target != key and share > expansions[key].get(target, 0.0):
                            expansions[key][target] = share
        return cls({k: v for k, v in expansions.items() if v})


_tables: dict[tuple[AnalyzerConfig, Path], SynonymTable] = {}
_tables_lock = threading.Lock()


def synonym_table(config: AnalyzerConfig | None = None, path: Path | None = None) -> SynonymTable:
    """The process-wide synonym table for an analyser configuration, built on first use."""
    key = (config or AnalyzerConfig(), path or DEFAULT_SYNONYMS_PATH)
    table = _tables.get(key)
    if table is None:
        with _tables_lock:
            table = _tables.get(key)
            if table is None:
                table = SynonymTable.from_file(key[1], Analyzer(key[0]))
                _tables[key] = table
    return table


def expand_query_terms(
    weights: Mapping[str, float], table: SynonymTable, expansion_weight: float
) -> tuple[dict[str, float], dict[str, str]]:
    """Add synonyms of the query terms, weighted ``expansion_weight`` x the trigger's weight.

    Returns the expanded weights and, for every added term, the original term that brought it in
    (explanations show "バイブレーション (synonym of 振動)"). A term the user wrote keeps its own weight.
    """
    expanded = dict(weights)
    origin: dict[str, str] = {}
    for term, weight in weights.items():
        for target, share in table.get(term).items():
            if target in weights:
                continue
            candidate = weight * expansion_weight * share
            if candidate > expanded.get(target, 0.0):
                expanded[target] = candidate
                origin[target] = term
    return expanded, origin
