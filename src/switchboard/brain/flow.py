"""The directed appointment-request flow (C4.2): a pure, synchronous state machine.

``start`` greets, ``step`` takes one caller utterance, ``on_silence`` / ``on_failure`` /
``on_hangup`` handle the call's other events. State is an immutable value; every function
returns a new one. The promises of C4.2 hold by construction:

- Every line the agent says is a profile phrase (checked on load for forbidden claims), a
  profile fact, or the caller's own words with forbidden claim words removed; a final check
  refuses any reply that still contains one.
- Dates are never computed for speech: ``resolved_date`` is stored for staff only.
- An office is confirmed by its own name; the office list is said only when nothing matched.
- Until the request is complete every reply ends with the next question; goodbye is said only
  after "anything else?" has been answered (or when the caller says goodbye).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from switchboard.brain.knowledge import (
    HOLIDAY_HOURS,
    PROVIDER_SCHEDULE,
    office_fact,
    service_named,
)
from switchboard.brain.names import NOT_NAME, loose_name, spelled_word
from switchboard.brain.numbers import (
    digits_from_words,
    extract_phone,
    number_begun,
    spoken_digits,
)
from switchboard.brain.replies import (
    expect_phrases,
    fill,
    goodbye_text,
    join_ack,
    message_words,
    office_list,
    recap_request,
    safe_caller_words,
    unforbidden,
)
from switchboard.brain.text import consonant_key, fuzzy_score, normalize
from switchboard.brain.understanding import Understanding, is_emergency, understand
from switchboard.common_names import is_common_first_name, is_common_surname
from switchboard.postcall.dates import resolve_date
from switchboard.profiles import BusinessProfile

__all__ = [
    "OUTCOMES",
    "CallRequest",
    "FlowState",
    "Reply",
    "on_failure",
    "on_hangup",
    "on_silence",
    "start",
    "step",
]

OUTCOMES = (
    "request_captured",
    "question_answered",
    "message_taken",
    "transferred",
    "emergency",
    "no_request",
    "abandoned",
)
MAX_NOT_UNDERSTOOD = 3
MAX_FAILURES = 2
MAX_REASON_ASKS = 2  # then the flow moves on; staff ask on the callback
MAX_NAME_MISSES = 2  # name answers heard but not understood; then the flow moves on
MAX_NAME_ASKS = 3  # name questions in all (also re-asked after other facts); then move on
MAX_OFFICE_MISSES = 2  # answers to the office question with no office in them; then move on
MAX_OFFICE_ASKS = 3  # office questions in all (also re-asked after other facts); then move on


@dataclass(frozen=True)
class CallRequest:
    """The appointment request as the flow fills it (C5.2)."""

    patient_name: str = ""
    first_name: str = ""
    last_name: str = ""
    callback_number: str = ""  # E.164; the caller-ID unless the caller gave another
    phone_confirmed: bool = False  # read back and not corrected
    office: str = ""  # the office's profile name
    office_id: str = ""
    reason: str = ""  # the caller's words
    insurance: str = ""  # plan's profile name when matched; "none", "self-pay", or as said
    preferred_time: str = ""  # verbatim
    resolved_date: str | None = None  # ISO date for staff; never spoken

    @property
    def complete(self) -> bool:
        """Whether every fact the flow asks for is present (insurance may be "none")."""
        return bool(self.reason and self.office_id and self.first_name and self.last_name) and bool(
            self.preferred_time
        )


@dataclass(frozen=True)
class Reply:
    """What the agent says next, and what should happen after it plays."""

    text: str
    end_call: bool = False  # hang up after it plays
    transfer: bool = False  # transfer to the front desk after it plays
    expect: str | None = None  # what the agent just asked for
    expect_phrases: list[str] = field(default_factory=list)  # hints for the recognizer


@dataclass(frozen=True)
class FlowState:
    """Everything the flow knows about the call so far."""

    request: CallRequest
    outcome: str = "no_request"
    questions: list[str] = field(default_factory=list)  # noted for staff
    message: str = ""  # reschedule/cancel message for staff
    caller_id: str = ""
    local_offices: frozenset[str] = frozenset()  # the region of the line the caller rang
    now: datetime | None = None
    mode: str = "open"  # open | booking | message | wrap_up | ended
    expect: str | None = None
    prompt: str = ""  # the last question asked, to repeat after a detour
    last_said: str = ""  # the agent's last reply, said again when the caller asks
    last_heard: str = ""  # the caller's last utterance (a sign told over two turns)
    name_said: bool = False  # the agent has said the caller's first name back
    patient_is_other: bool = False  # the name is a family member's: not said to the caller
    message_after_request: bool = False  # a message left once the request was complete
    insurance_asked: bool = False
    phone_stated: bool = False  # the number was read back; the next utterance may correct it
    phone_digits: str = ""  # a callback number begun ("my cell is 737 555…"), its rest to come
    pending_fact: str | None = None  # hours/address/phone asked before an office was named
    discussed_office_id: str = ""  # the office whose facts were last given ("book there")
    discussed_office: str = ""  # its name
    discussed_service: str = ""  # the service a question was just answered about ("set it up")
    reschedule: bool = False  # the message moves a visit: its new time is asked for once
    new_time_asked: bool = False
    reprompts: int = 0
    reason_asks: int = 0  # times the visit reason was asked for; it is not asked forever
    not_understood: int = 0
    name_misses: int = 0  # answers to the name question that held no name
    heard_name: str = ""  # the words of the first such answer, kept for staff
    office_misses: int = 0  # answers to the office question that named no office
    office_asks: int = 0  # times the flow asked for the office
    name_asks: int = 0  # times the flow asked for the name (or the last name)
    spelling_asked: bool = False  # the caller was asked to spell the last name (once per call)
    failures: int = 0
    answered: int = 0
    emergency: bool = False
    transferred: bool = False
    ended: bool = False
    turns: int = 0


def _reply(profile: BusinessProfile, text: str, expect: str | None = None, **flags) -> Reply:
    return Reply(
        text=unforbidden(text),
        expect=expect,
        expect_phrases=expect_phrases(profile, expect),
        **flags,
    )


def start(
    profile: BusinessProfile, *, caller_id: str, now: datetime, called_number: str = ""
) -> tuple[FlowState, Reply]:
    """Greet the caller; the request starts with the carrier caller-ID as callback number.
    ``called_number`` (the business line rung) tells which region's offices are local."""
    state = FlowState(
        request=CallRequest(callback_number=caller_id or ""),
        caller_id=caller_id or "",
        local_offices=profile.offices_for_line(called_number),
        now=now,
        prompt=profile.phrases.ask_reason,
        last_said=profile.greeting,
    )
    return state, _reply(profile, profile.greeting)


def staff_notes(state: FlowState) -> list[str]:
    """What the call keeps for staff beside the request: the questions noted, and a message
    that is not already the request's reason ("my wife needs to cancel Thursday", left after
    the request was complete)."""
    notes = list(state.questions)
    if state.message and state.message != state.request.reason:
        notes.append(f"Message: {state.message}")
    return notes


def _outcome(state: FlowState) -> str:
    if state.transferred:
        return "transferred"
    if state.emergency:
        return "emergency"
    if state.message and state.request.reason == state.message:
        return "message_taken"  # the reason is the message itself, not a visit asked for
    if state.request.complete or _complete_but_reason(state):
        return "request_captured"
    if state.message:
        return "message_taken"
    if state.answered:
        return "question_answered"
    if state.questions:
        return "message_taken"  # only unanswered questions: staff call back
    return "no_request"


def _complete_but_reason(state: FlowState) -> bool:
    """A request whose reason the caller never gave (asked twice), or whose name or office
    the recognizer could not make out (twice), is still a request: staff ask on the callback,
    and the CRM marks the gap."""
    req = state.request
    has_reason = bool(req.reason) or state.reason_asks >= MAX_REASON_ASKS
    has_name = (
        bool(req.first_name and req.last_name)
        or state.name_misses >= MAX_NAME_MISSES
        or state.name_asks >= MAX_NAME_ASKS
    )
    has_office = bool(req.office_id) or not _may_ask_office(state)
    return has_reason and has_name and has_office and bool(req.preferred_time)


