"""Portfolio x SMEs: every seed against every SME, top K per SME and per seed.

The two directions are different questions and are scored as such:

- per SME ("which seeds fit this SME?"): the SME's text is the query against the seed index, with the
  seeds' fit adjustment and filters, exactly as an interactive SME -> seeds search would rank them;
- per seed ("which SMEs should hear about this seed?"): the seed's text is the query against the SME
  index, as an interactive seed -> SMEs search would rank them.

Each direction is one sparse matrix product over term frequencies already stored in the two indexes
(no text is analysed again), followed by a partial sort per row. Synonym expansion (on when the
target index's settings say so, as for interactive searches) is applied to each row's terms before
they are mapped onto the other index's vocabulary: a Japanese SME profile reaches an English seed
only through it, exactly as an interactive search would.

Portfolio runs no longer use this module: they score each SME with
:meth:`~matching.engine.index.ScreeningIndex.document_query` (translation included), exactly as an
SME -> seeds run from that SME. It remains for batch evaluation and the benchmarks; it does not
translate (a synonym set is not a linear term weight, so it has no place in the matrix product).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .bm25 import saturate_count_array
from .fit import Filters, FitSettings
from .index import ScreeningIndex
from .synonyms import synonym_table

__all__ = ["AllPairsResult", "all_pairs", "top_k_per_row"]


@dataclass(frozen=True)
class AllPairsResult:
    """Top-K lists as index arrays. Row i of ``per_sme_seeds`` holds seed positions for SME i, etc.

    Positions refer to ``seed_ids`` / ``sme_ids``; -1 pads rows with fewer than K positive scores.
    ``per_sme_bm25`` carries the relevance part of ``per_sme_scores`` (final = bm25 x fit multiplier).
    """

    seed_ids: list[str]
    sme_ids: list[str]
    per_sme_seeds: np.ndarray
    per_sme_scores: np.ndarray
    per_sme_bm25: np.ndarray
    per_seed_smes: np.ndarray
    per_seed_scores: np.ndarray

    def for_sme(self, sme_id: str) -> list[tuple[str, float]]:
        """(seed id, final score) pairs for one SME, best first."""
        row = self.sme_ids.index(sme_id)
        return [
            (self.seed_ids[j], float(s))
            for j, s in zip(self.per_sme_seeds[row], self.per_sme_scores[row], strict=True)
            if j >= 0
        ]

    def for_seed(self, seed_id: str) -> list[tuple[str, float]]:
        """(SME id, score) pairs for one seed, best first."""
        row = self.seed_ids.index(seed_id)
        return [
            (self.sme_ids[j], float(s))
            for j, s in zip(self.per_seed_smes[row], self.per_seed_scores[row], strict=True)
            if j >= 0
        ]


def top_k_per_row(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of each row's ``k`` best positive scores, best first.

    Ties are broken by the lower column index, matching :func:`~matching.engine.bm25.top_k_indices`.
    Rows with fewer than ``k`` positive scores are padded with index -1 and score 0.
    """
    n_rows, n_cols = scores.shape
    k_eff = min(k, n_cols)
    if k_eff <= 0 or n_rows == 0:
        return np.full((n_rows, max(k, 0)), -1, dtype=np.int64), np.zeros((n_rows, max(k, 0)), np.float32)
    if k_eff < n_cols:
        part = np.argpartition(-scores, k_eff - 1, axis=1)[:, :k_eff]
        # argpartition picks arbitrarily among equal scores at the boundary; widen to every column
        # tied with the k-th value so the tie-break by index is exact.
        kth = np.take_along_axis(scores, part, axis=1).min(axis=1)
        candidates = [np.flatnonzero(scores[i] >= kth[i]) for i in range(n_rows)]
    else:
        candidates = [np.arange(n_cols) for _ in range(n_rows)]
    idx = np.full((n_rows, k), -1, dtype=np.int64)
    val = np.zeros((n_rows, k), dtype=np.float32)
    for i, cols in enumerate(candidates):
        row_scores = scores[i, cols]
        keep = row_scores > 0
        cols, row_scores = cols[keep], row_scores[keep]
        order = np.lexsort((cols, -row_scores))[:k]
        idx[i, : order.size] = cols[order]
        val[i, : order.size] = row_scores[order]
    return idx, val


