"""Phone numbers said in digits or in words ("five one two, five five five, oh one nine nine")."""

from __future__ import annotations

import re

import phonenumbers

from switchboard.brain.text import normalize
from switchboard.number_words import DIGIT_NAMES, ZERO_WORDS

__all__ = ["digits_from_words", "extract_phone", "number_begun", "spoken_digits"]

DIGIT_WORDS = {
    **{name: str(digit) for digit, name in enumerate(DIGIT_NAMES)},
    **dict.fromkeys(ZERO_WORDS, "0"),
    "o": "0",  # these two count only inside a number (see digits_from_words)
    "for": "4",
}
TEEN_WORDS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
TENS_WORDS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
# Words a recognizer writes for a digit inside a number ("oh want four two" for "oh one four
# two"): read as that digit only between two digits of a run.
_SOUNDALIKES = {"want": "1", "won": "1", "to": "2", "too": "2", "ate": "8"}
REPEATERS = {"double": 2, "triple": 3}
# Digit words that are everyday words too ("o", "for"): a digit only once a run has begun.
_DIGITS_ONLY_IN_A_RUN = frozenset({"o", "for"})
# Words that may sit inside a spoken number without breaking it.
_JOINERS = {"dash", "and", "then"}  # "area code 512, then 555, 0198"


def digits_from_words(text: str) -> list[str]:
    """Runs of digits in ``text``, with number words turned into digits.

    "five one two, five five five, oh one nine nine" → ["5125550199"];
    "my cell is 512-555-0199" → ["5125550199"]; "double five" → "55"; "ninety nine" → "99".
    Punctuation and "dash" do not break a run; any other word does.
    """
    words = normalize(text.replace("-", " ")).split()
    runs: list[str] = []
    current = ""
    repeat = 1
    index = 0
    while index < len(words):
        word = words[index]
        piece: str | None = None
        if word.isdigit():
            piece = word
        elif word.startswith("+") and word[1:].isdigit():
            piece = word[1:]
        elif word in DIGIT_WORDS and (word not in _DIGITS_ONLY_IN_A_RUN or current):
            piece = DIGIT_WORDS[word]
        elif word in _SOUNDALIKES and current and _is_digit_word(words, index + 1):
            piece = _SOUNDALIKES[word]
        elif word in TEEN_WORDS:
            piece = TEEN_WORDS[word]
        elif word in TENS_WORDS:
            nxt = words[index + 1] if index + 1 < len(words) else ""
            if nxt in DIGIT_WORDS and nxt not in ("oh", "o", "zero", "for"):
                piece = TENS_WORDS[word] + DIGIT_WORDS[nxt]
                index += 1
            else:
                piece = TENS_WORDS[word] + "0"
        elif word == "hundred" and current:
            piece = "00"
        elif word == "thousand" and current:
            piece = "000"
        elif word in REPEATERS:
            repeat = REPEATERS[word]
            index += 1
            continue
        elif word in _JOINERS and current:
            index += 1
            continue
        if piece is None:
            if current:
                runs.append(current)
            current = ""
            repeat = 1
        else:
            current += piece[0] * (repeat - 1) + piece if len(piece) == 1 else piece
            repeat = 1
        index += 1
    if current:
        runs.append(current)
    return runs


def _is_digit_word(words: list[str], index: int) -> bool:
    word = words[index] if index < len(words) else ""
    return word.isdigit() or (word in DIGIT_WORDS and word not in _DIGITS_ONLY_IN_A_RUN)


def extract_phone(
    text: str, *, region: str = "US", default_number: str | None = None
) -> str | None:
    """The phone number said in ``text`` as E.164, or None.

    Args:
        text: What the caller said.
        region: Region for numbers said without a country code.
        default_number: The caller-ID; a seven-digit local number borrows its area code.
    """
    runs = digits_from_words(text)
    found = _valid_numbers(runs, region=region, default_number=default_number)
    if not found:
        return None
    # "It's 786 555 0139. No wait, I mixed it up … 786 555 0193.": the number said again
    # after a correction is the one meant; otherwise the first one said is.
    return found[-1] if len(found) > 1 and _CORRECTION_RE.search(text.lower()) else found[0]