def _settle(state: FlowState) -> FlowState:
    outcome = _outcome(state)
    if state.ended:
        state = _office_of_the_call(state, outcome)
    return replace(state, outcome=outcome)


def _office_of_the_call(state: FlowState, outcome: str) -> FlowState:
    """At the end of a call that only asked questions ("What are your hours at the downtown
    Austin office?"), the record keeps the office they were about (during the call a visit's
    office is still asked for, never assumed from a question)."""
    if outcome != "question_answered" or state.request.office_id or not state.discussed_office_id:
        return state
    req = replace(state.request, office_id=state.discussed_office_id, office=state.discussed_office)
    return replace(state, request=req)


# --- the next question -----------------------------------------------------------------------


def _next(profile: BusinessProfile, state: FlowState) -> tuple[FlowState, str, str | None]:
    """The next question to ask (and the state that asks it)."""
    phrases = profile.phrases
    req = state.request
    first = _addressed(state)
    if state.pending_fact:
        return state, phrases.ask_office_for_fact, "office"
    if state.mode == "message":
        if not state.message:
            return state, phrases.ask_message, "message"
        if not req.office_id and _may_ask_office(state):
            # Staff route a message to the office's desk; callers name it before their name.
            return _asked_office(state), phrases.ask_message_office, "office"
        if _may_ask_name(state) and not req.first_name:
            return _asked_name(state), phrases.ask_name, "name"
        if _may_ask_name(state) and req.first_name and not req.last_name:
            return _asked_name(state), _ask_last_name(profile, state), "last_name"
        if _should_ask_spelling(state):
            return _asked_spelling(profile, state)
        if state.reschedule and not req.preferred_time and not state.new_time_asked:
            # "I need to move my Thursday appointment": staff need the day it moves to
            state = replace(_name_given_up(state), new_time_asked=True)
            return state, fill(phrases.ask_new_time, first_name=first), "time"
        return _wrap_up(profile, _name_given_up(state), recap=False)
    if state.mode == "booking":
        if not req.reason and state.reason_asks < MAX_REASON_ASKS:
            state = replace(state, reason_asks=state.reason_asks + 1)
            return state, phrases.ask_visit_reason, "reason"
        if not req.office_id and _may_ask_office(state):
            return _asked_office(state), phrases.ask_office, "office"
        if _may_ask_name(state) and not req.first_name:
            return _asked_name(state), phrases.ask_name, "name"
        if _may_ask_name(state) and req.first_name and not req.last_name:
            return _asked_name(state), _ask_last_name(profile, state), "last_name"
        if _should_ask_spelling(state):
            return _asked_spelling(profile, state)
        state = _name_given_up(state)
        if not state.insurance_asked and not req.insurance:
            state = replace(state, insurance_asked=True)
            return state, fill(phrases.ask_insurance, first_name=first), "insurance"
        if not req.preferred_time:
            return state, fill(phrases.ask_time, first_name=first), "time"
        return _wrap_up(profile, state, recap=True)
    if state.mode == "wrap_up":
        return state, phrases.ask_anything_else, "anything_else"
    if not (state.answered or state.questions or state.message or state.emergency):
        return state, phrases.ask_reason, None
    return state, phrases.ask_anything_else, "anything_else"


def _message_said(u: Understanding) -> str:
    """The caller's words for a message, without the name and office they gave with it (those
    are on the record beside it)."""
    return message_words(
        safe_caller_words(u.text.strip()),
        name=u.name.full if u.name else "",
        office=u.office.heard if u.office else "",
    )


def _with_message(state: FlowState, said: str) -> FlowState:
    """The message with the caller's new words added (a second message adds to the first,
    never replaces it); a reason that was the message stays the whole message."""
    if not said:
        return state
    message = f"{state.message} {said}" if state.message else said
    req = state.request
    if state.message and req.reason == state.message:
        req = replace(req, reason=message)
    return replace(state, message=message, request=req)


def _message_as_reason(state: FlowState) -> FlowState:
    """A message call's reason is the message, in the caller's words: it is what staff read
    first in the CRM ("I need to cancel my appointment on Monday")."""
    if state.request.reason or not state.message:
        return state
    return replace(state, request=replace(state.request, reason=state.message))


def _name_given_up(state: FlowState) -> FlowState:
    """The name asked for as often as allowed and still not whole: keep what was heard, marked
    for staff (they have the recording), rather than no name at all."""
    req = state.request
    if _may_ask_name(state) or (req.first_name and req.last_name) or req.patient_name:
        return state
    loose = loose_name(state.heard_name)
    heard = loose.full if loose else ""
    marked = f"{req.first_name or heard} (name unclear)".strip()
    return replace(state, request=replace(req, patient_name=marked))


def _may_ask_name(state: FlowState) -> bool:
    """The name is asked until the recognizer failed twice on it or it was asked three times
    (the caller kept giving other facts instead): then staff ask on the callback."""
    return state.name_misses < MAX_NAME_MISSES and state.name_asks < MAX_NAME_ASKS


def _may_ask_office(state: FlowState) -> bool:
    """The office is asked until the recognizer failed twice on it or it was asked three times
    (the caller kept giving other facts instead): then staff confirm it on the callback."""
    return state.office_misses < MAX_OFFICE_MISSES and state.office_asks < MAX_OFFICE_ASKS


def _asked_office(state: FlowState) -> FlowState:
    return replace(state, office_asks=state.office_asks + 1)


def _office_just_given_up(before: FlowState, after: FlowState) -> bool:
    """Was the office the last question, still unknown, and now asked as often as allowed?"""
    return (
        before.expect == "office"
        and not after.request.office_id
        and after.mode in ("booking", "message")  # a recap or read-back is 2 sentences already
        and not _may_ask_office(after)
        and after.expect != "office"
    )


def _asked_name(state: FlowState) -> FlowState:
    return replace(state, name_asks=state.name_asks + 1)


def _should_ask_spelling(state: FlowState) -> bool:
    """Ask the caller to spell the last name, once, when the recognizer already failed on the
    name: whatever last name it heard since is likely a guess ("Brown Bring"), and letters are
    what a phone line carries best (the recognizer then listens for letters only). Not asked
    without a first name (the name was given up on), when nothing was missed, or when the
    name heard since is a common first name with a common surname ("Lucas Fernandez" after a
    cough heard as "come"): that is what a name answer sounds like, not a guess."""
    req = state.request
    return bool(
        not state.spelling_asked
        and req.first_name
        and state.name_misses >= 1
        and not _common_full_name(req.first_name, req.last_name)
    )


def _addressed(state: FlowState, req: CallRequest | None = None) -> str:
    """The first name the agent calls the caller by (of ``req``, the request being filled, or
    the state's): none when it is a family member's ("I'm calling for my son Noah")."""
    return "" if state.patient_is_other else (req or state.request).first_name


def _ask_last_name(profile: BusinessProfile, state: FlowState) -> str:
    if state.patient_is_other:
        return fill(profile.phrases.ask_patient_last_name, first_name=state.request.first_name)
    return fill(profile.phrases.ask_last_name, first_name=state.request.first_name)


def _common_full_name(first: str, last: str) -> bool:
    return is_common_first_name(first) and is_common_surname(last)


def _asked_spelling(profile: BusinessProfile, state: FlowState) -> tuple[FlowState, str, str]:
    text = fill(profile.phrases.ask_spell_last_name, first_name=state.request.first_name)
    return replace(state, spelling_asked=True), text, "spelling"


def _wrap_up(
    profile: BusinessProfile, state: FlowState, *, recap: bool
) -> tuple[FlowState, str, str | None]:
    phrases = profile.phrases
    number = spoken_digits(state.request.callback_number) if state.request.callback_number else ""
    if recap:
        statement = fill(
            phrases.recap,
            request=recap_request(profile, state.request),
            number=number,
            first_name=_addressed(state),
        )
    elif number:
        statement = fill(phrases.state_phone, number=number)
    else:
        statement = phrases.message_taken
    state = replace(state, mode="wrap_up", phone_stated=bool(number))
    return state, f"{statement} {phrases.ask_anything_else}", "anything_else"


