"""The screening index: build, query, explain, save and load.

A :class:`ScreeningIndex` holds everything a web or worker process needs to screen one set of
documents (a municipality's seeds, or its SMEs): the term matrix, per-document metadata for filters
and fit, and the cleaned texts for explanations. It is built by a background job and saved to a file;
processes load it lazily and compare :attr:`ScreeningIndex.fingerprint` with
:func:`content_fingerprint` of the current content (or :attr:`engine_version` with
:data:`ENGINE_VERSION`) to know whether it is stale.

The file format is a NumPy ``.npz`` archive holding arrays and one JSON header; it is loaded with
``allow_pickle=False``, so a tampered index file cannot execute code. The object itself is also
picklable (Celery results, caches).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from .bands import TYPED, band_for, query_kind
from .bm25 import (
    BM25Params,
    TermMatrix,
    phrase_words_needed,
    query_term_weights,
    saturate_query_counts,
    top_k_indices,
)
from .explain import Explanation, MatchedTerm, ScoreParts, fit_report, merge_spans
from .fit import DocMeta, Filters, FitSettings, fit_multipliers
from .store import MetaColumns, StringColumn, TermLookup, load_array, save_array
from .synonyms import expand_query_terms, synonym_table
from .text import Analyzer, AnalyzerConfig, Token, clean_text, contains_japanese
from .translate import Translator, default_translator

__all__ = [
    "ENGINE_VERSION",
    "BM25Ranker",
    "Candidate",
    "Document",
    "EngineSettings",
    "IndexVersionError",
    "QueryTerms",
    "Ranker",
    "ScreeningIndex",
    "TermGroup",
    "content_fingerprint",
]

# Bump the major part whenever analysis or the file format changes: old files must be rebuilt.
ENGINE_VERSION = "1.0.0"
_FORMAT = "kawasaki-screening-index"

#: :meth:`ScreeningIndex.explain_plan`: each synonym set with its members' words, the words to count,
#: and which members each word is part of.
ExplainPlan = tuple[list[tuple["TermGroup", tuple[str, ...]]], dict[str, object], dict[str, list[int]]]


class IndexVersionError(RuntimeError):
    """A saved index was written by an incompatible engine version (rebuild it)."""


@dataclass(frozen=True)
class Document:
    """One indexable text: a seed (patent) or an SME profile. ``abstract`` may be missing."""

    id: str
    title: str
    abstract: str | None = None
    meta: DocMeta = field(default_factory=DocMeta)


@dataclass(frozen=True)
class EngineSettings:
    """All engine settings. ``analyzer`` and ``bm25.title_weight`` are fixed at build time.

    - ``synonyms`` (True): expand queries with the Sudachi synonym dictionary. Measured on the judged
      set (benchmarks/README.md): no loss on English queries, and Japanese needs reach English seeds
      only through it.
    - ``expansion_weight`` (0.3): an expanded term weighs 0.3 x the query term that brought it in.
    - ``translate`` (True): add each query word's translations (JMdict and the glossaries) as one
      synonym set (:mod:`~matching.engine.translate`); query-time only, no rebuild.
    - ``translation_weight`` (1.0): a synonym set weighs this x the word's count in the query.
    """

    analyzer: AnalyzerConfig = field(default_factory=AnalyzerConfig)
    bm25: BM25Params = field(default_factory=BM25Params)
    fit: FitSettings = field(default_factory=FitSettings)
    synonyms: bool = True
    expansion_weight: float = 0.3
    translate: bool = True
    translation_weight: float = 1.0

    def index_key(self) -> dict[str, object]:
        """The settings that shape the stored index (part of its fingerprint)."""
        return {
            "analyzer": dataclasses.asdict(self.analyzer),
            "title_weight": self.bm25.title_weight,
        }

    def to_json(self) -> dict[str, Any]:
        """All settings as JSON-safe nested dicts."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EngineSettings:
        """Inverse of :meth:`to_json`; unknown keys are ignored so older files still load."""

        def pick(kind: type, values: Mapping[str, Any]) -> Any:
            names = {f.name for f in dataclasses.fields(kind)}
            return kind(**{k: v for k, v in values.items() if k in names})

        return cls(
            analyzer=pick(AnalyzerConfig, data.get("analyzer", {})),
            bm25=pick(BM25Params, data.get("bm25", {})),
            fit=pick(FitSettings, data.get("fit", {})),
            synonyms=bool(data.get("synonyms", True)),
            expansion_weight=float(data.get("expansion_weight", 0.3)),
            translate=bool(data.get("translate", True)),
            translation_weight=float(data.get("translation_weight", 1.0)),
        )


