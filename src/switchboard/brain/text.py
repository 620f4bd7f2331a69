"""Text helpers shared by the understanding modules: normalization, tokens, fuzzy keys."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

__all__ = [
    "NOT_AFTER_TITLE",
    "Token",
    "consonant_key",
    "fold_accents",
    "fuzzy_score",
    "normalize",
    "phonetic_key",
    "tokens",
    "without_fillers",
    "words",
]

#: Put before a sentence-ending punctuation pattern: a title's period ("Dr. Whitfield",
#: "Mrs. Carmen Ortiz") ends no sentence; the period after a word that merely ends in those
#: letters ("items.", "hours.") does.
NOT_AFTER_TITLE = r"(?<!\b[Dd]r)(?<!\b[Mm]r)(?<!\b[Mm]rs)(?<!\b[Mm]s)"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@functools.lru_cache(maxsize=512)
def _folded_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def fold_accents(text: str) -> str:
    """``text`` with accented Latin letters as plain ones ("Sí, mañana" → "Si, manana"), one
    character for one, so positions in it are positions in the original."""
    if text.isascii():
        return text
    return "".join(_folded_char(c) for c in text)


#: Contractions a transcript may write without their apostrophe ("its rosa dominguez",
#: "thats all"), restored so one spelling serves; left out are those that are words of their
#: own ("ill", "id", "were", "lets", "wed", "hell", "shell", "well").
_BARE_CONTRACTIONS = {
    bare: full
    for full in """it's that's what's there's here's where's who's how's i'm i've you're
    you've we're we've they're they've don't doesn't didn't can't couldn't won't wouldn't
    shouldn't isn't aren't wasn't weren't haven't hasn't y'all""".split()
    for bare in [full.replace("'", "")]
}
#: ... and a dropped "g" ("nothin' else", "I'm fixin' to"), written either way.
_BARE_CONTRACTIONS.update(
    {
        word[:-1]: word
        for word in """nothing something anything fixing going doing looking coming trying
        wondering calling thinking hoping getting working driving wanting""".split()
    }
)
_BARE_CONTRACTION_RE = re.compile(r"\b(?:" + "|".join(_BARE_CONTRACTIONS) + r")\b")


def _with_apostrophes(low: str) -> str:
    return _BARE_CONTRACTION_RE.sub(lambda m: _BARE_CONTRACTIONS[m.group(0)], low)


#: Hesitation sounds a caller puts between words ("its uh angela morales", "talk to, uh,
#: somebody"), with the comma or stop a transcript may give them.
_FILLER_WORD_RE = re.compile(r"\b(?:um+|uh+|uhm|erm|er|ah|hmm+)\b[,.]?\s*", re.IGNORECASE)


def without_fillers(text: str) -> str:
    """``text`` without its hesitation sounds ("um", "uh", "hmm")."""
    return _FILLER_WORD_RE.sub("", text)


def normalize(text: str) -> str:
    """Lowercase, fold accents, unify apostrophes (and restore the ones a transcript left out:
    "thats" → "that's"), replace punctuation (but not apostrophes) by spaces."""
    low = fold_accents(text).translate(_APOSTROPHES).lower()
    low = re.sub(r"[^a-z0-9'+ ]+", " ", low)
    low = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", low)
    return _with_apostrophes(re.sub(r"\s+", " ", low).strip())


def words(text: str) -> list[str]:
    """The normalized words of ``text``."""
    return normalize(text).split()


@dataclass(frozen=True)
class Token:
    """A word with its position in the original text."""

    word: str  # normalized
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Words of ``text`` with their character spans in the original (for verbatim slices)."""
    text = fold_accents(text).translate(_APOSTROPHES)
    out: list[Token] = []
    for match in re.finditer(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*", text):
        word = match.group(0).lower().replace("-", " ")
        for part in word.split():
            out.append(Token(_BARE_CONTRACTIONS.get(part, part), match.start(), match.end()))
    return out


_PHONETIC_RULES: tuple[tuple[str, str], ...] = (
    ("igh", "i"),
    ("ph", "f"),
    ("ck", "k"),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "si"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("y", "i"),
    ("gh", "g"),
    ("ea", "i"),
    ("ee", "i"),
    ("ie", "i"),
    ("ei", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("wh", "w"),
)


def phonetic_key(text: str) -> str:
    """A rough sound-alike key: spaces dropped, common spellings of one sound unified."""
    key = re.sub(r"[^a-z]", "", text.lower())
    for old, new in _PHONETIC_RULES:
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)  # double letters
    key = re.sub(r"(?<=[^aeiou])h", "", key)  # silent h after a consonant
    key = re.sub(r"h$", "", key)
    return key


def consonant_key(text: str) -> str:
    """The sound-alike key without its vowels, first letter kept: "dorrell" and "Doral" → "drl".

    Recognizers often get a short place name's consonants right and its vowels wrong.
    """
    key = phonetic_key(text)
    return key[:1] + re.sub(r"[aeiouyw]", "", key[1:])


def fuzzy_score(heard: str, target: str) -> float:
    """Similarity 0–100 of two short phrases, tolerant of spacing and sound-alike spellings."""
    a, b = heard.lower(), target.lower()
    scores = [
        fuzz.ratio(a, b),
        fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")),
        fuzz.ratio(phonetic_key(a), phonetic_key(b)),
    ]
    return max(scores)