def _ask(
    profile: BusinessProfile, state: FlowState, ack: str = "", **flags
) -> tuple[FlowState, Reply]:
    """Reply with an acknowledgement (optional) and the next question."""
    keep_ack = flags.pop("keep_ack", False)
    was_wrapping = state.mode == "wrap_up"
    before = state
    state, question, expect = _next(profile, state)
    first = _addressed(state)
    thanks = fill(profile.phrases.thank_name, first_name=first) if first else None
    if state.patient_is_other and state.request.first_name:
        # a family member's name is said back, not used to address the caller
        first = state.request.first_name
        thanks = fill(profile.phrases.thank_patient_name, first_name=first)
    if _office_just_given_up(before, replace(state, expect=expect)) and ack in ("", thanks):
        # Said instead of a thanks (an answer to a question is kept): two sentences.
        ack = profile.phrases.office_later
        keep_ack = True
    # What to repeat after a detour: the question alone, never the recap before it.
    prompt = profile.phrases.ask_anything_else if expect == "anything_else" else question
    state = _settle(replace(state, expect=expect, prompt=prompt))
    if state.mode == "wrap_up" and not was_wrapping and not keep_ack:
        # The recap restates everything; keep the turn short. A name given with everything
        # else in one breath is thanked, so the caller hears it was taken; a message left
        # in one breath is said to be noted ("I've noted your message for our staff; I have
        # your number as …").
        noted = ack == profile.phrases.message_noted
        ack = ""
        if noted:
            question = f"{profile.phrases.message_noted.rstrip('.')}; {question}"
        elif thanks and not state.name_said and first not in question:
            # one sentence with the recap ("Thank you, Marcus; I've noted …"): a turn stays
            # within two sentences
            question = f"{thanks.rstrip('.')}; {question}"
    if first and ack == thanks and first in question and not state.patient_is_other:
        ack = ""  # the question already says the name
    text = f"{ack} {question}".strip() if ack else question
    return state, _reply(profile, text, expect, **flags)


def _ask_anything_else(profile: BusinessProfile, state: FlowState) -> tuple[FlowState, Reply]:
    """Ask "anything else?" and keep it open until the caller answers it."""
    ask = profile.phrases.ask_anything_else
    state = _settle(replace(state, not_understood=0, expect="anything_else", prompt=ask))
    return state, _reply(profile, ask, "anything_else")


def _goodbye(
    profile: BusinessProfile, state: FlowState, *, leaving: bool = False
) -> tuple[FlowState, Reply]:
    """Say goodbye and end the call; ``leaving``: the caller ends it before the flow was done
    (settled as a hang-up is: an unfinished request is abandoned, what was left stands)."""
    outcome = _left_outcome(state) if leaving else None
    state = _settle(replace(state, ended=True, mode="ended", expect=None))
    if outcome is not None:
        state = replace(state, outcome=outcome)
    return state, _reply(profile, goodbye_text(profile, _addressed(state)), end_call=True)


# --- facts -----------------------------------------------------------------------------------


def _respelled_name(req: CallRequest, u: Understanding) -> dict[str, str] | None:
    """The name part a spelling said later corrects (the one it sounds like), or None."""
    if not u.spelled or u.name or u.last_name:
        return None
    scores = {
        # "Shawn, S H A W N" for the "Sean" heard: spelled otherwise, it sounds the same
        part: max(
            fuzzy_score(u.spelled.lower(), value.lower()),
            _RESPELL_MIN_SCORE if consonant_key(u.spelled) == consonant_key(value) else 0.0,
        )
        for part, value in (("first_name", req.first_name), ("last_name", req.last_name))
        if value and value.lower() != u.spelled.lower()
    }
    if not scores:
        return None
    part = max(scores, key=lambda k: scores[k])
    return {part: u.spelled} if scores[part] >= _RESPELL_MIN_SCORE else None


_RESPELL_MIN_SCORE = 75.0
_FIRST_NAME_RE = re.compile(r"\bfirst name\b")


_WANTS_VISIT_RE = re.compile(
    r"\b(?:i'd like|i would like|i want|i wanna|i need|let's do|sign me up for|set me up for|"
    r"get me)\b"
)


def _names_new_service(profile: BusinessProfile, req: CallRequest, u: Understanding) -> bool:
    """Does the visit the caller now asks for name a service the reason so far does not?"""
    service = service_named(profile, u.reason or "")
    if not service or len(normalize(u.reason or "").split()) > 6:
        return False
    said = set(normalize(req.reason).split())
    return any(
        w in normalize(service).split() and w not in said for w in normalize(u.reason or "").split()
    )


def _restated_first_name(req: CallRequest, u: Understanding) -> str | None:
    """The first name said anew before the last name already given ("Harold Bernstein" after
    "Hal Bernstein"), as a correction, or None. Written as a name (capitalized) or a common
    first name."""
    if not (req.first_name and req.last_name) or u.name or u.last_name:
        return None
    low = normalize(u.text)
    if not (
        u.correction
        or re.search(rf"\bnot {re.escape(req.first_name.lower())}\b", low)
        or re.search(r"\b(?:legal name|on my (?:card|chart|insurance|id|license))\b", low)
    ):
        return None  # "my husband, Tom Petersen" names someone else
    last = re.escape(req.last_name)
    for match in re.finditer(rf"\b([A-Za-z][a-z'-]+) {last}\b", u.text, re.IGNORECASE):
        first = match.group(1)
        if first.lower() == req.first_name.lower() or first.lower() in NOT_NAME:
            continue
        if first[0].isupper() or is_common_first_name(first):
            return first[0].upper() + first[1:]
    return None


