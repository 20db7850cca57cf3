"""BM25 over sparse term-frequency matrices (scipy CSC), with title weighting.

Title and abstract are scored as one field whose term frequencies count title occurrences
``title_weight`` times (a BM25F simplification: one length normalisation over the weighted length).
Only raw weighted term frequencies are stored; the BM25 weights are derived lazily, so k1 and b can
change without re-analysing any text.

Scoring a query gathers the posting lists of its terms from the CSC matrix and sums them with
``np.bincount``: cost grows with the postings touched, not with the corpus size. Many queries at once
(portfolio x SMEs) are one sparse matrix product.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["BM25Params", "TermMatrix", "query_term_weights", "saturate_query_counts", "top_k_indices"]


@dataclass(frozen=True)
class BM25Params:
    """BM25 parameters.

    - ``k1`` (1.2) and ``b`` (0.75): the usual term-saturation and length-normalisation constants.
    - ``title_weight`` (2.0): a title occurrence counts as this many abstract occurrences. Set at
      index build time (it is baked into the stored frequencies).
    - ``query_k3`` (None): optional saturation ``c (k3 + 1) / (c + k3)`` of repeated query terms.
      ``None`` uses raw counts, which measured slightly better on the long spinoff-story queries of
      the judged set (nDCG@10 0.186 against 0.181 with k3 = 1.5; benchmarks/README.md).
    """

    k1: float = 1.2
    b: float = 0.75
    title_weight: float = 2.0
    query_k3: float | None = None


def query_term_weights(terms: Iterable[str], params: BM25Params) -> dict[str, float]:
    """Weights of a query's terms from their counts (saturated by ``query_k3``)."""
    return saturate_query_counts(Counter(terms), params)


def saturate_query_counts(counts: Mapping[str, float], params: BM25Params) -> dict[str, float]:
    """Query term weights from (possibly title-weighted) counts: ``c (k3 + 1) / (c + k3)``."""
    terms = list(counts)
    weights = saturate_count_array(np.fromiter(counts.values(), dtype=np.float64, count=len(terms)), params)
    return dict(zip(terms, weights.tolist(), strict=True))


def saturate_count_array(counts: np.ndarray, params: BM25Params) -> np.ndarray:
    """:func:`saturate_query_counts` for an array of counts."""
    counts = counts.astype(np.float64)
    if params.query_k3 is None:
        return counts
    return counts * (params.query_k3 + 1.0) / (counts + params.query_k3)


def top_k_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest positive scores, best first (ties broken by lower index)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size == 0 or k <= 0:
        return np.empty(0, dtype=np.int64)
    values = scores[positive]
    if positive.size > k:
        part = np.argpartition(-values, k - 1)[:k]
        positive, values = positive[part], values[part]
    # lexsort: last key is primary -> descending score, then ascending index for stable ties.
    order = np.lexsort((positive, -values))
    return positive[order]


def phrase_words_needed(n_words: int) -> int:
    """How many of a translated phrase's words a document needs for the phrase to match: both of two
    ("sound absorption"), all but one of three or more ("heat insulating material" matches "thermal
    insulation material"). Measured on the judged sets (benchmarks/README.md, "Phrases")."""
    return n_words if n_words <= 2 else n_words - 1


