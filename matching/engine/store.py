"""Columns of an index that live in NumPy arrays, so that a saved index is mapped, not copied.

A saved index is a directory of ``.npy`` files plus ``header.json``. Processes open the arrays with
``numpy.load(..., mmap_mode="r")``: the pages come from the operating system's page cache and are
shared by every process on the host that maps the same files, so an extra web or worker process costs
only the small derived arrays and the vocabulary, not the texts and the matrices.

Python objects per document (strings in lists, dataclasses) would be copied into every process and
would cost far more than the arrays themselves: texts, ids and metadata are therefore stored as
columns here and turned into Python objects only for the rows a query shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from .fit import FIT_PROFILE_FIELDS, FIT_VALUES, DocMeta, Filters, FitProfile, ipc_key

__all__ = ["MetaColumns", "StringColumn", "TermLookup", "load_array", "save_array"]


def save_array(directory: Path, name: str, array: np.ndarray) -> None:
    """Write one array as ``<name>.npy`` (plain .npy, so that it can be mapped)."""
    np.save(directory / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)


def load_array(directory: Path, name: str, *, mmap: bool) -> np.ndarray:
    """Read ``<name>.npy``, mapped read-only when ``mmap`` (an empty array is read: nothing to map)."""
    path = directory / f"{name}.npy"
    return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)


class StringColumn(Sequence[str]):
    """A sequence of strings stored as one UTF-8 byte array and the offsets of each string in it."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def from_strings(cls, strings: Iterable[str]) -> StringColumn:
        encoded = [s.encode() for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.blob[start:end].tobytes().decode()

    def __iter__(self) -> Iterator[str]:
        data = self.blob.tobytes() if len(self.blob) < 1 << 24 else None
        for i in range(len(self)):
            start, end = int(self.offsets[i]), int(self.offsets[i + 1])
            yield (data[start:end] if data is not None else self.blob[start:end].tobytes()).decode()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StringColumn | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def save(self, directory: Path, name: str) -> None:
        save_array(directory, f"{name}.blob", self.blob)
        save_array(directory, f"{name}.offsets", self.offsets)

    @classmethod
    def load(cls, directory: Path, name: str, *, mmap: bool) -> StringColumn:
        return cls(
            load_array(directory, f"{name}.blob", mmap=mmap),
            load_array(directory, f"{name}.offsets", mmap=mmap),
        )


def term_hash(term: str) -> int:
    """A stable 64-bit hash of a term (Python's own ``hash`` differs between processes)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


class TermLookup:
    """Term -> column of a saved index without a dict per process: the terms' 64-bit hashes, sorted,
    with their columns, both mapped; a lookup is one binary search and one string comparison. A
    300,000-term dict costs each process about 40 MB; this costs none."""

    def __init__(self, terms: Sequence[str], hashes: np.ndarray, columns: np.ndarray) -> None:
        self.terms = terms
        self.hashes = hashes
        self.columns = columns

    @classmethod
    def from_terms(cls, terms: Sequence[str]) -> TermLookup:
        hashes = np.fromiter((term_hash(t) for t in terms), dtype=np.uint64, count=len(terms))
        order = np.argsort(hashes, kind="stable")
        return cls(terms, hashes[order], order.astype(np.int32))

    def get(self, term: str, default: int | None = None) -> int | None:
        key = np.uint64(term_hash(term))
        i = int(np.searchsorted(self.hashes, key))
        while i < len(self.hashes) and self.hashes[i] == key:
            column = int(self.columns[i])
            if self.terms[column] == term:
                return column
            i += 1
        return default

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __len__(self) -> int:
        return len(self.hashes)

    def save(self, directory: Path, name: str) -> None:
        save_array(directory, f"{name}.hashes", self.hashes)
        save_array(directory, f"{name}.columns", self.columns)

    @classmethod
    def load(cls, directory: Path, name: str, terms: Sequence[str], *, mmap: bool) -> TermLookup | None:
        if not (directory / f"{name}.hashes.npy").exists():
            return None
        return cls(
            terms,
            load_array(directory, f"{name}.hashes", mmap=mmap),
            load_array(directory, f"{name}.columns", mmap=mmap),
        )


_UNKNOWN = FIT_VALUES.index("unknown")
_IPC_SEPARATOR = "\x1f"


class MetaColumns(Sequence[DocMeta]):
    """Every document's :class:`~matching.engine.fit.DocMeta` as columns: the arrays the filters and
    the fit multipliers read at once, and a :class:`DocMeta` built on demand for one row (``[i]``)."""

    def __init__(
        self,
        *,
        published: np.ndarray,
        expires: np.ndarray,
        fit_codes: np.ndarray,
        has_fit: np.ndarray,
        licence_bits: np.ndarray,
        licence_names: list[str],
        company_codes: np.ndarray,
        companies: list[str],
        ipc: StringColumn,
    ) -> None:
        self.published = published
        self.expires = expires  # date ordinals, 0 = no expiry date
        self.fit_codes = fit_codes
        self.has_fit = has_fit
        self.licence_bits = licence_bits
        self.licence_names = licence_names
        self.company_codes = company_codes  # index into companies, -1 = none
        self.companies = companies
        self.ipc = ipc

    @classmethod
    def from_metas(cls, metas: Sequence[DocMeta]) -> MetaColumns:
        n = len(metas)
        licence_names = sorted({name for m in metas for name in m.licence_types})
        if len(licence_names) > 31:
            raise ValueError("at most 31 distinct licence types")
        bit = {name: 1 << i for i, name in enumerate(licence_names)}
        companies = sorted({m.company_id for m in metas if m.company_id is not None})
        company_code = {c: i for i, c in enumerate(companies)}
        unknown = (_UNKNOWN,) * len(FIT_PROFILE_FIELDS)
        return cls(
            published=np.fromiter((m.published for m in metas), bool, n),
            expires=np.fromiter(
                (m.expires_on.toordinal() if m.expires_on else 0 for m in metas), np.int32, n
            ),
            fit_codes=np.asarray([m.fit.codes() if m.fit else unknown for m in metas], dtype=np.int8).reshape(
                n, len(FIT_PROFILE_FIELDS)
            ),
            has_fit=np.fromiter((m.fit is not None for m in metas), bool, n),
            licence_bits=np.fromiter((sum(bit[t] for t in m.licence_types) for m in metas), np.int32, n),
            licence_names=licence_names,
            company_codes=np.fromiter(
                (company_code[m.company_id] if m.company_id is not None else -1 for m in metas), np.int32, n
            ),
            companies=companies,
            ipc=StringColumn.from_strings(_IPC_SEPARATOR.join(m.ipc) for m in metas),
        )

    def __len__(self) -> int:
        return len(self.published)

    @overload
    def __getitem__(self, i: int) -> DocMeta: ...

    @overload
    def __getitem__(self, i: slice) -> list[DocMeta]: ...

    def fit_at(self, i: int) -> FitProfile | None:
        """The fit profile of row ``i`` alone (what an explanation reports), without the rest of its
        :class:`DocMeta`."""
        if not self.has_fit[i]:
            return None
        codes = np.asarray(self.fit_codes[i]).tolist()  # one read of the mapped row, not one per field
        return FitProfile(
            **{name: FIT_VALUES[code] for name, code in zip(FIT_PROFILE_FIELDS, codes, strict=True)}
        )

    def __getitem__(self, i: int | slice) -> DocMeta | list[DocMeta]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        expires = int(self.expires[i])
        bits = int(self.licence_bits[i])
        company = int(self.company_codes[i])
        ipc = self.ipc[i]
        return DocMeta(
            published=bool(self.published[i]),
            expires_on=dt.date.fromordinal(expires) if expires else None,
            licence_types=frozenset(name for k, name in enumerate(self.licence_names) if bits & (1 << k)),
            company_id=self.companies[company] if company >= 0 else None,
            ipc=tuple(ipc.split(_IPC_SEPARATOR)) if ipc else (),
            fit=FitProfile(
                **{
                    name: FIT_VALUES[int(code)]
                    for name, code in zip(FIT_PROFILE_FIELDS, self.fit_codes[i], strict=True)
                }
            )
            if self.has_fit[i]
            else None,
        )

    def mask(self, filters: Filters) -> np.ndarray:
        """Boolean mask of the documents passing ``filters``, vectorised but for IPC prefixes."""
        mask = np.ones(len(self), dtype=bool)
        if filters.published_only:
            mask &= self.published
        if filters.valid_on is not None:
            mask &= (self.expires == 0) | (self.expires >= filters.valid_on.toordinal())
        if filters.licence_types is not None:
            wanted = sum(1 << k for k, name in enumerate(self.licence_names) if name in filters.licence_types)
            mask &= (self.licence_bits & wanted) != 0
        if filters.company_ids is not None:
            codes = [i for i, c in enumerate(self.companies) if c in filters.company_ids]
            mask &= np.isin(self.company_codes, np.asarray(codes, dtype=np.int32))
        if filters.ipc_prefixes is not None:
            prefixes = tuple(ipc_key(p) for p in filters.ipc_prefixes)
            mask &= np.fromiter(
                (
                    any(ipc_key(code).startswith(prefixes) for code in codes.split(_IPC_SEPARATOR) if code)
                    for codes in self.ipc
                ),
                bool,
                len(self),
            )
        return mask

    _ARRAYS = ("published", "expires", "fit_codes", "has_fit", "licence_bits", "company_codes")

    def save(self, directory: Path) -> dict[str, list[str]]:
        """Write the arrays; returns the lookup tables that go in the header."""
        for name in self._ARRAYS:
            save_array(directory, f"meta.{name}", getattr(self, name))
        self.ipc.save(directory, "meta.ipc")
        return {"licence_names": self.licence_names, "companies": self.companies}

    @classmethod
    def load(cls, directory: Path, tables: dict[str, list[str]], *, mmap: bool) -> MetaColumns:
        arrays = {name: load_array(directory, f"meta.{name}", mmap=mmap) for name in cls._ARRAYS}
        return cls(
            **arrays,
            licence_names=list(tables["licence_names"]),
            companies=list(tables["companies"]),
            ipc=StringColumn.load(directory, "meta.ipc", mmap=mmap),
        )
