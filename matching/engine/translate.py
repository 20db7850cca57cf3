"""Cross-lingual screening: Japanese needs against English seeds and back, with JMdict.

SMEs write their needs in Japanese; large companies upload English seeds (NASA-style descriptions,
Google Patents exports). A query is translated word by word at query time and each Japanese word's
translations form **one synonym set** (Pirkola's structured query): the set's term frequency in a
document is the sum of its members' and its document frequency that of their union, so a word with many
glosses cannot outweigh the others (:meth:`~matching.engine.bm25.TermMatrix.score_groups`).

The dictionary is JMdict (EDRDG, CC BY-SA 3.0; see ``NOTICE``), shipped by the ``jamdict-data`` package
as a 325 MB SQLite database. :func:`build_table` reduces it once to a compact SQLite table (a few MB):

- keys: every kanji spelling, plus kana spellings that are the usual way to write the word (entries
  without kanji, kana marked "usually written in kana", kana with ``re_nokanji``);
- for one key, the entry whose *own spelling* has the best priority tag (news1, ichi1, spec1, gai1 ...)
  wins: ranking entries by their best spelling's priority turns 鉄 into "money";
- the first sense that applies to that spelling (sense restrictions honoured), archaic and obsolete
  senses dropped; only its glosses are kept ("to vibrate" -> "vibrate", parentheses removed).

The other way (English -> Japanese) keeps, for each English gloss word, the prioritised Japanese
spellings whose first sense it is (best priority first, at most three).

A :class:`TranslationTable` answers in microseconds (an indexed SQLite point query behind an LRU cache);
every process opens the file read-only, so no process holds the dictionary in memory. The engine takes a
:class:`Translator` as an injectable component: Django wraps it with the shipped technical glossary and
the municipality's own entries (:class:`Glossary`), which take precedence over JMdict.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .text import ENGLISH_STOP_WORDS, contains_japanese

__all__ = [
    "DEFAULT_GLOSSARY_PATH",
    "Glossary",
    "TranslatedWord",
    "TranslationTable",
    "Translator",
    "build_table",
    "configure_table_path",
    "default_table_path",
    "default_translator",
    "jmdict_source_path",
]

DEFAULT_GLOSSARY_PATH = Path(__file__).resolve().parent.parent / "data" / "technical_glossary.tsv"
TABLE_FORMAT = "kawasaki-jmdict-1"

# Priority tags of a written form, best first; news/ichi/spec/gai 1 are JMdict's "common word" marks.
_PRIORITY_ORDER = ["news1", "ichi1", "spec1", "gai1", "news2", "ichi2", "spec2", "gai2"]
_DROPPED_MISC = {"archaism", "obsolete term", "historical term", "obscure term", "rare"}
_USUALLY_KANA = "word usually written using kana alone"
_PAREN_RE = re.compile(r"\s*\([^()]*\)\s*")
_WORD_RE = re.compile(r"[a-z][a-z\-]+")


def jmdict_source_path() -> Path | None:
    """The JMdict SQLite database of the ``jamdict-data`` package, if installed."""
    try:
        import jamdict_data
    except ImportError:
        return None
    path = Path(jamdict_data.__file__).resolve().parent / "jamdict.db"
    return path if path.exists() else None


_configured_path: Path | None = None


def configure_table_path(path: Path) -> None:
    """Set where :func:`default_table_path` points (Django does this at start-up from its settings)."""
    global _configured_path
    _configured_path = Path(path)


_PROJECT_TABLE = Path(__file__).resolve().parents[2] / "var" / "jmdict-translations.sqlite3"


def default_table_path() -> Path:
    """Where the compact table lives: ``KAWASAKI_TRANSLATION_TABLE``, the configured path, or the
    project's ``var/`` (resolved once: this runs for every query without a translator of its own)."""
    env = os.environ.get("KAWASAKI_TRANSLATION_TABLE")
    if env:
        return Path(env)
    if _configured_path is not None:
        return _configured_path
    return _PROJECT_TABLE


def _priority_rank(tags: Iterable[str]) -> int:
    ranks = [_PRIORITY_ORDER.index(t) for t in tags if t in _PRIORITY_ORDER]
    return min(ranks) if ranks else len(_PRIORITY_ORDER)


