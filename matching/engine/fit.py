"""The SME-fit profile of a seed, how it adjusts the relevance score, and the metadata filters.

The programme's experience is that a patent suits an SME when it has clear uses, contributes directly
to a product, adds value to existing products easily, needs no big development effort, comes with a
prototype or experiment data, and does not fit only a large business. Each seed carries those six
criteria as "yes" / "partly" / "no" / "unknown".

The adjustment is multiplicative: ``final = bm25 * max(floor, 1 + adjustment)``. Multiplying keeps
relevance in charge (an irrelevant seed stays at zero however well it fits) and makes the adjustment
mean the same on every query, whose BM25 scales differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "FIT_PROFILE_FIELDS",
    "FIT_VALUES",
    "DocMeta",
    "Filters",
    "FitProfile",
    "FitSettings",
    "filter_mask",
    "fit_adjustment",
    "fit_multipliers",
]

# The engine's names of the six criteria: FitProfile's fields and the columns of the index's profile
# matrix, in the programme's order (the order of patents.models.FIT_CRITERIA, which the adapter in
# matching/indexing.py pairs them with).
FIT_PROFILE_FIELDS: tuple[str, ...] = (
    "clear_use",
    "direct_contribution",
    "adds_value_easily",
    "low_development_effort",
    "prototype_or_data_exists",
    "not_large_business_only",
)
FIT_VALUES: tuple[str, ...] = ("yes", "partly", "no", "unknown")
# Integer codes used in the index's (n_docs, 6) int8 profile matrix; index into FIT_VALUES.
_CODE = {value: code for code, value in enumerate(FIT_VALUES)}
_LARGE_ONLY = FIT_PROFILE_FIELDS.index("not_large_business_only")


@dataclass(frozen=True)
class FitProfile:
    """A seed's six SME-fit criteria, each "yes", "partly", "no" or "unknown"."""

    clear_use: str = "unknown"
    direct_contribution: str = "unknown"
    adds_value_easily: str = "unknown"
    low_development_effort: str = "unknown"
    prototype_or_data_exists: str = "unknown"
    not_large_business_only: str = "unknown"

    def __post_init__(self) -> None:
        for name in FIT_PROFILE_FIELDS:
            if getattr(self, name) not in _CODE:
                raise ValueError(f"{name} must be one of {FIT_VALUES}, got {getattr(self, name)!r}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, str] | None) -> FitProfile:
        """Build from a dict; missing criteria are "unknown", unknown keys are an error."""
        values = dict(values or {})
        extra = set(values) - set(FIT_PROFILE_FIELDS)
        if extra:
            raise ValueError(f"unknown fit criteria: {sorted(extra)}")
        return cls(**values)

    def codes(self) -> tuple[int, ...]:
        """The profile as integer codes (index into :data:`FIT_VALUES`), in :data:`FIT_PROFILE_FIELDS` order."""
        return tuple(_CODE[getattr(self, name)] for name in FIT_PROFILE_FIELDS)

    def as_dict(self) -> dict[str, str]:
        """Criterion name -> value."""
        return {name: getattr(self, name) for name in FIT_PROFILE_FIELDS}


@dataclass(frozen=True)
class FitSettings:
    """Weights of the fit adjustment. Defaults are deliberately mild: fit reorders near-equals.

    - ``criterion_weight`` (0.05): each criterion answered "yes" raises the final score by 5 %,
      so a seed meeting all six scores 30 % above the same text with an unknown profile.
    - ``partly_factor`` (0.5): "partly" counts as half a "yes".
    - ``no_weight`` (0.0): what a "no" on the first five criteria adds (0: a "no" is only a missed
      bonus, because coordinators often record "no" where they mean "not yet shown").
    - ``large_business_only_penalty`` (0.3): "not_large_business_only" == "no" (the seed fits only a
      large business) lowers the final score by 30 %, instead of counting as a missed criterion.
    - ``floor`` (0.05): the multiplier never drops below this, so a relevant seed never vanishes.
    - ``enabled``: False scores pure relevance (for evaluation and for the seed -> SMEs direction).
    """

    criterion_weight: float = 0.05
    partly_factor: float = 0.5
    no_weight: float = 0.0
    large_business_only_penalty: float = 0.3
    floor: float = 0.05
    enabled: bool = True

    def value_weights(self) -> np.ndarray:
        """(6, 4) table: adjustment contributed by criterion i having value code j."""
        per_value = [self.criterion_weight, self.criterion_weight * self.partly_factor, self.no_weight, 0.0]
        table = np.tile(np.asarray(per_value, dtype=np.float64), (len(FIT_PROFILE_FIELDS), 1))
        table[_LARGE_ONLY, _CODE["no"]] = -self.large_business_only_penalty
        return table


def fit_adjustment(profile: FitProfile | None, settings: FitSettings) -> float:
    """The additive adjustment for one profile (0.0 for no profile or disabled fit)."""
    if profile is None or not settings.enabled:
        return 0.0
    table = settings.value_weights()
    return float(sum(table[i, code] for i, code in enumerate(profile.codes())))


def fit_multipliers(codes: np.ndarray, settings: FitSettings) -> np.ndarray:
    """Vectorised ``max(floor, 1 + adjustment)`` for an (n_docs, 6) int8 code matrix."""
    if not settings.enabled or codes.shape[0] == 0:
        return np.ones(codes.shape[0], dtype=np.float32)
    table = settings.value_weights()
    adjustment = table[np.arange(len(FIT_PROFILE_FIELDS)), codes.astype(np.intp)].sum(axis=1)
    return np.maximum(settings.floor, 1.0 + adjustment).astype(np.float32)


@dataclass(frozen=True)
class DocMeta:
    """What the filters and the fit adjustment know about an indexed document (a seed).

    ``expires_on`` is the last day the right is in force. ``ipc`` holds classification codes such
    as "G01N 25/72"; spaces are ignored when matching prefixes.
    """

    published: bool = True
    expires_on: dt.date | None = None
    licence_types: frozenset[str] = frozenset()
    company_id: str | None = None
    ipc: tuple[str, ...] = ()
    fit: FitProfile | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-safe dict (used in the saved index and in the content fingerprint)."""
        return {
            "published": self.published,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "licence_types": sorted(self.licence_types),
            "company_id": self.company_id,
            "ipc": list(self.ipc),
            "fit": self.fit.as_dict() if self.fit else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DocMeta:
        """Inverse of :meth:`to_json`."""
        expires = data.get("expires_on")
        fit = data.get("fit")
        return cls(
            published=bool(data.get("published", True)),
            expires_on=dt.date.fromisoformat(str(expires)) if expires else None,
            licence_types=frozenset(data.get("licence_types") or ()),  # type: ignore[arg-type]
            company_id=None if data.get("company_id") is None else str(data["company_id"]),
            ipc=tuple(data.get("ipc") or ()),  # type: ignore[arg-type]
            fit=FitProfile.from_mapping(fit) if fit else None,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Filters:
    """Which documents may appear. ``None`` means "do not filter on this".

    - ``published_only`` (True): unpublished seeds never appear unless the caller says so.
    - ``valid_on``: drop seeds whose ``expires_on`` is before this date (no expiry date = kept).
    - ``licence_types``: keep seeds offering at least one of these.
    - ``company_ids``: keep seeds of these companies.
    - ``ipc_prefixes``: keep seeds with an IPC code starting with one of these ("G01N", "H04L12").
    """

    published_only: bool = True
    valid_on: dt.date | None = None
    licence_types: frozenset[str] | None = None
    company_ids: frozenset[str] | None = None
    ipc_prefixes: tuple[str, ...] | None = None

    def is_trivial(self) -> bool:
        """Whether the filters keep every document (lets the engine skip building a mask)."""
        return not self.published_only and all(
            getattr(self, f.name) is None for f in fields(self) if f.name != "published_only"
        )


def ipc_key(code: str) -> str:
    """An IPC code as compared with a prefix: no spaces, upper case."""
    return code.replace(" ", "").upper()


_ipc_key = ipc_key


def filter_mask(
    metas: list[DocMeta], filters: Filters, published: np.ndarray, expires: np.ndarray
) -> np.ndarray:
    """Boolean mask of documents that pass ``filters``.

    ``published`` and ``expires`` (date ordinals, 0 = no expiry) are the index's precomputed arrays,
    so the common filters are vectorised; the rarer set-valued ones loop over ``metas``.
    """
    mask = np.ones(len(metas), dtype=bool)
    if filters.published_only:
        mask &= published
    if filters.valid_on is not None:
        mask &= (expires == 0) | (expires >= filters.valid_on.toordinal())
    if filters.licence_types is not None:
        wanted = filters.licence_types
        mask &= np.fromiter((not wanted.isdisjoint(m.licence_types) for m in metas), bool, len(metas))
    if filters.company_ids is not None:
        companies = filters.company_ids
        mask &= np.fromiter((m.company_id in companies for m in metas), bool, len(metas))
    if filters.ipc_prefixes is not None:
        prefixes = tuple(_ipc_key(p) for p in filters.ipc_prefixes)
        mask &= np.fromiter(
            (any(_ipc_key(code).startswith(prefixes) for code in m.ipc) for m in metas), bool, len(metas)
        )
    return mask