#: Words that say a phone number is being given ("my cell is 737 555…", "area code 786").
_NUMBER_CUE_RE = re.compile(
    r"\b(?:cell|mobile|phone|area code|(?:call|reach|text) me (?:back )?(?:at|on)|(?:my|the|best|"
    r"callback|home|work|other|new) number)\b"
)
#: Numbers that are no phone number: a member ID, a policy, an account.
_OTHER_NUMBER_RE = re.compile(r"\b(?:member|policy|id|account|group|claim|order|confirmation)\b")


def number_begun(text: str) -> str:
    """The digits of a phone number begun but not finished ("My cell is 737 555…", "area
    code seven eight six…"), or "": an area code, or an area code and exchange (three or six
    digits), closing what was said, with a word that says it is a phone number. (A number
    with a digit misheard, "three zero five five five five zero with four two", is no
    beginning: the whole number is asked for again.)"""
    if extract_phone(text) is not None:
        return ""
    low = text.lower()
    if _OTHER_NUMBER_RE.search(low) or not _NUMBER_CUE_RE.search(low):
        return ""
    runs = digits_from_words(text)
    if not runs or len(runs[-1]) not in (3, 6):
        return ""
    last_digit = max(low.rfind(c) for c in "0123456789") if re.search(r"\d", low) else -1
    tail = low[last_digit + 1 :] if last_digit >= 0 else _after_last_number_word(low)
    return runs[-1] if not re.search(r"[a-z]", tail) else ""


def _after_last_number_word(low: str) -> str:
    """What follows the last number word ("… seven eight six..." → "...")."""
    words = list(re.finditer(r"[a-z]+", low))
    for match in reversed(words):
        if match.group(0) in DIGIT_WORDS or match.group(0) in ("double", "triple"):
            return low[match.end() :]
    return low


#: Words that take back what was just said.
_CORRECTION_RE = re.compile(
    r"\b(?:no wait|wait|sorry|i mean|actually|mixed (?:it|them|that) up|scratch that|"
    r"correction|let me correct|my mistake|my bad|i messed up|not (?:that|the first) one)\b"
)


def _valid_numbers(runs: list[str], *, region: str, default_number: str | None) -> list[str]:
    """The valid phone numbers among the digit runs, as E.164, in the order said."""
    found: list[str] = []
    for run in runs:
        candidates = [run]
        # A seven-digit local number borrows the caller-ID's area code, unless more digits
        # were said beside it: "three zero five five five five zero [one] four two" with a
        # digit misheard is a broken ten-digit number, not 305-5550 in the caller's area.
        others = sum(len(r) for r in runs) - len(run)
        if len(run) == 7 and default_number and others < 2:
            national = phonenumbers.parse(default_number, region).national_number
            candidates.append(str(national)[:3] + run)
        if len(run) > 11:
            # "it ends 0193. 786 555 0193": digits said before a whole number run into it
            candidates.append(run[-10:])
        for candidate in candidates:
            if len(candidate) < 10:
                continue
            try:
                parsed = phonenumbers.parse(candidate, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed):
                number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
                if number not in found:
                    found.append(number)
                break
    return found


def spoken_digits(number: str, *, region: str = "US") -> str:
    """A number for reading back digit by digit: "+13055550123" → "3 0 5, 5 5 5, 0 1 2 3".

    The country code is dropped for numbers of ``region``; groups follow the national format.
    """
    try:
        parsed = phonenumbers.parse(number, region)
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        national = number
    groups = [g for g in re.split(r"\D+", national) if g]
    return ", ".join(" ".join(group) for group in groups)
