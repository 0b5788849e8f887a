"""Normalising, checking and comparing personal names in Khmer script and Latin letters.

Two kinds of normal form:

- `clean_name()`: a name as stored (NFC, no zero-width characters, single spaces).
- `name_key()` and `number_key()`: search keys. A name key lower-cases Latin letters, folds the
  usual romanisation variants together (Chhan/Chan, Sophia/Sophea, Srei/Srey, Kh/K, doubled
  letters) and drops the Khmer signs that typists add, omit or misplace (coeng, bantoc, the
  consonant shifters). A number key keeps letters and digits only. The keys are made of plain
  string replacements, so the database computes exactly the same keys in its search index
  (`cases/name_search_sql.py` turns the same lists into SQL) and the index and the query agree.

`validate_name()` refuses what cannot be a name (digits, emoji and other symbols, a vowel sign
or coeng with no consonant before it, letters of the wrong script in a one-script field).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from statistics import fmean

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

# Zero-width characters that Khmer typists insert between words; invisible and not part of a name.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, ZERO_WIDTH))
_SPACES = re.compile(r"\s+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Khmer signs dropped from the key: the inherent vowels (invisible), the consonant shifters
# (៉ ៊), bantoc (់) and the other diacritics above or after a syllable, coeng (្, the subscript
# marker) and atthacan. They are often omitted or typed in another order; PostgreSQL's trigram
# splitter also treats them as word breaks, which would cut names into single letters.
_KHMER_SIGNS = "\u17b4\u17b5" + "".join(chr(c) for c in range(0x17C9, 0x17D4)) + "\u17dd"

NAME_SEPARATOR = "|"
# Applied in this order, after lower-casing ASCII letters. Plain replacements only: each pair
# is also a nested SQL `replace()` in the search index, and SQLite's parser limits how many
# (about 80). Changing this list changes the index: it needs a migration that runs
# `komar.cases.name_search_sql.reinstall`.
NAME_KEY_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    # Other names are separated by commas; the index keeps a woman's names apart with "|".
    (",", f" {NAME_SEPARATOR} "),
    *((ch, " ") for ch in "\u00a0-._"),
    *((ch, "") for ch in "'\u2019" + ZERO_WIDTH + _KHMER_SIGNS),
    # Two ways of typing the same Khmer vowel or sign order.
    ("\u17c1\u17b6", "\u17c4"),  # េ + ា typed for ោ
    ("\u17c1\u17b8", "\u17be"),  # េ + ី typed for ើ
    ("\u17c6\u17bb", "\u17bb\u17c6"),  # ំ before ុ
    ("\u17f2", "\u17f1"),  # ឲ and ឱ
    # A doubled consonant (a subscript once coeng is gone: ណ្ណ, ញ្ញ) is often typed single.
    *((ch + ch, ch) for ch in "ណញនមលបកតសយ"),
    # Romanisations: aspiration is written or not (Chh/Ch/C, Kh/K, Ph/P, Th/T), and so is the
    # final y (Srey/Srei, Davy/Davi); ia/ea, au/ao, ou/u, w/v, j/ch, f/ph, gn/nh; letters doubled.
    ("h", ""),
    ("y", "i"),
    ("w", "v"),
    ("j", "c"),
    ("f", "p"),
    ("ck", "k"),
    ("gn", "n"),
    ("ia", "ea"),
    ("au", "ao"),
    ("ou", "u"),
    *((ch + ch, ch) for ch in "aeiounlmk"),
)

_KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
NUMBER_KEY_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    *((ch, "") for ch in " \u00a0\t-./\\()+#:_,'" + ZERO_WIDTH),
    *((khmer, str(digit)) for digit, khmer in enumerate(_KHMER_DIGITS)),
)


def clean_name(value: str) -> str:
    """A name as stored: NFC, no zero-width characters, single spaces."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    return _SPACES.sub(" ", value).strip()


