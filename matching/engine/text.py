"""Text analysis for the screening engine: cleaning, script splitting, Japanese and English terms.

Patent abstracts arrive as published: HTML entities (``&apos;``), stray markup (``<sub>``) and
full-width forms (``ＬＥＤ``) occur. :func:`clean_text` turns them into the *display text* that both
indexing and highlighting work on, so highlight offsets always point into text a page can show.

Japanese is analysed with SudachiPy (split mode C, normalised forms, so モータ and モーター are one
term, optionally with the mode A sub-tokens for partial matches such as 航空 inside 無人航空機).
Latin-script words (English, and words such as "LED" inside Japanese text) are lower-cased, stop words
are dropped and the rest are Snowball-stemmed, so "LED" means the same term in either language.

The Sudachi dictionary is memory-mapped but still costs tens of milliseconds and a few megabytes per
instance, so exactly one is created per process, lazily, and a tokenizer per thread (Sudachi tokenizers
are not safe to share between threads).
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import Stemmer

__all__ = [
    "ENGLISH_STOP_WORDS",
    "JAPANESE_STOP_TERMS",
    "Analyzer",
    "AnalyzerConfig",
    "Token",
    "clean_text",
    "contains_japanese",
    "sudachi_dictionary",
]

# Small, hand-written list: common function words plus a few words every patent uses. Kept short on
# purpose; BM25's idf already discounts frequent words, the list only removes noise from explanations.
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "etc",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "may",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "thus",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)

# Normalised forms (Sudachi ``normalized_form``) of Japanese words that carry no topic in patent
# prose: formal nouns and light verbs that survive the part-of-speech filter.
JAPANESE_STOP_TERMS: frozenset[str] = frozenset(
    ["事", "物", "為", "様", "等", "所", "又", "及び", "並びに", "若しくは", "又は", "的", "場合", "際"]
)

# Parts of speech (first level of Sudachi's POS tuple) that never carry topic words.
_DROPPED_POS: frozenset[str] = frozenset(
    ["助詞", "助動詞", "補助記号", "記号", "空白", "接続詞", "感動詞", "代名詞", "連体詞", "接頭辞", "接尾辞"]
)

# Block-level tags separate words; inline ones (CO<sub>2</sub>, <i>in situ</i>) must not split them.
_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|br|div|li|ul|ol|tr|td|th|table|h[1-6]|section|article|blockquote|pre|hr)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"<[^<>]{0,2000}>")
_SPACE_RE = re.compile(r"\s+")
# Hiragana, katakana (incl. ー), CJK ideographs and 々: any of these sends the text through Sudachi.
_JAPANESE_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]")
# A Latin "word": ASCII letters/digits and Latin-1/Extended-A/B letters (accented words stay whole).
_LATIN_WORD_RE = re.compile(r"[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
_LATIN_FULL_RE = re.compile(r"[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+\Z")
# Sudachi's yomigana plugin silently drops katakana in brackets after kanji ("無人航空機(ドローン)"
# loses ドローン), yet patents put synonyms there. Brackets become spaces: same length, so offsets hold.
_SUDACHI_BRACKETS = str.maketrans({"(": " ", ")": " ", "[": " ", "]": " "})
# Sudachi refuses inputs above ~49 KB of UTF-8; Japanese characters take 3 bytes each.
_SUDACHI_MAX_CHARS = 12_000


def clean_text(text: str | None) -> str:
    """Return the display text of ``text``: tags stripped, entities decoded, NFKC-folded, spaces collapsed.

    Tags go first so that an escaped ``&lt;b&gt;`` stays visible text rather than becoming markup.
    NFKC folds full-width Latin and digits (``ＬＥＤ`` -> ``LED``) and half-width katakana.
    """
    if not text:
        return ""
    text = _BLOCK_TAG_RE.sub(" ", text)
    text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    return _SPACE_RE.sub(" ", text).strip()


def contains_japanese(text: str) -> bool:
    """Whether ``text`` contains kana or kanji (and so needs the morphological analyser)."""
    return _JAPANESE_RE.search(text) is not None


class Token(NamedTuple):
    """One analysed term with its character span in the cleaned text it came from.

    A named tuple, not a frozen dataclass: explanations make hundreds of thousands of them in a
    portfolio run, and a tuple is several times cheaper to create."""

    term: str
    start: int
    end: int

    def surface(self, text: str) -> str:
        """The text the token covers in ``text`` (the cleaned text it was produced from)."""
        return text[self.start : self.end]


@dataclass(frozen=True)
class AnalyzerConfig:
    """Analysis options. Part of the index fingerprint: changing them requires a rebuild.

    ``japanese_subtokens`` adds Sudachi mode A pieces of longer mode C words (無人航空機 also yields
    無人 and 航空) so partial words match; single-character pieces are skipped as too ambiguous.
    """

    japanese_subtokens: bool = True
    stem_english: bool = True


# --- process-wide Sudachi singletons ------------------------------------------------------------

_dictionary_lock = threading.Lock()
_dictionary: Any = None
_thread_state = threading.local()


def sudachi_dictionary() -> Any:
    """The process's single Sudachi ``Dictionary`` (core dictionary), created on first use."""
    global _dictionary
    if _dictionary is None:
        with _dictionary_lock:
            if _dictionary is None:
                # Imported here so that English-only use never pays for loading Sudachi.
                from sudachipy import Dictionary

                _dictionary = Dictionary(dict="core")
    return _dictionary