def _apply_facts(
    profile: BusinessProfile, state: FlowState, u: Understanding
) -> tuple[FlowState, list[str], bool]:
    """Put what the caller said into the request; return acknowledgements and whether any
    fact changed."""
    phrases = profile.phrases
    req = state.request
    acks: list[str] = []
    changed = False
    booking = state.mode in ("booking", "wrap_up") or (
        state.mode == "open" and (u.book or u.reason or ((u.office or u.time) and not u.question))
    )
    there = (
        not u.office
        and not req.office_id
        and state.discussed_office_id
        and _THERE_RE.search(u.text.lower())
        and profile.office(state.discussed_office_id)
    )
    if there and (booking or state.mode == "message"):
        # "Can I book there?" right after that office's hours or address were given.
        office = profile.office(state.discussed_office_id)
        req = replace(req, office=office.name, office_id=office.id)
        acks.append(fill(phrases.confirm_office, office=office.name))
        changed = True
    # "Oh, and what time do you open on Saturday?": the day or office a question is about is
    # not a new preference for the request (unless it says it changes one).
    asked_about = u.question and not u.book and not u.correction
    late_office = (
        # After the recap, a place name alone is more likely the recognizer's ("that's my
        # number" heard as "it's miami") than a change of mind: a change says so.
        state.mode == "wrap_up" and req.office_id and not (u.correction or _says_office_change(u))
    ) or (asked_about and req.office_id)
    if (
        u.office
        and (booking or state.mode == "message")
        and u.office.office_id != req.office_id
        and not late_office
    ):
        fix = bool(req.office_id)
        req = replace(req, office=u.office.name, office_id=u.office.office_id)
        template = phrases.confirm_office_corrected if fix else phrases.confirm_office
        acks.append(fill(template, office=u.office.name))
        changed = True
    restated = _restated_first_name(req, u)
    if restated:
        # "… put Harold, not Hal. Harold Bernstein, that's what's on my card": the name said
        # again with the last name already given corrects the first
        req = replace(req, first_name=restated, patient_name=f"{restated} {req.last_name}")
        acks.append(phrases.noted_correction)
        changed = True
    if u.name and (u.name.full != req.patient_name):
        first_only = bool(_FIRST_NAME_RE.search(normalize(u.text)))  # "my first name is Aisha"
        if u.name.last or not req.last_name or u.correction or first_only or state.expect == "name":
            # "my first name is John with an H" corrects the first name only
            keeps_last = not u.correction or _FIRST_NAME_RE.search(normalize(u.text))
            last = u.name.last or (req.last_name if keeps_last else "")
            req = replace(req, first_name=u.name.first, last_name=last)
            req = replace(req, patient_name=f"{req.first_name} {req.last_name}".strip())
            # "I'm calling for my son Noah Stein": the caller is not called Noah
            state = replace(state, patient_is_other=u.someone_else)
            if state.mode == "wrap_up":
                acks.append(phrases.noted_correction)
            elif state.patient_is_other:
                # said back, so the caller hears whose name was taken
                acks.append(fill(phrases.thank_patient_name, first_name=req.first_name))
            else:
                acks.append(fill(phrases.thank_name, first_name=_addressed(state, req)))
            changed = True
    if u.last_name and req.first_name:
        first, last = req.first_name, u.last_name
        said = last.split()
        if len(said) >= 2 and said[0].lower().startswith(first.lower()[:4]):
            # "Nandi" first, then asked the last name: "Nandipha Dlamini" (the full first name
            # a nickname stood for, then the last name)
            first, last = said[0], " ".join(said[1:])
        req = replace(req, first_name=first, last_name=last, patient_name=f"{first} {last}")
        acks.append(fill(phrases.thank_name, first_name=_addressed(state, req)))
        changed = True
    elif u.last_name and not req.last_name:
        # "This is Mrs. Adeyemi": the last name kept; the full name is asked for as usual
        req = replace(req, last_name=u.last_name, patient_name=u.last_name)
        changed = True
    respelled = _respelled_name(req, u)
    if respelled is not None:
        # "Sorry, Katherine is with a K. K A T H E R I N E.", at any later question.
        req = replace(req, **respelled)
        req = replace(req, patient_name=f"{req.first_name} {req.last_name}".strip())
        acks.append(phrases.noted_correction)
        changed = True
    # "That's the house phone, yes. That's all, thank you." heard as "that's a how stone vsp
    # that's all thank you": a plan in a goodbye after the recap is the recognizer's too.
    late_insurance = _closing_without_change(state, u) and req.insurance
    if (
        u.insurance
        and (booking or state.mode == "message" or u.question_kind == "insurance")
        and not late_insurance
    ):
        if u.insurance.value != req.insurance:
            req = replace(req, insurance=u.insurance.value)
            changed = True
            if state.mode == "wrap_up":
                acks.append(phrases.noted_correction)
    # ("Actually, for vision I use VSP, not Humana" corrects the plan, not the reason)
    if u.reason and (
        not req.reason or (u.correction and state.expect != "phone" and not u.insurance)
    ):
        if state.mode != "message" and safe_caller_words(u.reason) != req.reason:
            req = replace(req, reason=safe_caller_words(u.reason))
            changed = True
    elif (
        u.reason
        and (u.book or _WANTS_VISIT_RE.search(normalize(u.text)))
        and state.mode != "message"
        and _names_new_service(profile, req, u)
    ):
        # "I've never worn contacts and I want to try them" … "I'd like to get a contact lens
        # fitting then": the visit asked for leads what was said about it
        req = replace(req, reason=f"{safe_caller_words(u.reason)}, {req.reason}")
        changed = True
    elif (
        booking and (u.book or state.mode == "open") and not req.reason and state.discussed_service
    ):
        # "Do y'all do contact lens fittings?" answered, then "I'd like to set that up" (or
        # just "Westlake."): the service just asked about is the visit
        req = replace(req, reason=state.discussed_service)
        changed = True
    late_time = (
        # "Yeah, that's all" heard as "yeah that's all noon just", "yes that's my cell, that's
        # fine" as "... that's friday": a lone time word in a yes or a goodbye after the recap
        # is more likely the recognizer's than a new preference, which says so.
        _closing_without_change(state, u)
        and req.preferred_time
        and len(normalize(u.time or "").split()) < 2
    ) or (asked_about and req.preferred_time)
    if u.time and (booking or state.mode == "message") and not late_time:
        said = safe_caller_words(u.time)
        if said != req.preferred_time:
            resolved = None
            if state.now is not None:
                day = resolve_date(said, now=state.now, timezone=profile.timezone)
                resolved = day.isoformat() if day else None
            req = replace(req, preferred_time=said, resolved_date=resolved)
            changed = True
            if state.mode == "wrap_up":
                acks.append(phrases.noted_correction)
    if u.phone and u.phone != req.callback_number:
        req = replace(req, callback_number=u.phone, phone_confirmed=False)
        acks.append(fill(phrases.phone_updated, number=spoken_digits(u.phone)))
        state = replace(state, phone_stated=True)
        changed = True
    if changed and state.mode == "open" and booking:
        state = replace(state, mode="booking")
    if (
        req.last_name
        and (spelled := spelled_word(u.text))
        and spelled.lower() == req.last_name.lower()
    ):
        # "Brooks. B R O O K S.": spelled already, it is not asked for again
        state = replace(state, spelling_asked=True)
    return replace(state, request=req), acks, changed


# --- questions -------------------------------------------------------------------------------


def _handle_question(
    profile: BusinessProfile, state: FlowState, u: Understanding
) -> tuple[FlowState, str]:
    phrases = profile.phrases
    if u.question_kind == "insurance":
        plan = state.request.insurance
        if plan and plan not in ("none", "self-pay", "not sure"):
            text = fill(phrases.insurance_noted, plan=plan)
        else:
            text = phrases.insurance_verify
        # "I go to the Hialeah office … is that something you take?": staff verify for it
        state = _with_office_asked_about(state, u)
        return replace(state, answered=state.answered + 1), text
    if u.question_kind == "offices":
        # "Um, which ones do you have?" to "which office?": the offices, from the profile
        state = replace(state, answered=state.answered + 1)
        return state, fill(phrases.offices_list, offices=office_list(profile))
    if u.question_kind == "availability":
        return replace(state, answered=state.answered + 1), phrases.dates_deferred
    if u.question_kind == "follow_up" and (state.mode == "wrap_up" or state.request.office_id):
        # "Somebody will call me, yes? To tell me the time?" about the request under way
        return replace(state, answered=state.answered + 1), phrases.follow_up
    answer = u.answer
    if answer is not None and answer.kind in (HOLIDAY_HOURS, PROVIDER_SCHEDULE):
        # "Are you open the Friday after Thanksgiving?", "Is Dr. Whitfield in on Tuesdays?":
        # said to be noted for staff, so it is (with the office it is about)
        state = replace(state, questions=[*state.questions, safe_caller_words(u.text.strip())])
        state = _with_office_asked_about(state, u)
    if answer is not None and answer.needs_office:
        # "And what's the address over there?" right after that office's hours
        office_id = (
            u.office.office_id if u.office else state.request.office_id or state.discussed_office_id
        )
        office = profile.office(office_id) if office_id else None
        if office is None:
            return replace(state, pending_fact=answer.kind), ""
        state = replace(
            state,
            answered=state.answered + 1,
            discussed_office_id=office.id,
            discussed_office=office.name,
        )
        return state, office_fact(office, answer.kind)
    if answer is not None:
        # "I wanted to ask about LASIK": answered from an FAQ, the service is still the one
        service = answer.service or service_named(profile, u.text) or _visit_named(u.text)
        state = replace(state, answered=state.answered + 1, discussed_service=service)
        if u.office:
            # "… at the Gables office tomorrow— where do I park?": "over there" next is it
            state = replace(
                state, discussed_office_id=u.office.office_id, discussed_office=u.office.name
            )
        return state, " ".join([answer.text, *(more.text for more in u.more_answers)])
    question = safe_caller_words(u.text.strip())
    # "How much is a contact lens fitting?" noted, then "I'd like to set one up anyway"
    service = service_named(profile, u.text) or _visit_named(u.text)
    state = replace(state, discussed_service=service)
    # "How much is the exam if I pay cash? … I go to Hialeah": staff call from that office
    state = _with_office_asked_about(state, u)
    return replace(state, questions=[*state.questions, question]), phrases.question_noted


def _with_office_asked_about(state: FlowState, u: Understanding) -> FlowState:
    """A question kept for staff keeps the office it is about, when none is chosen yet."""
    if not u.office or state.request.office_id:
        return state
    office = u.office
    return replace(
        state,
        request=replace(state.request, office=office.name, office_id=office.office_id),
        discussed_office_id=office.office_id,
        discussed_office=office.name,
    )


