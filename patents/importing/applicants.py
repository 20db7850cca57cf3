"""Whose rows are these? A row's applicants compared with the importing company's names and aliases.

Names are compared by their comparison key (`patents.models.company_name_key`: width- and case-folded,
punctuation and legal form removed), so "Google Inc.", "GOOGLE INC." and "Google LLC" are one name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MAX_LISTED = 50  # other applicants named in the report; the count covers them all


@dataclass
class ApplicantCheck:
    """The company's name keys; remembers, per other applicant, how many rows and the first row."""

    keys: frozenset[str]
    key_of: Callable[[str], str]
    found: dict[str, dict] = field(default_factory=dict)
    count: int = 0

    @classmethod
    def for_names(cls, names: Iterable[str], key_of: Callable[[str], str]) -> ApplicantCheck:
        return cls(frozenset(k for k in (key_of(n) for n in names if n) if k), key_of)

    def _ours(self, name: str) -> bool:
        key = self.key_of(name)
        # "川崎電機 知的財産部" is still 川崎電機: a company key followed by more words counts.
        return any(key == own or key.startswith(own + " ") for own in self.keys)

    def other(self, applicants: str) -> str | None:
        """The applicants as written when none of them is the company; None for its own or unknown."""
        names = [n.strip() for n in (applicants or "").splitlines() if n.strip()]
        if not names or not self.keys or any(self._ours(n) for n in names):
            return None
        return "; ".join(names)

    def note(self, row: int, applicants: str) -> None:
        """Count one row of another applicant for the report."""
        self.count += 1
        key = self.key_of(applicants)  # "Google Inc." and "GOOGLE INC." are one line of the report
        entry = self.found.get(key)
        if entry is None:
            if len(self.found) >= MAX_LISTED:
                return
            entry = self.found[key] = {"name": applicants[:200], "rows": 0, "first_row": row}
        entry["rows"] += 1

    def report(self) -> list[dict]:
        return sorted(self.found.values(), key=lambda e: (-e["rows"], e["first_row"]))