def _clean_gloss(text: str) -> str:
    text = _PAREN_RE.sub(" ", text).strip()
    if text.startswith("to "):
        text = text[3:]
    return text.strip(" .;")


def build_table(source: Path, target: Path) -> Path:
    """Reduce the JMdict database at ``source`` to the compact table at ``target`` (atomically)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    kanji: dict[int, list[tuple[int, str, int]]] = {}
    for kid, idseq, text, prio in src.execute(
        "SELECT k.ID, k.idseq, k.text, group_concat(p.text) FROM Kanji k "
        "LEFT JOIN KJP p ON p.kid = k.ID GROUP BY k.ID ORDER BY k.ID"
    ):
        kanji.setdefault(idseq, []).append((kid, text, _priority_rank((prio or "").split(","))))
    kana: dict[int, list[tuple[int, str, int, bool]]] = {}
    for kid, idseq, text, nokanji, prio in src.execute(
        "SELECT k.ID, k.idseq, k.text, k.nokanji, group_concat(p.text) FROM Kana k "
        "LEFT JOIN KNP p ON p.kid = k.ID GROUP BY k.ID ORDER BY k.ID"
    ):
        kana.setdefault(idseq, []).append((kid, text, _priority_rank((prio or "").split(",")), bool(nokanji)))
    senses: dict[int, list[int]] = {}
    for sid, idseq in src.execute("SELECT ID, idseq FROM Sense ORDER BY ID"):
        senses.setdefault(idseq, []).append(sid)
    glosses: dict[int, list[str]] = {}
    for sid, text in src.execute("SELECT sid, text FROM SenseGloss WHERE lang = 'eng' ORDER BY rowid"):
        cleaned = _clean_gloss(text)
        if cleaned:
            glosses.setdefault(sid, []).append(cleaned)
    misc: dict[int, set[str]] = {}
    for sid, text in src.execute("SELECT sid, text FROM misc"):
        misc.setdefault(sid, set()).add(text)
    stagk: dict[int, set[str]] = {}
    for sid, text in src.execute("SELECT sid, text FROM stagk"):
        stagk.setdefault(sid, set()).add(text)
    stagr: dict[int, set[str]] = {}
    for sid, text in src.execute("SELECT sid, text FROM stagr"):
        stagr.setdefault(sid, set()).add(text)
    src.close()

    # key -> (priority rank of that spelling, idseq, glosses); best (lowest) rank wins.
    ja_en: dict[str, tuple[int, int, tuple[str, ...]]] = {}
    en_ja: dict[str, list[tuple[int, int, str]]] = {}

    def first_sense(idseq: int, form: str, restrictions: Mapping[int, set[str]]) -> tuple[int, list[str]]:
        for sid in senses.get(idseq, ()):
            if sid in restrictions and form not in restrictions[sid]:
                continue
            if misc.get(sid, set()) & _DROPPED_MISC:
                continue
            if sid in glosses:
                return sid, glosses[sid]
        return -1, []

    for idseq, sense_ids in senses.items():
        first_misc = misc.get(sense_ids[0], set()) if sense_ids else set()
        kanji_forms = kanji.get(idseq, [])
        keys: list[tuple[str, int, Mapping[int, set[str]]]] = [(t, r, stagk) for _k, t, r in kanji_forms]
        for _k, text, rank, nokanji in kana.get(idseq, []):
            if not kanji_forms or nokanji or _USUALLY_KANA in first_misc:
                keys.append((text, rank, stagr))
        for form, rank, restrictions in keys:
            _sid, words = first_sense(idseq, form, restrictions)
            if not words:
                continue
            best = ja_en.get(form)
            if best is None or (rank, idseq) < (best[0], best[1]):
                ja_en[form] = (rank, idseq, tuple(words))
            if rank < len(_PRIORITY_ORDER):
                for gloss in words:
                    gloss_words = gloss.lower().split()
                    if len(gloss_words) == 1 and _WORD_RE.fullmatch(gloss_words[0]):
                        en_ja.setdefault(gloss_words[0], []).append((rank, idseq, form))

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    out = sqlite3.connect(temp_name)
    out.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
    out.execute("CREATE TABLE ja_en (key TEXT PRIMARY KEY, glosses TEXT NOT NULL) WITHOUT ROWID")
    out.execute("CREATE TABLE en_ja (key TEXT PRIMARY KEY, words TEXT NOT NULL) WITHOUT ROWID")
    out.executemany("INSERT INTO ja_en VALUES (?, ?)", ((k, "\t".join(v[2])) for k, v in ja_en.items()))
    rows = []
    for word, forms in en_ja.items():
        ranked = [f for _r, _i, f in sorted(forms)]
        rows.append((word, "\t".join(list(dict.fromkeys(ranked))[:3])))
    out.executemany("INSERT INTO en_ja VALUES (?, ?)", rows)
    out.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("format", TABLE_FORMAT), ("source", "JMdict (EDRDG, CC BY-SA 3.0), jamdict-data 1.5, April 2021")],
    )
    out.commit()
    out.execute("VACUUM")
    out.close()
    os.chmod(temp_name, 0o644)
    os.replace(temp_name, target)
    return target


class TranslationTable:
    """Read-only lookups in a table written by :func:`build_table` (one connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.ja_en = lru_cache(maxsize=65536)(self._ja_en)
        self.en_ja = lru_cache(maxsize=65536)(self._en_ja)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)
            self._local.connection = connection
        return connection

    def _ja_en(self, word: str) -> tuple[str, ...]:
        row = self._connection().execute("SELECT glosses FROM ja_en WHERE key = ?", (word,)).fetchone()
        return tuple(row[0].split("\t")) if row else ()

    def _en_ja(self, word: str) -> tuple[str, ...]:
        row = self._connection().execute("SELECT words FROM en_ja WHERE key = ?", (word,)).fetchone()
        return tuple(row[0].split("\t")) if row else ()

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]