@dataclass(frozen=True)
class TermGroup:
    """A translated query word as one structured-query synonym set: ``source`` (振動), what it
    translates to (``targets``: "vibration"), their index terms, the set's weight and ``origin``
    ("dictionary" or "glossary")."""

    source: str
    targets: tuple[str, ...]
    terms: tuple[str, ...]
    weight: float
    origin: str


@dataclass(frozen=True)
class QueryTerms:
    """An analysed query: term weights (originals and synonyms), where each synonym came from, and
    the translated words as synonym sets."""

    weights: dict[str, float]
    synonym_of: dict[str, str]
    groups: tuple[TermGroup, ...] = ()

    def is_empty(self) -> bool:
        """Nothing to search for (an empty or stop-word-only query)."""
        return not self.weights and not self.groups


@dataclass(frozen=True)
class Candidate:
    """One ranked result."""

    doc_id: str
    rank: int
    score: ScoreParts
    explanation: Explanation | None = None
    strength: float | None = None
    # typed, long or long_translated (:func:`~matching.engine.bands.query_kind`): whose cut-offs apply
    query_kind: str = TYPED

    @property
    def band(self) -> str:
        """strong, possible, weak or below (:mod:`~matching.engine.bands`)."""
        return band_for(self.strength, kind=self.query_kind)


def _hash_document(hasher: Any, doc: Document) -> None:
    hasher.update(doc.id.encode())
    hasher.update(b"\x00")
    hasher.update((doc.title or "").encode())
    hasher.update(b"\x00")
    hasher.update((doc.abstract or "").encode())
    hasher.update(b"\x00")
    hasher.update(json.dumps(doc.meta.to_json(), sort_keys=True).encode())
    hasher.update(b"\x01")


def content_fingerprint(docs: Iterable[Document], settings: EngineSettings | None = None) -> str:
    """SHA-256 over the engine's major version, index-time settings and every document's content.

    Equal fingerprints mean a saved index answers exactly as a fresh build would; Django compares this
    with the saved index's fingerprint to decide whether to rebuild.
    """
    settings = settings or EngineSettings()
    hasher = hashlib.sha256()
    hasher.update(json.dumps([ENGINE_VERSION.split(".")[0], settings.index_key()], sort_keys=True).encode())
    for doc in docs:
        _hash_document(hasher, doc)
    return hasher.hexdigest()


# --- building ------------------------------------------------------------------------------------


@dataclass
class _Chunk:
    """Analysis of a run of documents, in a form that pickles cheaply between processes."""

    terms: list[str]
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    titles: list[str]
    abstracts: list[str]


def _analyse_chunk(
    texts: Sequence[tuple[str | None, str | None]], config: AnalyzerConfig, title_weight: float
) -> _Chunk:
    analyzer = Analyzer(config)
    vocab: dict[str, int] = {}
    ids: list[int] = []
    lengths: list[int] = []
    weights: list[float] = []
    titles: list[str] = []
    abstracts: list[str] = []
    for title, abstract in texts:
        clean_title = clean_text(title)
        clean_abstract = clean_text(abstract)
        titles.append(clean_title)
        abstracts.append(clean_abstract)
        title_terms = analyzer.terms(clean_title, cleaned=True)
        abstract_terms = analyzer.terms(clean_abstract, cleaned=True)
        ids.extend([vocab.setdefault(t, len(vocab)) for t in title_terms])
        ids.extend([vocab.setdefault(t, len(vocab)) for t in abstract_terms])
        lengths.append(len(title_terms) + len(abstract_terms))
        weights.append(float(len(title_terms)))
        weights.append(float(len(abstract_terms)))
    n = len(texts)
    rows = np.repeat(np.arange(n, dtype=np.int32), lengths)
    # Per-token value: title_weight for the title's tokens, 1 for the abstract's.
    pattern = np.tile(np.asarray([title_weight, 1.0], dtype=np.float32), n)
    vals = np.repeat(pattern, np.asarray(weights, dtype=np.int64))
    return _Chunk(list(vocab), rows, np.asarray(ids, dtype=np.int32), vals, titles, abstracts)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the index -----------------------------------------------------------------------------------


