"""When has the caller finished their turn? The pure decision, given one pause.

Called when the VAD has heard a short pause and the recognizer has transcribed what was said so
far in this turn. The words come first, because smart-turn (an intonation model) hears a digit
group or a list item as a finished sentence: measured on phone-band speech, "five five five"
followed by a pause scores ~0.8 "complete" (bench/turn_bench.py). Rules, in order:

1. nothing recognized                        -> complete (there is nothing to wait for)
2. the whole turn is a short complete answer ("yes", "no", "okay", ...), or it ends with a
   courtesy that closes a turn ("thank you", "thanks", "please") -> complete (smart-turn scored
   flite's "No, that's all. Thank you." 0.21 on the phone path)
3. ends with a filler ("uh", "um", ...)      -> incomplete (the caller is thinking)
4. reading out a number (digits are counted over the whole turn, because the recognizer garbles
   some digit groups: "three oh five" may come out "three ohio"):
   - a phone number is expected: some digits but fewer than 10 -> incomplete; 10 or more ->
     complete;
   - not expected: ends a run of 10 or more digits -> complete; 3 to 9 digit words (a digit
     group or two) -> incomplete
5. spelling a word (the agent asked for the letters) and the turn so far ends with a letter,
   unless the letters already make a known surname (``answered``) -> incomplete: the model
   hears each letter group as finished, and a name cut in two ("N G U" ... "Y E N") is lost
6. ends with a word no sentence ends with ("and", "my", "the", "is", ...) -> incomplete
7. the words answer what the agent asked (an office, a plan, a full name, a known reason, "no,
   that's all"), or end any turn at once (an emergency, "a real person", "are you a robot?"):
   the caller's ``answered`` predicate, from :mod:`switchboard.brain.answered` -> complete
   (smart-turn scored "I'd like to book an eye exam." ~0.3 on the phone path)
8. otherwise the model decides: probability >= threshold -> complete, else incomplete
   (no probability yet -> ask the model; the model failed -> complete, as plain VAD would).

"Incomplete" never means forever: the processor finalizes after TURN_MAX_PAUSE_SECS of pause.
(Waiting less when only the model says "incomplete" was measured and cut more callers off.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from switchboard.brain.numbers import DIGIT_WORDS, digits_from_words

FILLERS = frozenset({"uh", "um", "er", "erm", "hmm", "mm", "mhm", "ah", "eh", "uhm"})
# Words an English sentence practically never ends with: articles, possessives, prepositions,
# conjunctions, copulas. ("for" counts here only when no phone number is expected.)
DANGLING = frozenset(
    {
        "a", "an", "the", "my", "our", "your", "his", "her", "their", "and", "or", "but",
        "because", "is", "are", "to", "at", "of", "for", "on", "with", "from", "by", "about",
        "like", "its", "it's", "i", "i'm", "that's", "name's", "number's", "if", "than",
    }
)  # fmt: skip
SHORT_ANSWERS = frozenset(
    {
        "yes", "yeah", "yep", "yup", "no", "nope", "okay", "ok", "sure", "correct", "right",
        "that's right", "that's correct", "thanks", "thank you", "no thanks", "no thank you",
        "bye", "goodbye", "yes please", "please", "exactly", "perfect", "great",
    }
)  # fmt: skip
CLOSERS = frozenset({"thanks", "please", "bye", "goodbye"})
# Single digit words: "for" and "o" only count inside a run (digits_from_words does the same).
_DIGIT_WORDS = frozenset(DIGIT_WORDS) - {"for", "o"}
PHONE_DIGITS = 10


class Verdict(Enum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    ASK_MODEL = "ask_model"


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    reason: str


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def judge(
    text: str,
    probability: float | None,
    *,
    expect: str | None = None,
    threshold: float = 0.5,
    model_failed: bool = False,
    answered: bool = False,
) -> Decision:
    """Decide one pause. ``text`` is everything recognized in the turn so far.

    ``answered``: whether the words so far answer what the agent asked (rule 6).
    """
    words = _words(text)
    if not words:
        return Decision(Verdict.COMPLETE, "nothing said")
    if " ".join(words) in SHORT_ANSWERS:
        return Decision(Verdict.COMPLETE, "short answer")
    if words[-1] in CLOSERS or words[-2:] == ["thank", "you"]:
        return Decision(Verdict.COMPLETE, "closing courtesy")
    last = words[-1]
    if last in FILLERS:
        return Decision(Verdict.INCOMPLETE, "filler")
    if expect == "phone":
        digits = sum(len(run) for run in digits_from_words(" ".join(words)))
        if 0 < digits < PHONE_DIGITS:
            return Decision(Verdict.INCOMPLETE, "reading a number")
        if digits >= PHONE_DIGITS:
            return Decision(Verdict.COMPLETE, "number complete")
    else:
        runs = digits_from_words(" ".join(words))
        if runs and len(runs[-1]) >= PHONE_DIGITS and (last.isdigit() or last in _DIGIT_WORDS):
            return Decision(Verdict.COMPLETE, "number complete")
        if 3 <= sum(w in _DIGIT_WORDS for w in words) < PHONE_DIGITS:
            return Decision(Verdict.INCOMPLETE, "reading a number")
    if expect == "spelling" and len(last) == 1 and last.isalpha() and not answered:
        return Decision(Verdict.INCOMPLETE, "spelling a word")
    if last in DANGLING:
        return Decision(Verdict.INCOMPLETE, "sentence unfinished")
    if answered:
        return Decision(Verdict.COMPLETE, "answers the question")
    if probability is None:
        if model_failed:
            return Decision(Verdict.COMPLETE, "model unavailable")
        return Decision(Verdict.ASK_MODEL, "ask the model")
    if probability >= threshold:
        return Decision(Verdict.COMPLETE, "model: complete")
    return Decision(Verdict.INCOMPLETE, "model: incomplete")