@dataclass(frozen=True)
class Glossary:
    """Technical equivalents above JMdict: Japanese term -> English terms and English term -> Japanese.

    Built from the shipped file (``matching/data/technical_glossary.tsv``) and a municipality's own
    entries; a term may be written in either language and its equivalents in the other.
    """

    ja_en: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    en_ja: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, Iterable[str]]]) -> Glossary:
        """Entries as (term, equivalents): each Japanese side maps to each English side and back."""
        ja_en: dict[str, list[str]] = {}
        en_ja: dict[str, list[str]] = {}
        for term, equivalents in pairs:
            words = [term.strip(), *(e.strip() for e in equivalents)]
            japanese = [w for w in words if w and contains_japanese(w)]
            english = [w.lower() for w in words if w and not contains_japanese(w)]
            for ja in japanese:
                ja_en.setdefault(ja, []).extend(e for e in english if e not in ja_en.get(ja, []))
            for en in english:
                en_ja.setdefault(en, []).extend(j for j in japanese if j not in en_ja.get(en, []))
        return cls({k: tuple(v) for k, v in ja_en.items() if v}, {k: tuple(v) for k, v in en_ja.items() if v})

    @classmethod
    def from_file(cls, path: Path = DEFAULT_GLOSSARY_PATH) -> Glossary:
        """Read the tab-separated glossary file: a term, then its equivalents (``#`` starts a comment)."""
        pairs = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            term, *equivalents = line.split("\t")
            pairs.append((term, equivalents))
        return cls.from_pairs(pairs)

    def merged(self, other: Glossary) -> Glossary:
        """This glossary with ``other``'s entries taking precedence for the terms it defines."""
        return Glossary({**self.ja_en, **other.ja_en}, {**self.en_ja, **other.en_ja})

    def __bool__(self) -> bool:
        return bool(self.ja_en or self.en_ja)


@dataclass(frozen=True)
class TranslatedWord:
    """One query word and what it bridges to. ``origin`` is "glossary" or "dictionary"."""

    source: str
    targets: tuple[str, ...]
    origin: str
    count: float = 1.0


