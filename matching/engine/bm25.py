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


class TermMatrix:
    """Documents x terms matrix of weighted term frequencies plus the derived BM25 weights."""

    def __init__(self, tf: sp.csc_matrix, terms: Sequence[str], params: BM25Params) -> None:
        self.tf = tf.astype(np.float32)
        self.tf.sort_indices()
        self.terms = list(terms)
        self.vocabulary = {term: i for i, term in enumerate(self.terms)}
        self.params = params
        self._weights: sp.csc_matrix | None = None
        self._weights_key: tuple[float, float] | None = None
        # The matrix never changes after construction, so lengths and idf are computed once.
        self._lengths = np.asarray(self.tf.sum(axis=1), dtype=np.float64).ravel()
        df = np.diff(self.tf.indptr).astype(np.float64)
        n = float(self.n_docs)
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5))
        self._avg_length = float(self._lengths.mean()) if n and self._lengths.mean() > 0 else 1.0
        self._group_df: dict[tuple[int, ...], float] = {}

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
        j = self.vocabulary.get(term)
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
            j = self.vocabulary.get(term)
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

    def group_columns(self, terms: Sequence[str]) -> list[int]:
        """Vocabulary columns of a synonym set's members (those the index has)."""
        return [self.vocabulary[t] for t in dict.fromkeys(terms) if t in self.vocabulary]

    def group_df(self, cols: Sequence[int]) -> float:
        """Document frequency of a synonym set: the size of the union of its members' postings."""
        key = tuple(sorted(cols))
        cached = self._group_df.get(key)
        if cached is not None:
            return cached
        tf = self.tf
        if len(cols) == 1:
            df = float(tf.indptr[cols[0] + 1] - tf.indptr[cols[0]])
        else:
            idx = np.concatenate([tf.indices[tf.indptr[j] : tf.indptr[j + 1]] for j in cols])
            df = float(len(np.unique(idx)))
        if len(self._group_df) > 50_000:
            self._group_df.clear()
        self._group_df[key] = df
        return df

    def score_groups(
        self, groups: Sequence[tuple[Sequence[str], float]], params: BM25Params | None = None
    ) -> np.ndarray:
        """BM25 scores of structured-query synonym sets (Pirkola): each set is scored as one term
        whose frequency in a document is the sum of its members' and whose document frequency is that
        of their union, times the set's weight. Members missing from the vocabulary are ignored.

        Cost: one pass over the members' postings plus one dense vector per set (O(N)), no sorting."""
        params = params or self.params
        scores = np.zeros(self.n_docs, dtype=np.float64)
        tf = self.tf
        n = float(self.n_docs)
        for terms, weight in groups:
            cols = self.group_columns(terms)
            if not cols or not weight:
                continue
            if len(cols) == 1:
                j = cols[0]
                docs = tf.indices[tf.indptr[j] : tf.indptr[j + 1]]
                freq = tf.data[tf.indptr[j] : tf.indptr[j + 1]].astype(np.float64)
            else:
                idx = np.concatenate([tf.indices[tf.indptr[j] : tf.indptr[j + 1]] for j in cols])
                vals = np.concatenate([tf.data[tf.indptr[j] : tf.indptr[j + 1]] for j in cols])
                if len(idx) * 16 < self.n_docs:
                    # Few postings: sort them rather than sweep a dense vector of the whole corpus
                    # (a portfolio run scores thousands of small sets against 100,000 seeds).
                    docs, inverse = np.unique(idx, return_inverse=True)
                    freq = np.bincount(inverse, weights=vals)
                else:
                    dense = np.bincount(idx, weights=vals, minlength=self.n_docs)
                    docs = np.flatnonzero(dense)
                    freq = dense[docs]
            df = self.group_df(cols)
            idf = np.log1p((n - df + 0.5) / (df + 0.5))
            norm = params.k1 * (1.0 - params.b + params.b * self._lengths[docs] / self._avg_length)
            scores[docs] += weight * idf * freq * (params.k1 + 1.0) / (freq + norm)
        return scores.astype(np.float32)

    def group_weight(
        self, terms: Sequence[str], freq: float, doc: int, params: BM25Params | None = None
    ) -> float:
        """BM25 weight of a synonym set occurring ``freq`` (summed) times in document ``doc``."""
        params = params or self.params
        cols = self.group_columns(terms)
        if not cols or freq <= 0:
            return 0.0
        df = self.group_df(cols)
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
                j = self.vocabulary.get(term)
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