class TermMatrix:
    """Documents x terms matrix of weighted term frequencies plus the derived BM25 weights."""

    def __init__(
        self,
        tf: sp.csc_matrix,
        terms: Sequence[str],
        params: BM25Params,
        *,
        weights: sp.csc_matrix | None = None,
        lengths: np.ndarray | None = None,
        lookup: Any = None,
    ) -> None:
        """``weights`` (the BM25 weights for ``params``' k1 and b) and ``lengths`` may come from a saved
        index, mapped rather than recomputed: then no process holds a copy of its own; so may ``lookup``
        (term -> column, :class:`~matching.engine.store.TermLookup`), which queries use instead of a
        dict of the whole vocabulary."""
        # copy=False: a mapped float32 matrix stays mapped.
        self.tf = tf.astype(np.float32, copy=False)
        if not self.tf.has_sorted_indices:
            self.tf.sort_indices()
        self.terms = terms if not isinstance(terms, list | tuple) else list(terms)
        self._vocabulary: dict[str, int] | None = None
        self._lookup = lookup
        self.params = params
        self._weights: sp.csc_matrix | None = weights
        self._weights_key: tuple[float, float] | None = (params.k1, params.b) if weights is not None else None
        # The matrix never changes after construction, so lengths and idf are computed once.
        self._lengths = (
            np.asarray(lengths, dtype=np.float64)
            if lengths is not None
            else np.asarray(self.tf.sum(axis=1), dtype=np.float64).ravel()
        )
        df = np.diff(self.tf.indptr).astype(np.float64)
        n = float(self.n_docs)
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5))
        self._avg_length = float(self._lengths.mean()) if n and self._lengths.mean() > 0 else 1.0
        self._group_df: dict[tuple[str, ...], float] = {}
        self._phrases: dict[str, tuple[np.ndarray, np.ndarray] | tuple[()]] = {}
        # Terms looked up already (queries and explanations ask for the same few thousand again and
        # again in a portfolio run), bounded: never the whole vocabulary (TermLookup's point).
        self._columns: dict[str, int | None] = {}
        self._members: dict[tuple[str, ...], tuple[str, ...]] = {}

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column, built on first use (a saved index stores only the terms)."""
        if self._vocabulary is None:
            self._vocabulary = {term: i for i, term in enumerate(self.terms)}
        return self._vocabulary

    def column(self, term: str) -> int | None:
        """The column of ``term``, or None: through the saved index's lookup when there is one, so
        that a query never builds the whole vocabulary's dict."""
        if self._vocabulary is None and self._lookup is not None:
            try:
                return self._columns[term]
            except KeyError:
                pass
            if len(self._columns) > 50_000:
                self._columns.clear()
            found = self._columns[term] = self._lookup.get(term)
            return found
        return self.vocabulary.get(term)

    @property
    def n_docs(self) -> int:
        """Number of documents (rows)."""
        return int(self.tf.shape[0])

    def doc_lengths(self) -> np.ndarray:
        """Weighted length of each document (sum of its weighted term frequencies)."""
        return self._lengths

    def idf(self) -> np.ndarray:
        """Lucene's always-positive BM25 idf per term: ln(1 + (N - df + 0.5) / (df + 0.5))."""
        return self._idf

    def weights(self, params: BM25Params | None = None) -> sp.csc_matrix:
        """The BM25 weight of every (doc, term) pair, cached per (k1, b)."""
        params = params or self.params
        key = (params.k1, params.b)
        if self._weights is None or self._weights_key != key:
            self._weights = self._compute_weights(params)
            self._weights_key = key
        return self._weights

    def _compute_weights(self, params: BM25Params) -> sp.csc_matrix:
        norm = params.k1 * (1.0 - params.b + params.b * self._lengths / self._avg_length)
        tf = self.tf.data.astype(np.float64)
        idf = np.repeat(self._idf, np.diff(self.tf.indptr))
        data = idf * tf * (params.k1 + 1.0) / (tf + norm[self.tf.indices])
        return sp.csc_matrix((data.astype(np.float32), self.tf.indices, self.tf.indptr), shape=self.tf.shape)

    def term_weight(self, tf: float, doc: int, term: str, params: BM25Params | None = None) -> float:
        """BM25 weight of ``term`` occurring ``tf`` (weighted) times in document ``doc``."""
        params = params or self.params
        j = self.column(term)
        if j is None or tf <= 0:
            return 0.0
        norm = params.k1 * (1.0 - params.b + params.b * self._lengths[doc] / self._avg_length)
        return float(self._idf[j] * tf * (params.k1 + 1.0) / (tf + norm))

    def score(self, query: Mapping[str, float], params: BM25Params | None = None) -> np.ndarray:
        """BM25 score of every document for one weighted query (dense float32 vector)."""
        weights = self.weights(params)
        idx_parts: list[np.ndarray] = []
        val_parts: list[np.ndarray] = []
        for term, q in query.items():
            j = self.column(term)
            if j is None or q == 0:
                continue
            start, end = weights.indptr[j], weights.indptr[j + 1]
            idx_parts.append(weights.indices[start:end])
            val_parts.append(weights.data[start:end] * np.float32(q))
        if not idx_parts:
            return np.zeros(self.n_docs, dtype=np.float32)
        scores = np.bincount(
            np.concatenate(idx_parts), weights=np.concatenate(val_parts), minlength=self.n_docs
        )
        return scores.astype(np.float32)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Documents containing ``term`` and its frequency in each, or None if no document has it.

        A member with spaces is a phrase from a translation ("sound absorption"): it occurs in a
        document where all its words do (a phrase of three or more words: all but one), as often as
        the rarest of them there. Scoring its words one by one let "absorption" alone match an ozone
        spectrometer for a Japanese need about factory noise (吸音)."""
        j = self.column(term)
        if j is not None:
            start, end = self.tf.indptr[j], self.tf.indptr[j + 1]
            return self.tf.indices[start:end], self.tf.data[start:end].astype(np.float64)
        words = list(dict.fromkeys(term.split()))
        if len(words) < 2:
            return None
        cached = self._phrases.get(term)
        if cached is not None:
            return cached or None
        found = self._phrase_postings(words)
        if len(self._phrases) > 50_000:
            self._phrases.clear()
        self._phrases[term] = found or ()
        return found

    def _phrase_postings(self, words: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`postings` of a phrase: sorts its words' postings (short next to the corpus), no
        vector of the corpus size."""
        need = phrase_words_needed(len(words))
        columns = [k for k in map(self.column, words) if k is not None]
        if len(columns) < need:
            return None
        tf = self.tf
        docs = np.concatenate([tf.indices[tf.indptr[k] : tf.indptr[k + 1]] for k in columns])
        freq = np.concatenate([tf.data[tf.indptr[k] : tf.indptr[k + 1]] for k in columns])
        order = np.argsort(docs, kind="stable")
        docs, freq = docs[order], freq[order].astype(np.float64)
        starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
        counts = np.diff(np.r_[starts, len(docs)])
        rarest = np.minimum.reduceat(freq, starts) if len(starts) else freq
        keep = counts >= need
        if not keep.any():
            return None
        return docs[starts][keep], rarest[keep]

    def group_members(self, terms: Sequence[str]) -> tuple[str, ...]:
        """The members of a synonym set that occur in at least one document (words or phrases)."""
        key = tuple(terms)
        cached = self._members.get(key)
        if cached is None:
            cached = tuple(t for t in dict.fromkeys(terms) if self.postings(t) is not None)
            if len(self._members) > 50_000:
                self._members.clear()
            self._members[key] = cached
        return cached

    def group_df(self, members: Sequence[str]) -> float:
        """Document frequency of a synonym set: the size of the union of its members' postings."""
        key = tuple(sorted(members))
        cached = self._group_df.get(key)
        if cached is not None:
            return cached
        parts = [p[0] for p in map(self.postings, key) if p is not None]
        if not parts:
            df = 0.0
        elif len(parts) == 1:
            df = float(len(parts[0]))
        else:
            idx = np.concatenate(parts)
            # Few postings: sort them rather than sweep a vector of the whole corpus.
            if len(idx) * 16 < self.n_docs:
                df = float(len(np.unique(idx)))
            else:
                df = float(np.count_nonzero(np.bincount(idx, minlength=self.n_docs)))
        if len(self._group_df) > 50_000:
            self._group_df.clear()
        self._group_df[key] = df
        return df

    def group_frequencies(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Documents matching a synonym set and the set's summed frequency in each."""
        parts = [p for p in map(self.postings, dict.fromkeys(terms)) if p is not None]
        if not parts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        if len(parts) == 1:
            return parts[0]
        idx = np.concatenate([d for d, _ in parts])
        vals = np.concatenate([f for _, f in parts])
        if len(idx) * 16 < self.n_docs:
            # Few postings: sort them rather than sweep a dense vector of the whole corpus (a portfolio
            # run scores thousands of small sets against 100,000 seeds).
            docs, inverse = np.unique(idx, return_inverse=True)
            return docs, np.bincount(inverse, weights=vals)
        dense = np.bincount(idx, weights=vals, minlength=self.n_docs)
        docs = np.flatnonzero(dense)
        return docs, dense[docs]

    def score_groups(
        self, groups: Sequence[tuple[Sequence[str], float]], params: BM25Params | None = None
    ) -> np.ndarray:
        """BM25 scores of structured-query synonym sets (Pirkola): each set is scored as one term
        whose frequency in a document is the sum of its members' and whose document frequency is that
        of their union, times the set's weight. Members missing from the vocabulary are ignored; a
        phrase member counts where all its words occur (:meth:`postings`).

        Cost: one pass over the members' postings plus one dense vector per set (O(N)), no sorting."""
        params = params or self.params
        scores = np.zeros(self.n_docs, dtype=np.float64)
        n = float(self.n_docs)
        for terms, weight in groups:
            if not weight:
                continue
            docs, freq = self.group_frequencies(terms)
            if not len(docs):
                continue
            df = self.group_df(self.group_members(terms))
            idf = np.log1p((n - df + 0.5) / (df + 0.5))
            norm = params.k1 * (1.0 - params.b + params.b * self._lengths[docs] / self._avg_length)
            scores[docs] += weight * idf * freq * (params.k1 + 1.0) / (freq + norm)
        return scores.astype(np.float32)

    def group_weight(
        self, terms: Sequence[str], freq: float, doc: int, params: BM25Params | None = None
    ) -> float:
        """BM25 weight of a synonym set occurring ``freq`` (summed) times in document ``doc``."""
        params = params or self.params
        members = self.group_members(terms)
        if not members or freq <= 0:
            return 0.0
        df = self.group_df(members)
        idf = np.log1p((self.n_docs - df + 0.5) / (df + 0.5))
        norm = params.k1 * (1.0 - params.b + params.b * self._lengths[doc] / self._avg_length)
        return float(idf * freq * (params.k1 + 1.0) / (freq + norm))

    def query_matrix(self, queries: Sequence[Mapping[str, float]]) -> sp.csr_matrix:
        """Weighted queries as a sparse (n_queries, n_terms) matrix over this vocabulary."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, query in enumerate(queries):
            for term, q in query.items():
                j = self.column(term)
                if j is not None and q:
                    rows.append(i)
                    cols.append(j)
                    vals.append(q)
        return sp.csr_matrix(
            (
                np.asarray(vals, dtype=np.float32),
                (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)),
            ),
            shape=(len(queries), len(self.terms)),
        )

    def score_matrix(self, queries: sp.csr_matrix, params: BM25Params | None = None) -> np.ndarray:
        """Dense (n_queries, n_docs) BM25 scores for a query matrix over this vocabulary."""
        weights = self.weights(params)
        # (q x V) @ (V x N): the CSC weights transposed are CSR, the fast layout for this product.
        product = queries @ weights.T.tocsr()
        return np.asarray(product.toarray(), dtype=np.float32)

    def rows_as_queries(self, target: TermMatrix, params: BM25Params | None = None) -> sp.csr_matrix:
        """This matrix's documents as saturated query vectors over ``target``'s vocabulary.

        Used for the seed -> SMEs direction of the all-pairs job without re-analysing any text.
        """
        params = params or self.params
        remap = np.full(len(self.terms), -1, dtype=np.int64)
        for i, term in enumerate(self.terms):
            j = target.vocabulary.get(term)
            if j is not None:
                remap[i] = j
        coo = self.tf.tocoo()
        keep = remap[coo.col] >= 0
        counts = saturate_count_array(coo.data[keep], params)
        return sp.csr_matrix(
            (counts.astype(np.float32), (coo.row[keep], remap[coo.col[keep]])),
            shape=(self.n_docs, len(target.terms)),
        )