# Words that carry no topic in a need: generic verbs, formal nouns, request phrasing.
JA_STOP_WORDS: frozenset[str] = frozenset(
    [
        "する",
        "できる",
        "出来る",
        "使う",
        "探す",
        "探る",
        "ある",
        "有る",
        "いる",
        "居る",
        "なる",
        "成る",
        "思う",
        "考える",
        "欲しい",
        "ほしい",
        "行う",
        "持つ",
        "こと",
        "事",
        "もの",
        "物",
        "ため",
        "為",
        "よう",
        "様",
        "など",
        "等",
        "ところ",
        "所",
        "方",
        "中",
        "今",
        "自社",
        "弊社",
        "当社",
        "製品",
        "技術",
        "使用",
        "利用",
        "活用",
        "実現",
        "開発",
        "検討",
        "希望",
        "必要",
        "可能",
        "向上",
        "改善",
        "たい",
        "見る",
        "入れる",
        "出す",
        "作る",
        "得る",
        "ない",
        "無い",
        "良い",
        "いい",
        "多い",
        "少ない",
        "高い",
        "低い",
        "新しい",
        "分野",
        "関連",
        "部分",
        "方法",
        "用途",
        "目的",
        "問題",
        "課題",
    ]
)
# Parts of speech (Sudachi, first level) never translated.
_SKIP_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接続詞", "感動詞", "代名詞", "連体詞"}
_JOINABLE_POS = {"名詞", "接頭辞", "接尾辞"}
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