#: A visit named in a question in the caller's words, when no listed service is: "How much is
#: an eye exam without insurance?" then "Fine, just put me down for one."
_VISIT_NAMED_RE = re.compile(
    r"\b(?:(?:routine|annual|regular|yearly|basic|full|comprehensive|new patient) )?"
    r"(?:eye exam|eye checkup|eye check-up|vision exam|vision test|eye test)\b",
    re.IGNORECASE,
)


def _visit_named(text: str) -> str:
    found = _VISIT_NAMED_RE.search(text)
    return found.group(0) if found else ""


# --- the step ---------------------------------------------------------------------------------


def step(
    profile: BusinessProfile, state: FlowState, utterance: str
) -> tuple[FlowState, Reply | None]:
    """Take one caller utterance; None means say nothing (fillers, empty text, call over)."""
    state, reply = _step(profile, state, utterance)
    if reply is not None and utterance and utterance.strip():
        state = replace(state, last_heard=utterance)  # fillers ("um") leave it
    if reply is not None:
        first = state.request.first_name
        said = state.name_said or bool(first and first in reply.text)
        state = replace(state, last_said=reply.text, name_said=said)
    return state, reply


def _step(
    profile: BusinessProfile, state: FlowState, utterance: str
) -> tuple[FlowState, Reply | None]:
    if state.ended:
        return state, None
    u = understand(
        profile,
        utterance or "",
        expect=state.expect,
        caller_id=state.caller_id,
        office_id=state.request.office_id or None,
        local_offices=state.local_offices,
    )
    if u.filler_only:
        return state, None
    heard_digits = number_begun(u.text)
    said_digits = "".join(digits_from_words(u.text))
    if state.phone_digits and said_digits and state.expect == "phone":
        # "area code seven eight six…" then "five five five, zero one three eight": one number
        # (or the whole number said again)
        whole = extract_phone(f"{state.phone_digits}{said_digits}"[-11:]) or u.phone
        state = replace(state, phone_digits="")
        if whole is not None:
            u = replace(u, phone=whole)
    elif heard_digits and not (u.phone or u.time or u.emergency or u.human):
        # "No, that's the landline. My cell is 737 555…": the rest of the number is asked for
        # (a goodbye or a "no" here is no answer to "anything else?")
        if state.expect == "message":
            # "The lenses are the wrong prescription. Could someone call me back at 512 555…":
            # the message is kept while the rest of the number is asked for
            state = _with_message(replace(state, mode="message"), safe_caller_words(u.text))
            state = _message_as_reason(state)
        state, _, _ = _apply_facts(profile, state, u)  # "This is Kevin Marsh. … 512 555…"
        state = replace(state, phone_digits=heard_digits, phone_stated=False, expect="phone")
        state = replace(state, prompt=profile.phrases.ask_rest_of_number)
        return _settle(state), _reply(profile, profile.phrases.ask_rest_of_number, "phone")
    if (
        not u.emergency
        and state.last_heard
        and is_emergency(profile, f"{state.last_heard} {u.text}")
        and not is_emergency(profile, state.last_heard)
    ):
        # "I keep seeing flashes of light." … "And now there's like a curtain coming down":
        # a sign told over two turns is one
        u = replace(u, emergency=True)
    state = replace(state, reprompts=0, turns=state.turns + 1)
    phrases = profile.phrases
    if u.repeat and not (u.has_facts or u.emergency or u.human) and state.last_said:
        # "Sorry, could you say that again?": the last reply, word for word (a read-back
        # stays open for a correction).
        return state, _reply(profile, state.last_said, state.expect)
    if u.hold and not (u.has_facts or u.emergency or u.human or u.question or u.done):
        # "Hold on, let me grab my card": no miss; the question stays open for the answer.
        # The question is said again after it, so the caller knows what to come back with.
        text = f"{phrases.hold} {state.prompt}" if state.prompt else phrases.hold
        return state, _reply(profile, text, state.expect)
    if u.line_check and not (u.has_facts or u.emergency or u.human or u.done):
        # "Hello? Hello? You're breaking up.": no miss; the open question is asked again.
        text = f"{phrases.line_check} {state.prompt}" if state.prompt else phrases.line_check
        return state, _reply(profile, text, state.expect)
    just_read_back = state.phone_stated
    low = normalize(u.text)  # "Nothin' else" is "nothing else"
    other_fact = bool(u.insurance or u.office or u.name or u.last_name or u.time or u.reason)
    if just_read_back and not u.phone and not other_fact and _number_wrong(low):
        # ("That's wrong on the insurance. It's Aetna, not Cigna." is about the plan)
        # "That's not my number": not confirmed; ask for the right one.
        state = _settle(replace(state, phone_stated=False, not_understood=0, expect="phone"))
        state = replace(state, prompt=phrases.ask_callback_number)
        return state, _reply(profile, phrases.ask_callback_number, "phone")
    if state.phone_stated:
        # The number was read back: anything but a new number leaves it as confirmed.
        if not (u.phone and u.phone != state.request.callback_number):
            req = replace(state.request, phone_confirmed=True)
            state = replace(state, request=req, phone_stated=False)

    if u.emergency:
        state = replace(state, emergency=True, mode="wrap_up", not_understood=0)
        state = _settle(replace(state, expect="anything_else", prompt=phrases.ask_anything_else))
        text = f"{profile.emergency.instruction} {phrases.ask_anything_else}"
        return state, _reply(profile, text, "anything_else")
    if u.human:
        state = _settle(replace(state, transferred=True, ended=True, mode="ended", expect=None))
        return state, _reply(profile, phrases.transfer, transfer=True)
    if u.robot and not u.has_facts:
        state = replace(state, not_understood=0)
        return _ask(profile, state, fill(phrases.robot, agent=profile.agent.spoken_name))
    if u.identity and not (u.name or u.phone or u.time or u.insurance or u.reason or u.book):
        state = replace(state, not_understood=0)
        return _ask(profile, state, fill(phrases.identity, business=profile.name))
    if u.other_business and not (u.name or u.phone or u.time or u.insurance or u.office):
        # "Is this Sunshine Pediatrics? I'm calling about my son's checkup.": the caller hears
        # where they are, and nothing they said for another business is kept
        state = replace(state, not_understood=0)
        return _ask(profile, state, fill(phrases.other_business, business=profile.name))

    # A pending office fact ("what are your hours?" → "which office?").
    if state.pending_fact and u.office:
        office = profile.office(u.office.office_id)
        answer = office_fact(office, state.pending_fact) if office else ""
        state = replace(
            state,
            pending_fact=None,
            answered=state.answered + 1,
            not_understood=0,
            discussed_office_id=office.id if office else "",
            discussed_office=office.name if office else "",
        )
        if u.book or u.reason:
            # "Then I'd like a pediatric eye exam for him at the Gables office": the hours
            # asked about are said, and the visit asked for is taken up
            state, _, _ = _apply_facts(profile, replace(state, mode="booking"), u)
        return _ask(profile, state, answer)
    if state.pending_fact:
        state = replace(state, pending_fact=None)
        if u.done and not (u.has_facts or u.question or u.book or u.change or u.human):
            # "Which office?" answered "No, that's it, thanks": no office list; "anything
            # else?" lets them go
            return _ask_anything_else(profile, state)

    # "Anything else?" is open until answered, also after "Sure, what else?".
    wrap = state.expect == "anything_else" or (
        state.expect is None and state.prompt == phrases.ask_what_else
    )
    nothing_new = not (u.has_facts or u.question or u.change or u.callback or u.book)
    if (
        u.wrong_number
        and not u.has_facts
        and not just_read_back  # "that's the wrong number" corrects the read-back
        and state.mode in ("open", "booking", "message", "wrap_up")
        and not (state.request.patient_name or state.request.office_id)
    ):
        # Nothing said so far was meant for this business: no question or message is kept.
        req = replace(state.request, reason="")
        state = replace(state, request=req, questions=[], message="", answered=0, mode="open")
        return _goodbye(profile, state)
    if (
        wrap
        and nothing_new
        and u.yes is not False
        and just_read_back
        and _CONFIRMS_RE.search(low)
        and not _ALL_DONE_RE.search(low)
        and not _THATS_IT_AFTER_RE.search(u.text)
    ):
        # "Yes, that's the right number" (also heard "yes that's it right number"), "That's my
        # cell, that works", "That's fine": an answer to the read-back, not to "anything
        # else?", which is asked again.
        return _ask_anything_else(profile, state)
    if (
        wrap
        and state.emergency
        and not (u.has_facts or u.change or u.callback or u.book or u.yes)
        and (not u.question or _GOING_RE.search(low))
    ):
        # After the emergency instruction: "Alright, my husband will drive me." or "The
        # emergency room? Okay, my son will take me." ends the call.
        return _goodbye(profile, state)
    if wrap and nothing_new and (u.done or u.yes is False):
        return _goodbye(profile, state, leaving=state.mode in ("booking", "message"))
    if (re.search(r"\b(?:goodbye|good bye|bye)\b", low) or u.calling_back) and nothing_new:
        return _goodbye(profile, state, leaving=state.mode in ("booking", "message"))
    if (
        wrap
        and state.mode in ("open", "wrap_up")
        and _ENDS_WITH_BYE_RE.search(normalize(u.text))
        and not (u.book or u.change or u.callback or u.human or u.question or u.phone)
    ):
        # "Congress, got it. Okay, thanks, bye." heard "congress got urgent okay meant bye": a
        # goodbye that ends the turn, to "anything else?", closes; the stray words before it
        # ("urgent", a place said back) start no request
        return _goodbye(profile, state)
    plainly_done = u.done and _ALL_DONE_RE.search(low) and not _ASKS_MORE_RE.search(low)
    leaving = plainly_done and _LEAVING_RE.search(low)
    if plainly_done and wrap and state.mode == "open" and _only_place_or_time(u):
        # "Austin's not that far. I'll think about it. That's all for now, thanks." after a
        # question was answered: a place or day said in passing is no request.
        return _goodbye(profile, state)
    if (
        state.mode == "message"
        and state.expect == "time"
        and nothing_new
        and not (u.time or u.human or u.emergency)
    ):
        # "No, that's all" or "I'm not sure yet" to "what day would work better?": staff ask
        # on the callback; the message goes on to the read-back
        return _ask(profile, replace(state, not_understood=0))
    if leaving and nothing_new and state.mode == "message" and state.message and not wrap:
        # "No, that's it. Thank you." to "which office do you usually go to?" once the message
        # is kept: nothing more is asked; the read-back of the number staff will call and
        # "anything else?" close it
        state = replace(state, office_asks=MAX_OFFICE_ASKS, name_asks=MAX_NAME_ASKS)
        return _ask(profile, replace(state, not_understood=0))
    if leaving and nothing_new and state.mode in ("booking", "message") and not wrap:
        # "No, that's all I needed, thanks" in the middle of a request: the caller may be
        # leaving (or the recognizer made it up): "anything else?" lets them go or go on. A
        # "no" then ends the call as a hang-up would (an unfinished request is abandoned).
        return _ask_anything_else(profile, state)
    if wrap and nothing_new and u.yes:
        state = replace(state, not_understood=0, mode="open" if state.mode != "wrap_up" else "open")
        state = _settle(replace(state, expect=None, prompt=phrases.ask_what_else))
        return state, _reply(profile, phrases.ask_what_else)

    if (
        state.mode == "message"
        and not state.request.complete
        and u.book
        and u.reason
        and not (u.change or u.callback or u.question)
        and _BOOK_INSTEAD_RE.search(low)
    ):
        # "Actually, I should just come in and get my dry eyes looked at. Can I make an
        # appointment instead?", "Instead of cancelling, can I just make a new appointment?":
        # the message becomes the request the caller now asks for
        req = replace(state.request, reason="")
        state = replace(
            state, mode="booking", message="", reschedule=False, new_time_asked=False, request=req
        )
    # Reschedule / cancel / "have someone call me back": a message for staff.
    # "Call me back on my cell, it's …" gives a number; it asks for no other message.
    wants_message = u.change or (u.callback and not u.phone and state.mode in ("open", "wrap_up"))
    if (
        u.callback
        and not (u.phone or u.office or u.name or u.insurance or u.time or u.book)
        and state.mode == "booking"
        and state.expect in ("reason", "office", "name", "insurance", "time")
        and not state.request.complete
    ):
        # "Have the nurse or somebody call me" at the plan question: the caller wants a call
        # back, not a visit ("I've lost the paper about my eye drops"); so does "I'd like a
        # copy of my prescription sent to Costco" answering "what would you like to come in
        # for?" after the caller gave their name and office
        wants_message = True
    if wants_message and state.mode == "wrap_up" and state.request.complete:
        # "… one more thing, my wife has an appointment this Thursday that I need to
        # cancel": a message beside the request, which stays as it was.
        state = _with_message(state, safe_caller_words(u.text.strip()))
        state = replace(state, message_after_request=True, not_understood=0)
        return _ask(profile, state, phrases.message_noted)
    if (
        state.message_after_request
        and state.mode == "wrap_up"
        and u.has_facts
        and not (u.correction or u.question or u.done)
    ):
        # "Her name's Marisol Camacho, it was Thursday at two.": about the message, not a
        # change to the request.
        state = _with_message(state, safe_caller_words(u.text.strip()))
        return _ask(profile, replace(state, not_understood=0), phrases.message_noted)
    if wants_message and state.mode in ("open", "wrap_up", "booking"):
        state = replace(state, reschedule=u.change and not u.cancel)
        said = _message_said(u)
        if u.callback and not u.change and state.questions and not state.message:
            # "Are my glasses ready?" noted, then "have them call me back": the message is
            # the question
            asked = state.questions[-1].rstrip(" .")
            said = f"{asked} {said}" if asked.endswith(("?", "!")) else f"{asked}. {said}"
        # "Need to reorder my contacts." says what it is, however short; so does "cancel my
        # appt. kendall. paula suarez." with its name and office (kept beside the message)
        length = max(len(said.split()), len(safe_caller_words(u.text.strip()).split()))
        detailed = (length > 5 or (u.callback and length >= 3)) and (
            not _asks_only_to_leave_one(profile, said)
        )
        if not detailed and not state.message:
            # "Hi, I just need to leave a message for the Austin office.": the office is kept
            # and the message asked for
            state = replace(state, mode="message", message="", not_understood=0)
            state, _, _ = _apply_facts(profile, state, u)
            return _ask(profile, state)
        state = _with_message(state, said if detailed else "")
        state = replace(state, mode="message", not_understood=0)
        state, acks, _ = _apply_facts(profile, _message_as_reason(state), u)
        return _ask(profile, _settle(state), phrases.message_noted)
    if (
        state.mode == "message"
        and state.expect == "message"
        and u.name is not None
        and normalize(u.text) == normalize(u.name.full)
    ):
        # "Ben Carter." to "what would you like me to pass on?": the name, and the message is
        # still to come
        state, _, _ = _apply_facts(profile, replace(state, not_understood=0), u)
        thanks = fill(phrases.thank_name, first_name=_addressed(state))
        return _ask(profile, _settle(state), thanks)
    if (
        state.mode == "message"
        and state.expect == "message"
        and u.office is not None
        and len(normalize(u.text).split()) <= len(normalize(u.office.heard).split()) + 2
    ):
        # "Round Rock." to "what would you like me to pass on?": the office; the message is
        # still to come
        state, acks, _ = _apply_facts(profile, replace(state, not_understood=0), u)
        return _ask(profile, _settle(state), join_ack(acks))
    if (
        state.mode == "message"
        and state.expect in ("office", "name", "last_name")
        and not (u.has_facts or u.question or u.done or u.yes is not None or u.human)
        and len(normalize(u.text).split()) >= 6
    ):
        # "Can I leave a message for billing?" … then, asked the office: "My insurance claim
        # got denied because the member ID was wrong": more of the message, kept; the
        # question is asked again
        state = _with_message(replace(state, not_understood=0), safe_caller_words(u.text.strip()))
        return _ask(profile, state, phrases.message_noted)
    if state.mode == "message" and state.expect == "message":
        state = replace(state, message=_message_said(u), not_understood=0)
        state, _, _ = _apply_facts(profile, _message_as_reason(state), u)
        return _ask(profile, _settle(state), phrases.message_noted)

    state, acks, changed = _apply_facts(profile, state, u)
    if changed and state.expect == "insurance" and not state.request.insurance:
        # "Oh, sorry, it's not the usual spelling. Shawn, S H A W N." to the plan question:
        # the name is fixed and the plan is still to be asked
        state = replace(state, insurance_asked=False)
    answer_text = ""
    handled_question = False
    if u.question:
        state, answer_text = _handle_question(profile, state, u)
        handled_question = True
    if not changed and not handled_question:
        if u.book and state.mode == "open":
            state = replace(state, mode="booking")
            changed = True
        elif state.expect == "insurance" and state.not_understood >= 1 and u.text.strip():
            # Asked twice already: keep the caller's words for staff and move on.
            req = replace(state.request, insurance=safe_caller_words(u.text.strip(" .")))
            state = replace(state, request=req)
            changed = True
        elif (
            state.expect == "name"
            and state.name_misses >= 1
            and not u.has_facts
            and (heard_name := loose_name(u.text)) is not None
        ):
            # Asked again after an answer with no name in it: take the name-like words as
            # heard (staff check them against the recording) rather than ask a third time.
            req = replace(
                state.request,
                first_name=heard_name.first,
                last_name=heard_name.last or "(unclear)",
            )
            req = replace(req, patient_name=f"{req.first_name} {req.last_name}")
            state = replace(state, request=req)
            changed = True
        elif state.expect == "anything_else" and (
            u.yes is not None or u.done or u.ack_only or _closing_with_noise(u)
        ):
            return _goodbye(profile, state)
        elif state.expect == "name" and u.yes is not None:
            pass
    if not changed and not handled_question and u.has_facts:
        # Said again what we already have ("Cigna, like I said"): carry on.
        state = replace(state, not_understood=0)
        return _ask(profile, state, profile.phrases.already_noted)
    if not changed and not handled_question and u.pleasantry:
        # "How are you doing today?": answered, and the question it interrupted asked again
        state = replace(state, not_understood=0)
        return _settle(state), _reply(
            profile,
            f"{profile.phrases.pleasantry} {state.prompt or profile.phrases.ask_reason}",
            state.expect,
        )
    if not changed and not handled_question and u.wants_to_ask:
        # "I have a question about an appointment": the question is asked for, not a visit
        state = replace(state, not_understood=0)
        return _settle(replace(state, expect=None)), _reply(profile, profile.phrases.ask_question)
    if not changed and not handled_question:
        return _not_understood(profile, state, u)
    state = replace(state, not_understood=0)
    if state.pending_fact:
        return _ask(profile, state)
    ack = answer_text or join_ack(acks)
    if answer_text and acks and state.request.office_id and u.office:
        ack = f"{join_ack(acks)} {answer_text}"
    if state.mode == "open" and not handled_question and not changed:
        return _ask(profile, state)
    # "Wednesday morning would be best. How long does the exam take, by the way?": the answer
    # is said before the recap, not dropped for it
    return _ask(profile, state, ack, keep_ack=bool(answer_text) and u.answer is not None)