def rows_as_queries(source: ScreeningIndex, target: ScreeningIndex, *, synonyms: bool) -> sp.csr_matrix:
    """``source``'s documents as query vectors over ``target``'s vocabulary, optionally expanded.

    Without synonyms this is one sparse remap. With them, every row gets exactly what
    :func:`~matching.engine.synonyms.expand_query_terms` gives an interactive query (each synonym of a
    row's term weighs ``expansion_weight x share x`` the term's weight, the largest such weight wins, a
    term the row already has keeps its own), computed for all rows at once with array operations so
    that 10,000 seeds expand in a fraction of a second. A trigger term unknown to ``target`` still
    brings in its synonyms that ``target`` knows.
    """
    params = target.settings.bm25
    originals = source.matrix.rows_as_queries(target.matrix, params)
    if not synonyms:
        return originals
    table = synonym_table(target.settings.analyzer)
    src_terms, tgt_vocab = source.matrix.terms, target.matrix.vocabulary
    n_src, n_tgt = len(src_terms), len(target.matrix.terms)

    # S[t, u]: share of target term u among the synonyms of source term t.
    s_rows: list[int] = []
    s_cols: list[int] = []
    s_vals: list[float] = []
    for t, term in enumerate(src_terms):
        for synonym, share in table.get(term).items():
            u = tgt_vocab.get(synonym)
            if u is not None:
                s_rows.append(t)
                s_cols.append(u)
                s_vals.append(share)
    if not s_rows:
        return originals
    synonyms_of = sp.csr_matrix(
        (np.asarray(s_vals, np.float64), (np.asarray(s_rows), np.asarray(s_cols))), shape=(n_src, n_tgt)
    )

    # Each row's saturated term weights over the source vocabulary (the triggers).
    queries = source.matrix.tf.tocsr().tocoo()
    weights = saturate_count_array(queries.data, params)
    fan_out = np.diff(synonyms_of.indptr)[queries.col]
    trigger = np.repeat(np.arange(queries.nnz), fan_out)
    if trigger.size == 0:
        return originals
    first = np.repeat(synonyms_of.indptr[queries.col], fan_out)
    offset = np.arange(trigger.size) - np.repeat(np.cumsum(fan_out) - fan_out, fan_out)
    picked = first + offset
    rows = queries.row[trigger].astype(np.int64)
    cols = synonyms_of.indices[picked].astype(np.int64)
    vals = weights[trigger] * target.settings.expansion_weight * synonyms_of.data[picked]

    # A synonym the row already has as a term of its own keeps the row's weight.
    src_index_of = np.full(n_tgt, -1, dtype=np.int64)
    for u, term in enumerate(target.matrix.terms):
        t = source.matrix.vocabulary.get(term)
        if t is not None:
            src_index_of[u] = t
    own = np.sort(queries.row.astype(np.int64) * n_src + queries.col)
    candidate = rows * n_src + src_index_of[cols]
    pos = np.clip(np.searchsorted(own, candidate), 0, max(own.size - 1, 0))
    keep = ~((src_index_of[cols] >= 0) & (own[pos] == candidate))
    rows, cols, vals = rows[keep], cols[keep], vals[keep]

    # The largest weight per (row, synonym) wins.
    keys, inverse = np.unique(rows * n_tgt + cols, return_inverse=True)
    best = np.zeros(keys.size, np.float64)
    np.maximum.at(best, inverse, vals)
    expanded = sp.csr_matrix(
        (best.astype(np.float32), (keys // n_tgt, keys % n_tgt)), shape=originals.shape, dtype=np.float32
    )
    return (originals + expanded).tocsr()


def all_pairs(
    seeds: ScreeningIndex,
    smes: ScreeningIndex,
    *,
    top_k_per_sme: int = 20,
    top_k_per_seed: int = 20,
    filters: Filters | None = None,
    fit: FitSettings | None = None,
    synonyms: bool | None = None,
) -> AllPairsResult:
    """Score every seed against every SME and keep the top K in each direction.

    ``filters`` (default: published only) remove seeds from both directions; ``fit`` overrides the seed
    index's fit settings for the per-SME ranking (the per-seed ranking compares SMEs for one seed, where
    the seed's own fit is a constant factor and changes nothing). ``synonyms`` defaults to each target
    index's setting, so batch and interactive rankings agree.
    """
    params_seeds = seeds.settings.bm25
    params_smes = smes.settings.bm25

    # Per SME: SME texts as queries against the seed index.
    sme_queries = rows_as_queries(
        smes, seeds, synonyms=seeds.settings.synonyms if synonyms is None else synonyms
    )
    per_sme_bm25_all = seeds.matrix.score_matrix(sme_queries, params_seeds)  # (n_sme, n_seed)
    multipliers = seeds.fit_multipliers(fit)
    final = per_sme_bm25_all * multipliers[np.newaxis, :]
    mask = seeds.mask(Filters() if filters is None else filters)
    if mask is not None:
        final[:, ~mask] = 0.0
    per_sme_seeds, per_sme_scores = top_k_per_row(final, top_k_per_sme)
    safe = np.where(per_sme_seeds >= 0, per_sme_seeds, 0)
    per_sme_bm25 = np.where(
        per_sme_seeds >= 0, np.take_along_axis(per_sme_bm25_all, safe, axis=1), 0.0
    ).astype(np.float32)

    # Per seed: seed texts as queries against the SME index.
    seed_queries = rows_as_queries(
        seeds, smes, synonyms=smes.settings.synonyms if synonyms is None else synonyms
    )
    per_seed_all = smes.matrix.score_matrix(seed_queries, params_smes)  # (n_seed, n_sme)
    if mask is not None:
        per_seed_all[~mask, :] = 0.0
    per_seed_smes, per_seed_scores = top_k_per_row(per_seed_all, top_k_per_seed)

    return AllPairsResult(
        seed_ids=seeds.doc_ids,
        sme_ids=smes.doc_ids,
        per_sme_seeds=per_sme_seeds,
        per_sme_scores=per_sme_scores,
        per_sme_bm25=per_sme_bm25,
        per_seed_smes=per_seed_smes,
        per_seed_scores=per_seed_scores,
    )
