"""Has the caller, so far in this turn, given what the agent asked for?

The end-of-turn decision (:mod:`switchboard.pipeline.turn_policy`) asks this at each pause.
Smart-turn, an intonation model, scores many complete phone answers low ("I'd like to book an
eye exam." ~0.3 on the phone path), which used to hold the turn for the whole
TURN_MAX_PAUSE_SECS. What the words mean is a better signal when the agent has just asked a
question with a definite answer: an office, a plan, a full name. The flow already knows how
to read those, so this module only asks it.

Kept deliberately narrow. A day/time or a free-form reason may go on after a pause ("Monday...
or maybe Tuesday"), so those are left to the model and the pause limit; so is a first name
alone (the surname may follow). Some turns end at once whatever was asked: an emergency (its
instruction must come first), a request for a person, "am I talking to a robot?", and a
goodbye.
"""

from __future__ import annotations

from collections.abc import Sequence

from switchboard.brain.names import spelled_word
from switchboard.brain.understanding import (
    Understanding,
    joining_words_only,
    reason_is_known,
    understand,
)
from switchboard.common_names import is_common_surname
from switchboard.profiles import BusinessProfile

_NO_PLAN = frozenset({"none", "self-pay", "not sure"})


def answers_question(profile: BusinessProfile, text: str, expect: str | None) -> bool:
    """Whether ``text`` (the turn's words so far) completes an answer to ``expect``.

    Args:
        profile: The business (its offices, plans and services).
        text: Everything recognized in the caller's turn so far.
        expect: What the agent just asked for (a flow ``expect`` kind), or None.
    """
    if not text.strip():
        return False
    u = understand(profile, text, expect=expect)
    if u.emergency or u.human or u.robot:
        return True
    if u.question:  # a question may go on ("what are your hours ... on Saturday?")
        return False
    return _fills(profile, u, expect)


def _fills(profile: BusinessProfile, u: Understanding, expect: str | None) -> bool:
    if expect == "office":
        return u.office is not None
    if expect == "insurance":
        # a listed plan, or none / self-pay / not sure; an unlisted plan's words may go on
        return u.insurance is not None and (u.insurance.matched or u.insurance.value in _NO_PLAN)
    if expect == "name":
        return u.name is not None and bool(u.name.last)
    if expect == "last_name":
        return bool(u.last_name) or (u.name is not None and bool(u.name.last))
    if expect == "spelling":  # letters may follow a pause, unless they spell a known surname
        spelled = spelled_word(u.text)
        return spelled is not None and is_common_surname(spelled)
    if expect in ("reason", None):  # None: the greeting's open "How can I help you today?"
        return u.reason is not None and reason_is_known(profile, u.reason)
    if expect == "anything_else":  # "no, that's all"; a "yes" goes on to say what else
        return u.done
    return False


def choose_heard(
    profile: BusinessProfile, heard: str, alternatives: Sequence[str], expect: str | None
) -> str:
    """The words to act on: ``heard`` (the recognizer's pick), or else the first of the other
    readings (``alternatives``: the general LM's words, a grammar result that nearly won) that
    answers the question asked when ``heard`` does not.

    The recognizer picks by acoustic and language-model score; it cannot know that "roberto do
    you hours" answers nothing while the general model's "roberto diaz" is a full name. Only
    taken when ``heard`` says nothing the flow acts on by itself (a question, a request, a
    yes/no, a fact it matched in the profile), so a clear answer is never swapped.
    """
    if not alternatives:
        return heard
    u = understand(profile, heard, expect=expect)
    if _fills(profile, u, expect) or _says_something(profile, u):
        return heard
    for alternative in alternatives:
        if answers_question(profile, alternative, expect):
            return alternative
    return heard


def _says_something(profile: BusinessProfile, u: Understanding) -> bool:
    """Whether an utterance holds something the flow acts on besides the expected answer."""
    return bool(
        # "um": the caller has said nothing yet, whatever a grammar made of it ("and" heard
        # where another decoder heard a plan is no filler the caller said)
        (u.filler_only and not joining_words_only(u.text))
        or u.emergency
        or u.human
        or u.robot
        or u.question
        or u.change
        or u.callback
        or u.wrong_number
        or u.done
        or u.time
        or (u.reason is not None and reason_is_known(profile, u.reason))
        or u.yes is not None
        or u.office
        or (u.insurance and u.insurance.matched)
        or u.phone
        or (u.name and u.name.last)
    )