#: The words of asking to leave a message, which say nothing of what it is.
_LEAVE_MESSAGE_WORDS = frozenset(
    "hi hello hey yes yeah um uh so i i'm just need needed want wanted would like i'd to leave "
    "a message for the someone somebody doctor dr doctors office please can could you take "
    "pass on give them one of your my with our".split()
)


def _asks_only_to_leave_one(profile: BusinessProfile, said: str) -> bool:
    """Does the caller only ask to leave a message ("Hi, I just need to leave a message for
    the Austin office."), saying nothing yet of what it is?"""
    low = normalize(said)
    if "message" not in low.split():
        return False
    places = {
        w for office in profile.offices for p in office.place_names() for w in normalize(p).split()
    }
    doctors = {w for p in profile.providers for w in normalize(p.name).split()}
    rest = [w for w in low.split() if w not in _LEAVE_MESSAGE_WORDS | places | doctors]
    return len(rest) <= 1


#: A visit asked for in place of the message under way.
_BOOK_INSTEAD_RE = re.compile(
    r"\b(?:instead|rather|actually|just come in|come in instead|new appointment|make an "
    r"appointment|changed my mind)\b"
)

#: A turn that ends on a goodbye.
_ENDS_WITH_BYE_RE = re.compile(r"\b(?:bye|goodbye|bye bye)\s*$")