class NameProblem(StrEnum):
    """Why what was typed cannot be a person's name."""

    DIGITS = "digits"
    SYMBOL = "symbol"  # an emoji, a symbol or punctuation other than - ' .
    INVISIBLE = "invisible"  # a control or formatting character left in
    STRAY_MARK = "stray_mark"  # a vowel sign, coeng or accent with no letter before it
    NO_LETTER = "no_letter"
    NOT_KHMER = "not_khmer"  # letters of another script in the Khmer name
    NOT_LATIN = "not_latin"  # Khmer script in the name in Latin letters


# Hyphenated names, apostrophes (Cham and foreign names), initials.
NAME_PUNCTUATION = frozenset(" -'\u2019.")
# A carer may be a place too: "Children's home (Siem Reap), pagoda & school".
CARER_PUNCTUATION = NAME_PUNCTUATION | frozenset("(),&/")
_KHMER_BLOCK = range(0x1780, 0x1800)


def name_problem(
    value: str, script: str = "", punctuation: frozenset[str] = NAME_PUNCTUATION
) -> tuple[NameProblem, str] | None:
    """Why `value` (a name as `clean_name` leaves it) cannot be a name, and the character at
    fault; None if it can. `script` is "khmer" or "latin" for the name fields of one script;
    `punctuation` is what may stand between the words."""
    previous = " "
    letters = 0
    for char in value:
        category = unicodedata.category(char)
        if category[0] == "N":
            return NameProblem.DIGITS, char
        if category[0] == "C":
            return NameProblem.INVISIBLE, char
        if category[0] == "M":
            if previous in punctuation:
                return NameProblem.STRAY_MARK, char
        elif category[0] == "L":
            letters += 1
        elif char not in punctuation:
            return NameProblem.SYMBOL, char
        previous = char
    if not letters:
        return NameProblem.NO_LETTER, ""
    for char in value:
        khmer = ord(char) in _KHMER_BLOCK
        if script == "khmer" and unicodedata.category(char)[0] in "LM" and not khmer:
            return NameProblem.NOT_KHMER, char
        if script == "latin" and khmer:
            return NameProblem.NOT_LATIN, char
        if script == "latin" and char.isalpha() and "LATIN" not in unicodedata.name(char, ""):
            return NameProblem.NOT_LATIN, char
    return None


def validate_name(
    value: str, script: str = "", punctuation: frozenset[str] = NAME_PUNCTUATION
) -> None:
    """ValidationError, in words, if `value` cannot be a person's name (see `name_problem`);
    nothing for an empty value (whether a name is required is the form's business)."""
    if not value:
        return
    found = name_problem(value, script, punctuation)
    if found is None:
        return
    problem, char = found
    messages = {
        NameProblem.DIGITS: _("A name has no digits. Check what was typed."),
        NameProblem.SYMBOL: _("A name is made of letters: “%(char)s” cannot be part of it."),
        NameProblem.INVISIBLE: _(
            "This name holds a character that cannot be seen or printed. Type the name again."
        ),
        NameProblem.STRAY_MARK: _(
            "This is not a name: a vowel sign or other mark must follow a letter."
        ),
        NameProblem.NO_LETTER: _("This is not a name: it has no letters."),
        NameProblem.NOT_KHMER: _(
            "Write the name in Khmer script here. The name in Latin letters has its own box."
        ),
        NameProblem.NOT_LATIN: _(
            "Write the name in Latin letters here. The name in Khmer script has its own box."
        ),
    }
    raise ValidationError(messages[problem] % {"char": char}, code=problem.value)


def validate_names(value: str) -> None:
    """As `validate_name`, for names separated by commas (her other names)."""
    for name in value.split(","):
        if name.strip():
            validate_name(name.strip())


def _replace_all(value: str, replacements: Iterable[tuple[str, str]]) -> str:
    value = value.translate(_ASCII_LOWER)
    for old, new in replacements:
        value = value.replace(old, new)
    return value


def name_key(value: str) -> str:
    """The search key of a name, or of names joined by commas (kept apart by "|").

    Exactly what the database computes for the index; the stored names are clean already, so
    this does not apply `clean_name` (queries go through `query_name_key`)."""
    return _replace_all(value, NAME_KEY_REPLACEMENTS).strip(" ")