class ScreeningIndex:
    """A BM25 index over documents with metadata, fit profiles and stored display texts."""

    def __init__(
        self,
        *,
        doc_ids: Sequence[str],
        matrix: TermMatrix,
        metas: Sequence[DocMeta] | MetaColumns,
        titles: Sequence[str] | None,
        abstracts: Sequence[str] | None,
        settings: EngineSettings,
        fingerprint: str,
        engine_version: str = ENGINE_VERSION,
    ) -> None:
        self.doc_ids = doc_ids
        self.matrix = matrix
        self.metas = metas if isinstance(metas, MetaColumns) else MetaColumns.from_metas(metas)
        self.titles = titles
        self.abstracts = abstracts
        self.settings = settings
        self.fingerprint = fingerprint
        self.engine_version = engine_version
        self.analyzer = Analyzer(settings.analyzer)
        self._positions: dict[str, int] | None = None
        self._multipliers: dict[FitSettings, np.ndarray] = {}
        self.published = self.metas.published
        self.expires = self.metas.expires
        self.fit_codes = self.metas.fit_codes

    @property
    def positions(self) -> dict[str, int]:
        """Document id -> row, built on first use (a query needs none; explaining one id does)."""
        if self._positions is None:
            self._positions = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}
        return self._positions

    def __len__(self) -> int:
        return len(self.doc_ids)

    # -- build ---------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        docs: Iterable[Document],
        settings: EngineSettings | None = None,
        *,
        workers: int = 1,
        store_text: bool = True,
        chunk_size: int = 2000,
    ) -> ScreeningIndex:
        """Analyse ``docs`` and build the index.

        ``workers`` > 1 analyses chunks in a process pool (each process loads Sudachi once). Leave it at
        1 inside daemonic workers such as Celery's prefork children, which may not start processes.
        ``store_text=False`` drops the display texts (smaller index, no explanations), e.g. for batch
        evaluation. Duplicate ids are an error, because results are keyed by id.
        """
        settings = settings or EngineSettings()
        docs = list(docs)
        doc_ids = [str(d.id) for d in docs]
        if len(set(doc_ids)) != len(doc_ids):
            raise ValueError("document ids must be unique")
        texts = [(d.title, d.abstract) for d in docs]
        title_weight = settings.bm25.title_weight
        if workers > 1 and len(docs) > chunk_size:
            # "spawn", not the default fork: forking a process that runs other threads (a web server,
            # a test browser, Sudachi's tokenizers) can deadlock the children.
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            ) as pool:
                parts = list(
                    pool.map(
                        _analyse_chunk,
                        _chunks(texts, chunk_size),
                        [settings.analyzer] * (len(texts) // chunk_size + 1),
                        [title_weight] * (len(texts) // chunk_size + 1),
                    )
                )
        else:
            parts = [_analyse_chunk(c, settings.analyzer, title_weight) for c in _chunks(texts, chunk_size)]

        # Merge the chunks' local vocabularies into one and shift their row numbers.
        vocabulary: dict[str, int] = {}
        rows, cols, vals = [], [], []
        offset = 0
        titles: list[str] = []
        abstracts: list[str] = []
        for part in parts:
            remap = np.fromiter(
                (vocabulary.setdefault(t, len(vocabulary)) for t in part.terms), np.int32, len(part.terms)
            )
            rows.append(part.rows + offset)
            cols.append(remap[part.cols] if part.cols.size else part.cols)
            vals.append(part.vals)
            offset += len(part.titles)
            titles.extend(part.titles)
            abstracts.extend(part.abstracts)
        shape = (len(docs), len(vocabulary))
        if docs:
            coo = sp.coo_matrix(
                (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape
            )
            tf = coo.tocsc()  # sums repeated (doc, term) entries into term frequencies
        else:
            tf = sp.csc_matrix(shape, dtype=np.float32)
        matrix = TermMatrix(tf, list(vocabulary), settings.bm25)
        return cls(
            doc_ids=doc_ids,
            matrix=matrix,
            metas=[d.meta for d in docs],
            titles=titles if store_text else None,
            abstracts=abstracts if store_text else None,
            settings=settings,
            fingerprint=content_fingerprint(docs, settings),
        )

    # -- queries -------------------------------------------------------------------------------

    def analyse_query(
        self, text: str, *, synonyms: bool | None = None, translator: Translator | None = None
    ) -> QueryTerms:
        """Analyse a free-text query into weighted terms, expanded with synonyms and translations."""
        weights = query_term_weights(self.analyzer.terms(text), self.settings.bm25)
        return self._expand(weights, [(text, 1.0)], synonyms, translator)

    def document_query(
        self, doc: Document, *, synonyms: bool | None = None, translator: Translator | None = None
    ) -> QueryTerms:
        """A whole document (seed or SME profile) as a query, its title counted ``title_weight`` times.

        SME -> seeds runs from an SME, portfolio runs and seed -> SMEs runs all query with this.
        """
        counts: dict[str, float] = {}
        tw = self.settings.bm25.title_weight
        for term in self.analyzer.terms(doc.title):
            counts[term] = counts.get(term, 0.0) + tw
        for term in self.analyzer.terms(doc.abstract):
            counts[term] = counts.get(term, 0.0) + 1.0
        weights = saturate_query_counts(counts, self.settings.bm25)
        return self._expand(weights, [(doc.title, tw), (doc.abstract or "", 1.0)], synonyms, translator)

    def translator(self) -> Translator | None:
        """The translator used when a query passes none: the process default (JMdict + glossary)."""
        return default_translator() if self.settings.translate else None

    def _expand(
        self,
        weights: dict[str, float],
        texts: list[tuple[str, float]],
        synonyms: bool | None,
        translator: Translator | None,
    ) -> QueryTerms:
        use_synonyms = self.settings.synonyms if synonyms is None else synonyms
        origin: dict[str, str] = {}
        written = weights
        if use_synonyms and weights:
            weights, origin = expand_query_terms(
                weights, synonym_table(self.settings.analyzer), self.settings.expansion_weight
            )
        translator = translator or self.translator()
        groups = self.translation_groups(texts, translator, exclude=written) if translator is not None else ()
        return QueryTerms(weights, origin, groups)

    def translation_groups(
        self, texts: list[tuple[str, float]], translator: Translator, exclude: Mapping[str, float] = {}
    ) -> tuple[TermGroup, ...]:
        """Each translated word of ``texts`` (text, weight) as one synonym set of index terms. Terms the
        query already searches for (``exclude``) and terms in the source word's own script are left
        out, so a translation never counts a query's own word twice."""
        merged: dict[str, TermGroup] = {}
        for text, factor in texts:
            for word in translator.translate(text or ""):
                # A bridge crosses languages: "LED" inside a Japanese spelling is not a translation.
                source_is_japanese = contains_japanese(word.source)
                # A target of several words ("sound absorption") is one phrase member: it matches
                # where all its words occur, never through one of them alone (TermMatrix.postings).
                members: list[str] = []
                for target in word.targets:
                    words = [
                        t
                        for t in self.analyzer.terms(target, subtokens=False)
                        if contains_japanese(t) != source_is_japanese
                    ]
                    if len(words) == 1 and words[0] not in exclude:
                        members.append(words[0])
                    elif len(words) > 1:
                        members.append(" ".join(dict.fromkeys(words)))
                terms = tuple(dict.fromkeys(members))
                if not terms:
                    continue
                weight = word.count * factor * self.settings.translation_weight
                old = merged.get(word.source)
                if old is not None:
                    weight += old.weight
                merged[word.source] = TermGroup(word.source, word.targets, terms, weight, word.origin)
        return tuple(merged.values())

    def bm25_scores(self, query: QueryTerms) -> np.ndarray:
        """BM25 score of every document for an analysed query (terms plus translated synonym sets)."""
        scores = self.matrix.score(query.weights, self.settings.bm25)
        if query.groups:
            scores = scores + self.matrix.score_groups(
                [(g.terms, g.weight) for g in query.groups], self.settings.bm25
            )
        return scores

    def max_score(self, query: QueryTerms) -> float:
        """:meth:`ceiling` without its parts."""
        return self.ceiling(query)[0]

    def ceiling(self, query: QueryTerms) -> tuple[float, float]:
        """The highest BM25 score a document could reach for ``query``: each query word matched with
        saturated frequency (weight x idf x (k1 + 1)) in its best form. A word's alternatives (its
        synonyms, its translations) count once: by its own form when the index knows it, else by the
        strongest alternative; a document matches a word in one language, not in both. A candidate's score over this is its match strength (0..1), which the
        bands read (:mod:`~matching.engine.bands`). Words no document has in any form are left out:
        counting them measured worse on the judged sets (benchmarks/README.md, "Bands").

        Returns the ceiling and the part of it reached only through alternatives (synonyms,
        translations): most of it for a Japanese profile against English seeds."""
        k1 = self.settings.bm25.k1
        idf = self.matrix.idf()
        n = self.matrix.n_docs
        best: dict[str, float] = {}
        own: set[str] = set()  # words the index knows as written: their own form is the ceiling

        def offer(word: str, value: float) -> None:
            if word not in own and value > best.get(word, 0.0):
                best[word] = value

        for term, weight in query.weights.items():
            j = self.matrix.column(term)
            if j is not None and term not in query.synonym_of:
                best[term] = weight * float(idf[j]) * (k1 + 1.0)
                own.add(term)
        for term, weight in query.weights.items():
            j = self.matrix.column(term)
            if j is not None and term in query.synonym_of:
                offer(query.synonym_of[term], weight * float(idf[j]) * (k1 + 1.0))
        for group in query.groups:
            members = self.matrix.group_members(group.terms)
            if not members:
                continue
            df = self.matrix.group_df(members)
            value = group.weight * float(np.log1p((n - df + 0.5) / (df + 0.5))) * (k1 + 1.0)
            source_terms = self.analyzer.terms(group.source, subtokens=False)
            offer(source_terms[0] if len(source_terms) == 1 else group.source, value)
        return sum(best.values()), sum(v for word, v in best.items() if word not in own)

    @staticmethod
    def query_word_count(query: QueryTerms) -> int:
        """How many distinct words the query has of its own (not synonyms or translations), whether or
        not the index knows them (:func:`~matching.engine.bands.query_kind`)."""
        return sum(1 for term in query.weights if term not in query.synonym_of)

    def fit_multipliers(self, fit: FitSettings | None = None) -> np.ndarray:
        """Each document's ``max(floor, 1 + fit adjustment)``, computed once per fit settings (read-only:
        every query of the process shares it)."""
        fit = fit or self.settings.fit
        cached = self._multipliers.get(fit)
        if cached is None:
            cached = fit_multipliers(self.fit_codes, fit)
            cached.flags.writeable = False
            if len(self._multipliers) > 8:
                self._multipliers.clear()
            self._multipliers[fit] = cached
        return cached

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Boolean mask of documents passing ``filters`` (None when nothing is filtered)."""
        if filters is None or filters.is_trivial():
            return None
        return self.metas.mask(filters)

    def search(
        self,
        query: str | QueryTerms,
        *,
        top_k: int = 20,
        filters: Filters | None = None,
        fit: FitSettings | None = None,
        synonyms: bool | None = None,
        explain: bool = True,
        translator: Translator | None = None,
    ) -> list[Candidate]:
        """Rank documents for ``query`` (free text, or terms from :meth:`analyse_query`).

        ``filters`` defaults to ``Filters()`` (published only); pass ``Filters(published_only=False)``
        to see everything. Only documents with a positive BM25 score are returned.
        """
        terms = (
            query
            if isinstance(query, QueryTerms)
            else self.analyse_query(query, synonyms=synonyms, translator=translator)
        )
        multipliers = self.fit_multipliers(fit)
        mask = self.mask(Filters() if filters is None else filters)
        return self._rank(terms, multipliers, mask, top_k=top_k, explain=explain)

    def search_many(
        self,
        queries: Iterable[QueryTerms],
        *,
        top_k: int = 20,
        filters: Filters | None = None,
        fit: FitSettings | None = None,
        explain: bool = True,
    ) -> Iterator[list[Candidate]]:
        """:meth:`search` for many analysed queries (a portfolio run's SMEs), one result list each, in
        order, lazily (the caller reports progress between them).

        Equal to calling :meth:`search` per query, but the fit multipliers and the filter mask are
        computed once, each query's BM25 scores once over the whole index, and only its top ``top_k``
        are explained, from the scores already computed (never a second pass over the index).
        """
        multipliers = self.fit_multipliers(fit)
        mask = self.mask(Filters() if filters is None else filters)
        # The same seeds come back for many SMEs (a quarter of 10,000 candidates were distinct in
        # the 100k x 500 benchmark): their texts are tokenised once per run, not once per SME.
        tokens: dict[int, tuple[list[Token], list[Token]]] = {}
        for terms in queries:
            yield self._rank(terms, multipliers, mask, top_k=top_k, explain=explain, tokens=tokens)
            if len(tokens) > 20_000:
                tokens.clear()

    def _rank(
        self,
        terms: QueryTerms,
        multipliers: np.ndarray,
        mask: np.ndarray | None,
        *,
        top_k: int,
        explain: bool,
        tokens: dict[int, tuple[list[Token], list[Token]]] | None = None,
    ) -> list[Candidate]:
        bm25 = self.bm25_scores(terms)
        final = bm25 * multipliers
        if mask is not None:
            final = np.where(mask, final, 0.0)
        order = top_k_indices(final, top_k)
        ceiling, translated = self.ceiling(terms) if len(order) else (0.0, 0.0)
        kind = query_kind(self.query_word_count(terms), translated / ceiling if ceiling > 0 else 0.0)
        plan = self.explain_plan(terms) if explain and len(order) else None
        return [
            Candidate(
                doc_id=self.doc_ids[pos],
                rank=rank,
                score=ScoreParts(float(bm25[pos]), float(multipliers[pos]) - 1.0, float(final[pos])),
                strength=min(1.0, float(bm25[pos]) / ceiling) if ceiling > 0 else None,
                query_kind=kind,
                explanation=self.explain_position(
                    terms, int(pos), float(bm25[pos]), float(multipliers[pos]), tokens=tokens, plan=plan
                )
                if explain and self.titles is not None
                else None,
            )
            for rank, pos in enumerate(order, start=1)
        ]

    def candidate(
        self, query: str | QueryTerms, doc_id: str, *, fit: FitSettings | None = None
    ) -> Candidate | None:
        """``doc_id`` as :meth:`search` would rank and explain it for ``query`` (score, strength, band
        and reasons), whether or not it made the top K; ``None`` when it is not indexed or does not match.
        Its ``rank`` is 1: it is ranked alone."""
        pos = self.positions.get(doc_id)
        if pos is None:
            return None
        terms = query if isinstance(query, QueryTerms) else self.analyse_query(query)
        alone = np.zeros(len(self.doc_ids), dtype=bool)
        alone[pos] = True
        hits = self._rank(terms, self.fit_multipliers(fit), alone, top_k=1, explain=True)
        return hits[0] if hits else None

    def explain(self, query: str | QueryTerms, doc_id: str, *, fit: FitSettings | None = None) -> Explanation:
        """Explain how ``doc_id`` scores for ``query`` (whether or not it made the top K)."""
        terms = query if isinstance(query, QueryTerms) else self.analyse_query(query)
        pos = self.positions[doc_id]
        bm25 = float(self.bm25_scores(terms)[pos])
        return self.explain_position(terms, pos, bm25, float(self.fit_multipliers(fit)[pos]))

    @staticmethod
    def explain_plan(query: QueryTerms) -> ExplainPlan:
        """What explaining any document for ``query`` starts from: each synonym set's members (single
        words, and phrases whose words count only where all of them occur, TermMatrix.postings; a word
        may belong to several sets) and every word worth counting in a text."""
        members: list[tuple[TermGroup, tuple[str, ...]]] = [
            (group, tuple(member.split())) for group in query.groups for member in group.terms
        ]
        wanted: dict[str, object] = {
            **dict.fromkeys(w for _, words in members for w in words),
            **query.weights,
        }
        by_word: dict[str, list[int]] = {}  # word -> the members it is part of (their positions)
        for i, (_, words) in enumerate(members):
            for word in dict.fromkeys(words):
                by_word.setdefault(word, []).append(i)
        return members, wanted, by_word

    def explain_position(
        self,
        query: QueryTerms,
        pos: int,
        bm25: float,
        multiplier: float,
        *,
        tokens: dict[int, tuple[list[Token], list[Token]]] | None = None,
        plan: ExplainPlan | None = None,
    ) -> Explanation:
        """Explanation for the document at row ``pos`` (needs the stored texts). ``tokens``, a
        caller's cache of the documents' tokens by row, spares re-tokenising a text explained again;
        ``plan``, :meth:`explain_plan` of ``query`` worked out once for all the query's candidates."""
        if self.titles is None or self.abstracts is None:
            raise RuntimeError("this index was built with store_text=False and cannot explain")
        title, abstract = self.titles[pos], self.abstracts[pos]
        cached = tokens.get(pos) if tokens is not None else None
        if cached is None:
            cached = (self.analyzer.tokens(title), self.analyzer.tokens(abstract))
            if tokens is not None:
                tokens[pos] = cached
        members, wanted, by_word = plan if plan is not None else self.explain_plan(query)
        # Only the query's terms are counted and highlighted below.
        title_tokens = [t for t in cached[0] if t.term in wanted]
        abstract_tokens = [t for t in cached[1] if t.term in wanted]
        tw = self.settings.bm25.title_weight
        # Each term's tokens in title and abstract, in one pass (terms in order of first occurrence).
        occurrences: dict[str, tuple[list, list]] = {}
        for token in title_tokens:
            occurrences.setdefault(token.term, ([], []))[0].append(token)
        for token in abstract_tokens:
            occurrences.setdefault(token.term, ([], []))[1].append(token)

        def frequency(term: str) -> float:
            in_title, in_abstract = occurrences.get(term, ([], []))
            return tw * len(in_title) + len(in_abstract)

        # A set's contribution is its BM25 weight on the summed frequency, shared by its members: a
        # single word by its own frequency, a phrase by its rarest word's, split among its words.
        group_freq: dict[str, float] = {}
        shares: dict[str, dict[str, tuple[TermGroup, float]]] = {}  # term -> set -> (set, frequency)
        # Only the members with a word in this text can count, taken in the plan's order.
        for i in sorted({i for term in occurrences for i in by_word.get(term, ())}):
            group, words = members[i]
            present = [w for w in dict.fromkeys(words) if frequency(w) > 0]
            if not present or len(present) < phrase_words_needed(len(set(words))):
                continue
            tf = min(frequency(w) for w in present)
            group_freq[group.source] = group_freq.get(group.source, 0.0) + tf
            for word in present:
                _, before = shares.setdefault(word, {}).get(group.source, (group, 0.0))
                shares[word][group.source] = (group, before + tf / len(present))
        # Words of a phrase that did not occur whole are not matches of their own.
        occurrences = {t: o for t, o in occurrences.items() if t in query.weights or t in shares}
        wanted = dict.fromkeys((*query.weights, *shares))
        matched: list[MatchedTerm] = []
        for term, (in_title, in_abstract) in occurrences.items():
            surfaces = dict.fromkeys(
                [t.surface(title) for t in in_title] + [t.surface(abstract) for t in in_abstract]
            )
            tf = tw * len(in_title) + len(in_abstract)
            contribution = 0.0
            if term in query.weights:
                contribution = query.weights[term] * self.matrix.term_weight(
                    tf, pos, term, self.settings.bm25
                )
            bridge = None
            group: TermGroup | None = None
            for group_source, (member_of, share) in shares.get(term, {}).items():
                total = group_freq[group_source]
                contribution += (
                    member_of.weight
                    * self.matrix.group_weight(member_of.terms, total, pos, self.settings.bm25)
                    * share
                    / total
                )
                group = group or member_of
            if group is not None and term not in query.weights:
                bridge = group.origin
            matched.append(
                MatchedTerm(
                    term=term,
                    surfaces=tuple(surfaces),
                    in_title=len(in_title),
                    in_abstract=len(in_abstract),
                    synonym_of=group.source if bridge else query.synonym_of.get(term),
                    contribution=contribution,
                    bridge=bridge,
                )
            )
        matched.sort(key=lambda m: (-m.contribution, m.term))
        return Explanation(
            matched_terms=tuple(matched),
            title=title,
            abstract=abstract,
            title_spans=merge_spans(title_tokens, wanted),
            abstract_spans=merge_spans(abstract_tokens, wanted),
            fit=fit_report(self.metas.fit_at(pos)),
            score=ScoreParts(bm25, multiplier - 1.0, bm25 * multiplier),
        )

    # -- persistence ---------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index as a directory of ``.npy`` arrays and a JSON header, so that
        :meth:`load` can map it. Written into a temporary directory first and renamed into place: a
        reader never sees half an index. ``path`` must not exist yet (each build gets a fresh name)."""
        target = Path(path)
        if target.exists():
            raise FileExistsError(f"{target} exists: each saved index needs a fresh path")
        temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        temporary.mkdir(parents=True)
        try:
            self._write(temporary)
            temporary.rename(target)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise

    def _write(self, directory: Path) -> None:
        tf = self.matrix.tf
        # One index dtype for indices and indptr, so that scipy keeps the mapped arrays as they are.
        index_dtype = np.int32 if tf.nnz < np.iinfo(np.int32).max else np.int64
        save_array(directory, "tf.data", tf.data.astype(np.float32, copy=False))
        save_array(directory, "tf.indices", tf.indices.astype(index_dtype, copy=False))
        save_array(directory, "tf.indptr", tf.indptr.astype(index_dtype, copy=False))
        params = self.settings.bm25
        save_array(directory, "weights.data", self.matrix.weights(params).data.astype(np.float32, copy=False))
        save_array(directory, "lengths", self.matrix.doc_lengths())
        terms = _column(self.matrix.terms)
        terms.save(directory, "terms")
        TermLookup.from_terms(terms).save(directory, "terms")
        _column(self.doc_ids).save(directory, "doc_ids")
        if self.titles is not None and self.abstracts is not None:
            _column(self.titles).save(directory, "titles")
            _column(self.abstracts).save(directory, "abstracts")
        tables = self.metas.save(directory)
        header = {
            "format": _FORMAT,
            "engine_version": self.engine_version,
            "fingerprint": self.fingerprint,
            "settings": self.settings.to_json(),
            "shape": list(tf.shape),
            "weights_key": [params.k1, params.b],
            "has_text": self.titles is not None,
            "tables": tables,
        }
        (directory / "header.json").write_text(json.dumps(header, ensure_ascii=False))

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, mmap: bool = True) -> ScreeningIndex:
        """Read an index written by :meth:`save`; raises :class:`IndexVersionError` if incompatible.

        With ``mmap`` (the default) the arrays are mapped read-only (``numpy.load(mmap_mode="r")``):
        loading reads only the header, and every process of the host shares the
        pages of the same files. ``mmap=False`` reads everything into this process's memory."""
        directory = Path(path)
        try:
            header = json.loads((directory / "header.json").read_text())
        except (OSError, ValueError) as error:
            raise IndexVersionError(f"{path} is not a screening index ({error})") from error
        if header.get("format") != _FORMAT:
            raise IndexVersionError(f"{path} is not a screening index")
        version = str(header.get("engine_version", "0"))
        if version.split(".")[0] != ENGINE_VERSION.split(".")[0]:
            raise IndexVersionError(f"index written by engine {version}, this is {ENGINE_VERSION}")

        def array(name: str) -> np.ndarray:
            return load_array(directory, name, mmap=mmap)

        shape = tuple(int(x) for x in header["shape"])
        indices, indptr = array("tf.indices"), array("tf.indptr")
        tf = sp.csc_matrix((array("tf.data"), indices, indptr), shape=shape, copy=False)
        tf.has_sorted_indices = True  # written sorted; checking would read every page
        settings = EngineSettings.from_json(header["settings"])
        weights = None
        if list(header.get("weights_key", [])) == [settings.bm25.k1, settings.bm25.b]:
            weights = sp.csc_matrix((array("weights.data"), indices, indptr), shape=shape, copy=False)
            weights.has_sorted_indices = True
        has_text = bool(header.get("has_text"))
        terms = StringColumn.load(directory, "terms", mmap=mmap)
        return cls(
            doc_ids=StringColumn.load(directory, "doc_ids", mmap=mmap),
            matrix=TermMatrix(
                tf,
                terms,
                settings.bm25,
                weights=weights,
                lengths=array("lengths"),
                lookup=TermLookup.load(directory, "terms", terms, mmap=mmap),
            ),
            metas=MetaColumns.load(directory, header["tables"], mmap=mmap),
            titles=StringColumn.load(directory, "titles", mmap=mmap) if has_text else None,
            abstracts=StringColumn.load(directory, "abstracts", mmap=mmap) if has_text else None,
            settings=settings,
            fingerprint=header["fingerprint"],
            engine_version=version,
        )

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        # Derived arrays are cheap to rebuild and the cached weights double the size.
        state["matrix"] = (self.matrix.tf, self.matrix.terms, self.matrix.params)
        for derived in ("_positions", "_multipliers", "published", "expires", "fit_codes", "analyzer"):
            state.pop(derived, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        tf, terms, params = state.pop("matrix")
        self.__init__(matrix=TermMatrix(tf, terms, params), **state)  # type: ignore[misc]


def _column(strings: Sequence[str]) -> StringColumn:
    return strings if isinstance(strings, StringColumn) else StringColumn.from_strings(strings)


# --- the ranker interface ----------------------------------------------------------------------


@runtime_checkable
class Ranker(Protocol):
    """What any ranker (BM25 now, sentence embeddings later) offers, so scores can be fused.

    ``score`` returns a dense (n_queries, n_docs) array in the order the documents were indexed; a
    fusion layer normalises each ranker's rows and combines them before fit and filters are applied.
    """

    name: str

    def index(self, docs: Sequence[Document]) -> None:
        """Index ``docs`` (replacing any previous documents)."""
        ...

    def score(self, queries: Sequence[str]) -> np.ndarray:
        """Relevance of every indexed document for each query, shape (n_queries, n_docs)."""
        ...


class BM25Ranker:
    """The lexical :class:`Ranker`: a thin adapter over :class:`ScreeningIndex`."""

    name = "bm25"

    def __init__(self, settings: EngineSettings | None = None, *, workers: int = 1) -> None:
        self.settings = settings or EngineSettings()
        self.workers = workers
        self.screening_index: ScreeningIndex | None = None

    def index(self, docs: Sequence[Document]) -> None:
        """Build a fresh index over ``docs``."""
        self.screening_index = ScreeningIndex.build(docs, self.settings, workers=self.workers)

    def score(self, queries: Sequence[str]) -> np.ndarray:
        """Dense BM25 scores (no fit, no filters), one row per query."""
        if self.screening_index is None:
            raise RuntimeError("index() must be called before score()")
        idx = self.screening_index
        matrix = idx.matrix.query_matrix([idx.analyse_query(q).weights for q in queries])
        return idx.matrix.score_matrix(matrix, self.settings.bm25)