#: The office just talked about, in "can I book there?" ("is there", "there's" excluded).
_THERE_RE = re.compile(
    r"(?<!is )(?<!are )\bthere\b(?! is| are|'s)|\b(?:that|the same) (?:office|location|one)\b"
)
_NUMBER_WRONG_RE = re.compile(
    r"\b(?:wrong number|not (?:my|the right|the best|a good) number|that's not (?:right|it|me)|"
    r"that's not my|incorrect|that's wrong|"
    # another number wanted, its digits not made out: "call my cell instead, it's …"
    r"(?:call|use|try|reach me on|reach me at) (?:my|the|a) (?:cell|mobile|other|home|work)|"
    r"(?:different|another|other|better) (?:number|phone)|"
    r"my (?:work|home|office|old) (?:number|phone|line)|(?:cell|mobile|number) instead)\b"
)
#: A caller acknowledging the emergency instruction and going ("okay, my son will take me").
_GOING_RE = re.compile(r"\b(?:okay|ok|alright|all right|i'll|i will|we'll|will take|going)\b")
_CONFIRMS_RE = re.compile(
    r"\b(?:right|correct|that's me|that works|(?:my|that|the|good|best) number|perfect|fine|"
    r"(?:that's|that is|it's|it is) (?:my|the) (?:cell|mobile|home|house|work|office|land ?line)"
    r"(?: phone| number| line)?|(?:number|phone|it) works|that's good|works for me)\b"
)
#: "Yep, that's me. That's it.": a "that's it" of its own after the read-back is answered
#: answers "anything else?" too (joined to it, "yes that's it right number" confirms only).
_THATS_IT_AFTER_RE = re.compile(
    r"[.!?]\s*(?:and\s+|so\s+)?that's it[.,!]?(?:\s*thanks?(?: you)?[.!]?)?\s*$",
    re.IGNORECASE,
)
#: "... but call my cell instead": the caller accepts nothing.
_CONTRAST_RE = re.compile(r"\b(?:but|instead|rather|better|prefer|though|however)\b")


def _number_wrong(low: str) -> bool:
    """Does the answer to the read-back say the number is not the one to call? "That's my
    home phone, that's fine" accepts it; "that's my work number, call my cell" does not."""
    if not _NUMBER_WRONG_RE.search(low):
        return False
    if re.match(r"(?:yes|yeah|yep|yup|uh huh)\b", low) and not re.search(
        r"\b(?:not|call|use|try|reach|different|another|other|instead|cell|mobile)\b", low
    ):
        return False  # "Yes, that's my home number."
    accepts = re.search(r"\b(?:fine|works|good|perfect|right|correct|ok|okay)\b", low)
    return not (accepts and not _CONTRAST_RE.search(low) and not re.search(r"\bnot\b", low))


#: A goodbye beyond doubt: "yes that's right, that's all" answers both the read-back and
#: "anything else?" ("that's it" alone may be "that's the number").
_ALL_DONE_RE = re.compile(
    r"\b(?:that's all|that is all|that'll be all|that's everything|nothing else|nothing more|"
    r"all set|no thanks|no thank you|bye|goodbye|good bye|(?:no|nope|nah),? that's it|"
    r"that'll do(?: it)?|that will do(?: it)?)\b"
)
#: A caller done with the call in the middle of a request says so in so many words ("no,
#: that's all I needed"); a bare "no thanks" there may be a misheard name or a refused question.
_LEAVING_RE = re.compile(
    r"\b(?:that's all|that is all|that'll be all|that's everything|that's it|nothing else|"
    r"all set)\b"
)
#: ... but not when the caller goes on: "that's all I know, can you …", "that's it, and …".
_ASKS_MORE_RE = re.compile(r"\b(?:but|and also|one more|another|wait|actually|question)\b")
_TIME_CHANGE_RE = re.compile(
    r"\b(?:actually|instead|rather|better|prefer|make it|make that|change|move|switch|but)\b"
)
_OFFICE_CHANGE_RE = re.compile(r"\b(?:office|location|the one in|instead|rather)\b")