def number_key(value: str) -> str:
    """The search key of a document or phone number: letters and digits only."""
    return _replace_all(value, NUMBER_KEY_REPLACEMENTS).strip(" ")


def query_name_key(query: str) -> str:
    """The name key of what someone typed into a search box: one name, words in any order."""
    return " ".join(name_key(clean_name(query)).replace(NAME_SEPARATOR, " ").split())


def trigrams(key: str) -> list[str]:
    """The distinct three-character pieces of each word of a key padded with spaces (" so",
    "sop", ..., "ea " for "sopea"), in order, as the index holds the words of a name."""
    seen: dict[str, None] = {}
    for word in key.split():
        padded = f" {word} "
        for i in range(len(padded) - 2):
            seen.setdefault(padded[i : i + 3], None)
    return list(seen)


def phone_core(number: str) -> str:
    """A Cambodian phone number without its trunk or country prefix (012 345 678 and
    +855 12 345 678 both give "12345678"), or "" if `number` (a number key) is not one."""
    if not number.isdigit():
        return ""
    for prefix in ("00855", "855", "0"):
        if number.startswith(prefix):
            core = number[len(prefix) :]
            return core if 8 <= len(core) <= 9 and not core.startswith("0") else ""
    return ""


def split_names(names_key: str) -> list[str]:
    """The separate names in an index entry ("ចាន សុភា | can sopea | ...")."""
    return [n.strip() for n in names_key.split(NAME_SEPARATOR) if n.strip()]


# Comparing keys, any letter doubled counts as single (the index folds only the usual ones), and
# a word's final stop is written voiced or not (Sopheap/Sopheab).
_DOUBLED = re.compile(r"([^ ])\1+")
_FINAL_STOP = re.compile(r"[bdg](?= |$)")
_VOICELESS = {"b": "p", "d": "t", "g": "k"}
_KHMER = re.compile("[\u1780-\u17ff]")


@dataclass(frozen=True)
class _Compared:
    words: tuple[str, ...]
    joined: str  # without spaces
    sorted_words: str
    khmer: bool


@lru_cache(maxsize=4096)
def _compared(key: str) -> _Compared:
    folded = _FINAL_STOP.sub(lambda m: _VOICELESS[m.group()], _DOUBLED.sub(r"\1", key))
    words = tuple(folded.split())
    return _Compared(words, "".join(words), " ".join(sorted(words)), bool(_KHMER.search(key)))


def _whole(a: _Compared, b: _Compared) -> float:
    if not a.joined or not b.joined or a.khmer != b.khmer:
        return 0.0
    return max(fuzz.ratio(a.joined, b.joined), fuzz.ratio(a.sorted_words, b.sorted_words)) / 100


def key_similarity(a: str, b: str) -> float:
    """0..1: how alike two whole name keys are, ignoring spacing and word order (0 for names
    in different scripts)."""
    return _whole(_compared(a), _compared(b))


# The same names come back again and again (a few hundred given and family names).
@lru_cache(maxsize=65536)
def match_score(query: str, name: str) -> float:
    """0..1: how well a search (a query name key) finds a name key.

    As `key_similarity`, and a query that is part of the name also scores high: its words found
    (nearly) among the name's words, or its letters inside a name written without spaces."""
    q, n = _compared(query), _compared(name)
    whole = _whole(q, n)
    if not whole:
        return 0.0
    words = fmean(max(fuzz.ratio(w, v) for v in n.words) for w in q.words) / 100
    inside = 0.0
    if 3 <= len(q.joined) <= len(n.joined):
        inside = fuzz.partial_ratio(q.joined, n.joined) / 100
    return max(whole, 0.95 * words, 0.9 * inside)


def similarity(a: str, b: str) -> float:
    """0..1: how alike two names are, ignoring case, spacing, word order and the usual
    differences of spelling (see `name_key`)."""
    return key_similarity(query_name_key(a), query_name_key(b))