class Translator:
    """Turns a query into translated words using a table, a glossary, or both.

    Japanese text (Sudachi mode C): runs of adjacent nouns are rejoined by the longest match found in
    the glossary or table (mode C splits 熱|暴走); other words are looked up by surface, normalised and
    dictionary form (verbs and adjectives by dictionary form only: inflected surfaces hit wrong
    nouns), then by their kana reading; a compound with no entry falls back to its mode A pieces.
    English text: each non-stop word is looked up in the glossary, then the English -> Japanese table.
    """

    def __init__(self, table: TranslationTable | None, glossary: Glossary | None = None) -> None:
        self.table = table
        self.glossary = glossary or Glossary()

    def with_glossary(self, glossary: Glossary) -> Translator:
        """The same table with ``glossary`` above the current one (a municipality's own entries)."""
        return Translator(self.table, self.glossary.merged(glossary))

    # -- lookups --------------------------------------------------------------------------------

    def _ja(self, word: str) -> TranslatedWord | None:
        if not word:
            return None
        found = self.glossary.ja_en.get(word)
        if found:
            return TranslatedWord(word, found, "glossary")
        if self.table is not None:
            glosses = self.table.ja_en(word)
            if glosses:
                return TranslatedWord(word, glosses, "dictionary")
        return None

    def _en(self, word: str) -> TranslatedWord | None:
        found = self.glossary.en_ja.get(word)
        if found:
            return TranslatedWord(word, found, "glossary")
        if self.table is not None:
            words = self.table.en_ja(word)
            if words:
                return TranslatedWord(word, words, "dictionary")
        return None

    # -- query translation ----------------------------------------------------------------------

    def translate(self, text: str) -> list[TranslatedWord]:
        """Translated words of ``text`` in order of first occurrence, repeated words counted."""
        if not text or not text.strip():
            return []
        words = self._translate_ja(text) if contains_japanese(text) else self._translate_en(text)
        merged: dict[str, TranslatedWord] = {}
        for w in words:
            if w.source in merged:
                old = merged[w.source]
                merged[w.source] = TranslatedWord(old.source, old.targets, old.origin, old.count + 1)
            else:
                merged[w.source] = w
        return list(merged.values())

    def _translate_en(self, text: str) -> list[TranslatedWord]:
        out = []
        lowered = text.lower()
        # Multi-word glossary terms first ("additive manufacturing"), then single words.
        for term in self.glossary.en_ja:
            if " " in term and term in lowered:
                out.append(TranslatedWord(term, self.glossary.en_ja[term], "glossary"))
        for word in _WORD_RE.findall(lowered):
            if word in ENGLISH_STOP_WORDS or len(word) < 3:
                continue
            found = self._en(word)
            if found is None and word.endswith("s"):
                found = self._en(word[:-1])
            if found is not None:
                out.append(found)
        return out

    def _translate_ja(self, text: str) -> list[TranslatedWord]:
        from .text import _sudachi_state, clean_text

        tokenizer, _dropped, mode_a = _sudachi_state()
        text = clean_text(text)
        out: list[TranslatedWord] = []
        for sentence in re.split(r"[。\n]", text):
            if not sentence.strip():
                continue
            morphemes = list(tokenizer.tokenize(sentence))
            i = 0
            while i < len(morphemes):
                m = morphemes[i]
                pos = m.part_of_speech()
                # Glossary phrases across parts of speech first (錆び|ない -> 錆びない).
                phrase = self._glossary_phrase(morphemes, i)
                if phrase is not None:
                    out.append(phrase[0])
                    i = phrase[1]
                    continue
                if pos[0] not in _JOINABLE_POS:
                    out.extend(self._single(m, mode_a))
                    i += 1
                    continue
                j = i
                while j < len(morphemes) and morphemes[j].part_of_speech()[0] in _JOINABLE_POS:
                    j += 1
                # Longest match over the noun run [i, j).
                end = j
                found = None
                while end > i + 1:
                    surface = "".join(x.surface() for x in morphemes[i:end])
                    found = self._ja(surface)
                    if found is not None:
                        break
                    end -= 1
                if found is not None and end > i + 1:
                    out.append(found)
                    i = end
                    continue
                out.extend(self._single(m, mode_a))
                i += 1
        return out

    def _glossary_phrase(self, morphemes: list, i: int) -> tuple[TranslatedWord, int] | None:
        for end in range(min(len(morphemes), i + 4), i + 1, -1):
            surface = "".join(x.surface() for x in morphemes[i:end])
            found = self.glossary.ja_en.get(surface)
            if found:
                return TranslatedWord(surface, found, "glossary"), end
        return None

    def _single(self, m, mode_a) -> list[TranslatedWord]:
        pos = m.part_of_speech()
        surface = m.surface()
        if pos[0] in _SKIP_POS or not contains_japanese(surface):
            return []
        dictionary_form = m.dictionary_form()
        if (
            dictionary_form in JA_STOP_WORDS
            or surface in JA_STOP_WORDS
            or m.normalized_form() in JA_STOP_WORDS
        ):
            return []
        if pos[0] in ("接頭辞", "接尾辞") or (pos[0] in ("動詞", "形容詞") and pos[1] == "非自立可能"):
            return []
        if pos[0] in ("動詞", "形容詞"):
            # Inflected surfaces hit wrong nouns (防ぎ -> "defence"): only the glossary sees them;
            # the dictionary is asked for the dictionary form (防ぐ -> "prevent").
            glossary_hit = self.glossary.ja_en.get(surface)
            if glossary_hit:
                return [TranslatedWord(surface, glossary_hit, "glossary")]
            candidates = [dictionary_form, m.normalized_form()]
            source = dictionary_form
        else:
            candidates = [surface, m.normalized_form(), dictionary_form]
            source = surface
        for word in dict.fromkeys(candidates):
            found = self._ja(word)
            if found is not None:
                return [TranslatedWord(source, found.targets, found.origin)]
        reading = m.reading_form().translate(_KATAKANA_TO_HIRAGANA)
        found = self._ja(reading) if reading and reading != surface else None
        if found is not None:
            return [TranslatedWord(surface, found.targets, found.origin)]
        if len(surface) > 2:
            pieces = [p for p in m.split(mode_a) if len(p.surface()) >= 2]
            if len(pieces) > 1:
                out = []
                for piece in pieces:
                    found = self._ja(piece.surface()) or self._ja(piece.normalized_form())
                    if found is not None:
                        out.append(TranslatedWord(piece.surface(), found.targets, found.origin))
                return out
        return []


_default_lock = threading.Lock()
_default: dict[Path, Translator] = {}


def default_translator(path: Path | None = None, *, build: bool = True) -> Translator:
    """The process's translator over the table at ``path`` (default :func:`default_table_path`), with
    the shipped technical glossary. The table is built from ``jamdict-data`` on first use if missing;
    without either, only the glossary translates."""
    path = path or default_table_path()
    translator = _default.get(path)
    if translator is None:
        with _default_lock:
            translator = _default.get(path)
            if translator is None:
                if not path.exists() and build:
                    source = jmdict_source_path()
                    if source is not None:
                        build_table(source, path)
                table = TranslationTable(path) if path.exists() else None
                translator = Translator(table, Glossary.from_file())
                _default[path] = translator
    return translator