def _says_office_change(u: Understanding) -> bool:
    """Does the caller say the office changes ("No, Kendall.", "Kendall would be better
    instead"), not just name a place ("No, I'm all set" heard "no i'm austin")?"""
    low = normalize(u.text)
    if _OFFICE_CHANGE_RE.search(low):
        return True
    heard = normalize(u.office.heard) if u.office else ""
    change = rf"no (?:the |it's |i said |i meant )?{re.escape(heard)}\b"
    return bool(heard) and bool(re.match(change, low))


_CLOSING_WORDS = frozenset({"okay", "ok", "bye", "goodbye", "thanks", "thank"})
# ... unless the caller is going on: "okay, wait", "okay, one more thing", "okay, and also"
_GOING_ON_WORDS = frozenset({"wait", "more", "another", "also", "actually", "question", "but"})
_SHORT_NOISE = 5  # words


def _only_place_or_time(u: Understanding) -> bool:
    """Whether the facts in ``u`` (if any) are only an office, a day/time or a plan."""
    return not (
        u.name or u.last_name or u.phone or u.reason or u.book or u.question or u.change
    ) and not (u.callback or u.human or u.emergency)


def _closing_without_change(state: FlowState, u: Understanding) -> bool:
    """A yes or a goodbye after the recap that does not say it changes anything: a fact
    word in it is more likely the recognizer's than a change of mind."""
    return (
        state.mode == "wrap_up"
        and (u.done or u.yes is True)
        and not _TIME_CHANGE_RE.search(normalize(u.text))
    )


def _closing_with_noise(u: Understanding) -> bool:
    """A short "okay, thank you" / "okay, bye" the recognizer garbled ("the okay eight"), said
    to "anything else?": it held nothing the flow understood (no fact, question or request;
    callers only reach here then), so it closes the call rather than making the caller repeat
    a courtesy."""
    words = normalize(u.text).split()
    return (
        0 < len(words) <= _SHORT_NOISE
        and any(w in _CLOSING_WORDS for w in words)
        and not any(w in _GOING_ON_WORDS for w in words)
    )


#: The message left for staff when the caller could not be understood and was promised a call.
_NOT_UNDERSTOOD_NOTE = "Caller could not be understood; please call back."


def _not_understood(
    profile: BusinessProfile, state: FlowState, u: Understanding
) -> tuple[FlowState, Reply]:
    phrases = profile.phrases
    count = state.not_understood + 1
    state = replace(state, not_understood=count)
    if count >= MAX_NOT_UNDERSTOOD:
        # The close promises a call back from staff: the call leaves them a message to call,
        # with the last words heard (they have the recording for the rest).
        heard = safe_caller_words(u.text.strip())
        note = f'{_NOT_UNDERSTOOD_NOTE} Last heard: "{heard}"' if heard else _NOT_UNDERSTOOD_NOTE
        if not state.message:
            state = replace(state, message=note)
        state = _settle(replace(state, ended=True, mode="ended", expect=None))
        return state, _reply(profile, phrases.not_understood_close, end_call=True)
    if state.expect in ("name", "last_name") and state.mode in ("booking", "message"):
        heard_words = safe_caller_words(re.sub(r"[.?!]+", "", u.text)).strip()
        state = replace(
            state,
            name_misses=state.name_misses + 1,
            name_asks=state.name_asks + 1,  # the reply below asks again
            heard_name=state.heard_name or heard_words,
        )
        if state.name_misses >= MAX_NAME_MISSES or state.name_asks > MAX_NAME_ASKS:
            # Missed twice, or already asked as often as allowed (the caller gave other facts
            # instead): _next keeps what was heard and moves on.
            return _ask(profile, state)
    if state.expect == "spelling" and not u.question:
        # Letters not made out: the request keeps the name as heard (staff have the recording).
        return _ask(profile, replace(state, not_understood=0), phrases.spelling_later)
    if state.expect == "office" and not u.question:
        state = replace(state, office_misses=state.office_misses + 1)
        if not _may_ask_office(state) and state.mode in ("booking", "message"):
            # Offices listed and still not understood: staff confirm it on the callback
            # (they have the recording) rather than the caller being asked a third time.
            return _ask(profile, replace(state, not_understood=0), phrases.office_later)
        text = fill(phrases.ask_office_unmatched, offices=office_list(profile))
        return _settle(_asked_office(state)), _reply(profile, text, "office")
    if state.expect == "reason" and state.mode == "booking":
        # Repeating the reason question counts as asking it; past the limit, move on.
        state = replace(state, reason_asks=state.reason_asks + 1)
        if state.reason_asks >= MAX_REASON_ASKS:
            return _ask(profile, state)
    heard = safe_caller_words(re.sub(r"[.?!]+", "", u.text)).strip()
    words = heard.split()
    if len(words) > 12:
        heard = " ".join(words[:12]) + "..."
    lead = fill(phrases.not_understood, heard=heard) if heard else phrases.fallback_short
    question = state.prompt or phrases.ask_reason
    return _settle(state), _reply(profile, f"{lead} {question}", state.expect)


# --- other events --------------------------------------------------------------------------------


def on_silence(profile: BusinessProfile, state: FlowState) -> tuple[FlowState, Reply]:
    """The caller stayed silent: re-prompt, and after ``profile.max_reprompts`` close the call."""
    phrases = profile.phrases
    if state.ended:
        return state, _reply(profile, phrases.goodbye, end_call=True)
    count = state.reprompts + 1
    state = replace(state, reprompts=count)
    if count > profile.max_reprompts:
        mode = state.mode
        state = replace(state, ended=True, mode="ended", expect=None)
        outcome = _outcome(state)
        # What the caller already left stands (a request complete, a message, an answered
        # question, with only "anything else?" unanswered); silence in the middle of a
        # request, or from the start, is an abandoned call.
        kept = outcome != "no_request" and (
            outcome in ("emergency", "transferred")
            or mode == "wrap_up"
            or state.request.complete
            or _complete_but_reason(state)
            or (outcome == "message_taken" and mode in ("message", "open"))
            or (outcome == "question_answered" and (mode == "open" or _barely_begun(state)))
        )
        state = replace(state, outcome=outcome if kept else "abandoned")
        state = _office_of_the_call(state, state.outcome)
        return state, _reply(profile, phrases.close_after_silence, end_call=True)
    text = phrases.reprompt
    if state.expect is not None and state.prompt and state.prompt != phrases.ask_reason:
        text = f"{phrases.reprompt} {state.prompt}"
    return state, _reply(profile, text, state.expect)


def on_failure(profile: BusinessProfile, state: FlowState) -> tuple[FlowState, Reply]:
    """An engine failed this turn: say the fallback line; the second time, transfer."""
    phrases = profile.phrases
    count = state.failures + 1
    state = replace(state, failures=count)
    if count >= MAX_FAILURES:
        state = _settle(replace(state, transferred=True, ended=True, mode="ended", expect=None))
        return state, _reply(profile, phrases.failure_transfer, transfer=True)
    return state, _reply(profile, phrases.fallback, state.expect)


def on_hangup(profile: BusinessProfile, state: FlowState) -> FlowState:
    """The caller hung up: settle the outcome (mid-request hang-ups are abandoned)."""
    if state.ended:
        return state
    outcome = _left_outcome(state)
    state = replace(state, ended=True, mode="ended", outcome=outcome, expect=None)
    return _office_of_the_call(state, outcome)


def _barely_begun(state: FlowState) -> bool:
    """A request with nothing of the caller's but an office or a reason (no name): after an
    answered question it is most often a misheard question ("where is the Coral Gables
    office?" heard "… the coral gables office"), and the call is the question answered."""
    req = state.request
    return not (req.first_name or req.last_name or req.preferred_time or req.insurance)


def _left_outcome(state: FlowState) -> str:
    """The outcome of a call the caller ended (hung up, or said goodbye) mid-flow."""
    outcome = _outcome(state)
    if outcome in ("question_answered", "message_taken") and state.mode == "booking":
        if not (outcome == "question_answered" and _barely_begun(state)):
            outcome = "abandoned"
    if outcome == "no_request":
        outcome = "abandoned"
    return outcome