def _sudachi_state() -> tuple[Any, Any, Any]:
    """This thread's (tokenizer, dropped-POS matcher, mode A) triple, created on first use."""
    state = getattr(_thread_state, "sudachi", None)
    if state is None:
        from sudachipy import SplitMode

        dictionary = sudachi_dictionary()
        tokenizer = dictionary.tokenizer(mode=SplitMode.C)
        dropped = dictionary.pos_matcher(
            lambda pos: (
                pos[0] in _DROPPED_POS
                or pos[1] == "数詞"
                or (pos[0] in ("動詞", "形容詞") and pos[1] == "非自立可能")
            )
        )
        state = (tokenizer, dropped, SplitMode.A)
        _thread_state.sudachi = state
    return state


@lru_cache(maxsize=1)
def _english_stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects keep an internal cache, so one per process is both correct and fastest.
    return Stemmer.Stemmer("english")


def _sudachi_chunks(text: str) -> Iterator[tuple[int, str]]:
    """Split long text at sentence ends so each piece stays under Sudachi's input limit."""
    if len(text) <= _SUDACHI_MAX_CHARS:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + _SUDACHI_MAX_CHARS)
        if end < len(text):
            cut = max(text.rfind(sep, start, end) for sep in ("。", ". ", "\n", " "))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


class Analyzer:
    """Turns text into index terms. Stateless apart from the process-wide Sudachi singletons."""

    def __init__(self, config: AnalyzerConfig | None = None) -> None:
        self.config = config or AnalyzerConfig()

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.config = state["config"]

    # -- English ---------------------------------------------------------------------------------

    def _english_words(self, words: list[str]) -> list[str]:
        # Single characters (stray letters, digits from "Figure 1") only add noise.
        kept = [w for w in words if len(w) > 1 and w not in ENGLISH_STOP_WORDS]
        if self.config.stem_english and kept:
            return _english_stemmer().stemWords(kept)
        return kept

    # -- public API --------------------------------------------------------------------------------

    def terms(self, text: str | None, *, subtokens: bool | None = None, cleaned: bool = False) -> list[str]:
        """Index terms of ``text`` in order (repeated terms repeated). Fast path used for indexing.

        ``cleaned=True`` skips :func:`clean_text` when the caller already cleaned the text.
        ``subtokens`` overrides the config's mode A setting (synonym keys are built without them).
        """
        if not cleaned:
            text = clean_text(text)
        if not text:
            return []
        if not contains_japanese(text):
            return self._english_words(_LATIN_WORD_RE.findall(text.lower()))
        return [t.term for t in self._japanese_tokens(text, subtokens)]

    def tokens(self, text: str, *, subtokens: bool | None = None) -> list[Token]:
        """Terms of an already cleaned ``text`` with their spans in it (slower; used for highlights)."""
        if not text:
            return []
        if not contains_japanese(text):
            return self._english_tokens(text, 0)
        return self._japanese_tokens(text, subtokens)

    def _english_tokens(self, text: str, offset: int) -> list[Token]:
        # The same words as _english_words, stemmed in one call: a call per word cost most of a
        # portfolio run's explanations (10,000 of them, each re-tokenising its seed's text).
        kept = [
            m
            for m in _LATIN_WORD_RE.finditer(text)
            if len(m.group()) > 1 and m.group().lower() not in ENGLISH_STOP_WORDS
        ]
        words = [m.group().lower() for m in kept]
        if self.config.stem_english and words:
            words = _english_stemmer().stemWords(words)
        return [
            Token(term, offset + m.start(), offset + m.end()) for term, m in zip(words, kept, strict=True)
        ]

    def _japanese_tokens(self, text: str, subtokens: bool | None) -> list[Token]:
        tokenizer, dropped, mode_a = _sudachi_state()
        use_subtokens = self.config.japanese_subtokens if subtokens is None else subtokens
        out: list[Token] = []
        for offset, chunk in _sudachi_chunks(text.translate(_SUDACHI_BRACKETS)):
            for morpheme in tokenizer.tokenize(chunk):
                surface = morpheme.surface()
                begin = offset + morpheme.begin()
                if _LATIN_FULL_RE.match(surface):
                    # Latin words inside Japanese text get the English treatment, so "LED" in a
                    # Japanese abstract is the same term as in an English one.
                    out.extend(self._english_tokens(surface, begin))
                    continue
                if dropped(morpheme):
                    continue
                term = morpheme.normalized_form()
                if term in JAPANESE_STOP_TERMS:
                    continue
                out.append(Token(term, begin, offset + morpheme.end()))
                if use_subtokens and len(surface) > 2:
                    pieces = morpheme.split(mode_a)
                    if len(pieces) > 1:
                        for piece in pieces:
                            piece_surface = piece.surface()
                            if len(piece_surface) < 2 or dropped(piece):
                                continue
                            piece_term = piece.normalized_form()
                            if piece_term == term or piece_term in JAPANESE_STOP_TERMS:
                                continue
                            out.append(Token(piece_term, offset + piece.begin(), offset + piece.end()))
        return out
