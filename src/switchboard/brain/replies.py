"""Building the agent's lines from profile phrases, profile facts and the caller's own words."""

from __future__ import annotations

import re
import string

from switchboard.brain.text import normalize
from switchboard.number_words import DIGIT_NAMES, ZERO_WORDS
from switchboard.profiles import FORBIDDEN_CLAIMS, BusinessProfile

__all__ = [
    "expect_phrases",
    "fill",
    "goodbye_text",
    "join_ack",
    "office_list",
    "recap_request",
    "safe_caller_words",
    "unforbidden",
]

_FORBIDDEN_RE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(c) for c in sorted(FORBIDDEN_CLAIMS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_PRONOUN_START = frozenset(
    "my i i'm i've i'd it it's its the his her he she they their our we eyes eye me".split()
)
#: The caller speaking of themselves ("a checkup, I think I need new glasses"): not the
#: agent's words.
_FIRST_PERSON = frozenset("i i'm i've i'd i'll me we we're we've us myself".split())
_PROPER = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays january february march april may june july august
    september october november december""".split()
)

_DIGIT_WORDS = [DIGIT_NAMES[0], *ZERO_WORDS, *DIGIT_NAMES[1:]]
_YES_NO_WORDS = [
    "yes",
    "no",
    "yeah",
    "nope",
    "that's all",
    "that's it",
    "no thanks",
    "nothing else",
    "thank you",
    "thanks",
    "goodbye",
    "bye",
]


def unforbidden(text: str) -> str:
    """The last check before speaking: no forbidden claim survives into a reply."""
    if not _FORBIDDEN_RE.search(text):
        return text
    cleaned = _FORBIDDEN_RE.sub("", text)
    return re.sub(r"\s{2,}", " ", re.sub(r"\s+([,.;?!])", r"\1", cleaned)).strip()


def safe_caller_words(text: str) -> str:
    """The caller's words, fit to repeat back: forbidden claim words removed, quotes dropped."""
    text = text.replace('"', "").strip()
    return unforbidden(text)


#: A self-introduction opening a message: "Hi, this is Dana Whitfield, …".
_INTRO_LEAD_RE = re.compile(
    r"^(?:(?:hi|hello|hey|yes|yeah|um|uh|oh|good (?:morning|afternoon|evening))[,.!]?\s+)*"
    r"(?:(?:this is|my name is|my name's|it's|i'm|i am)\s+)?",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[^.!?]+[.!?]*")
#: Words that may stand around a bare office or name: "Kendall office.", "the Austin one."
_BARE_FILLERS = frozenset("the office one location it's its um uh please thanks".split())


def message_words(text: str, *, name: str = "", office: str = "") -> str:
    """The caller's message without the facts staff already have on the record beside it:
    a self-introduction ("Hi, this is Dana Whitfield, I need to reschedule …" → "I need to
    reschedule …") and sentences that only give the office or the name ("cancel my appt.
    kendall. paula suarez." → "cancel my appt."). An office said inside the message stays
    ("… my appointment at Coral Gables"). When nothing else is left, the words stay whole."""
    said = text.strip()
    name_n, office_n = normalize(name), normalize(office)
    if name_n:
        lead = _INTRO_LEAD_RE.match(said)
        rest = said[lead.end() :] if lead else said
        if normalize(rest).startswith(name_n):
            words = len(name_n.split())
            after = re.match(rf"(?:\S+\s+){{{words}}}|(?:\S+\s*){{{words}}}$", rest)
            if after and re.search(r"[,.!?]\s*$", after.group(0)) and rest[after.end() :]:
                said = rest[after.end() :]
    kept = []
    for sentence in _SENTENCE_RE.findall(said):
        words = [w for w in normalize(sentence).split() if w not in _BARE_FILLERS]
        bare = " ".join(words)
        if bare and bare in (name_n, office_n):
            continue
        kept.append(sentence.strip())
    out = " ".join(k for k in kept if k)
    if not out or out == text.strip():
        return text.strip()
    return out[:1].upper() + out[1:]


def fill(template: str, **values: str) -> str:
    """Fill ``{placeholders}``; an empty value takes its neighbouring comma and space with it."""
    out = template
    for key, value in values.items():
        token = "{" + key + "}"
        if value:
            out = out.replace(token, value)
        else:
            out = re.sub(r",\s*" + re.escape(token), "", out)
            out = re.sub(re.escape(token) + r",?\s*", "", out)
    out = re.sub(r"\s{2,}", " ", out).strip()
    return out[:1].upper() + out[1:] if out else out


def join_ack(acks: list[str]) -> str:
    """One acknowledgement sentence from several: "Great, our Kendall office, thank you, Maria.".

    One said twice is said once, and an opening said already ("Got it, …") is not said again:
    "Got it, I've updated that, I'll use 3 0 5 …"."""
    acks = list(dict.fromkeys(a.strip() for a in acks if a and a.strip()))
    if not acks:
        return ""
    text = acks[0].rstrip(".")
    openings = {text.split(",")[0].lower()} if "," in text else set()
    for extra in acks[1:]:
        extra = extra.rstrip(".")
        opening, _, rest = extra.partition(",")
        if rest and opening.lower() in openings:
            extra = rest.strip()
        elif rest:
            openings.add(opening.lower())
        keeps_capital = re.match(r"I\b", extra) is not None  # "I'll use …" stays "I'll"
        text += ", " + (extra if keeps_capital else extra[:1].lower() + extra[1:])
    return text + "."


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def office_list(profile: BusinessProfile) -> str:
    """The offices' names, for when the caller named no place that matched."""
    return _join([o.name for o in profile.offices])


def recap_request(profile: BusinessProfile, request) -> str:
    """The request in words ("to come in for an eye exam at our Kendall office, next Tuesday")."""
    parts = "to come in"
    reason = request.reason.strip(" .")
    words = normalize(reason).split()
    if (
        reason
        and words
        and words[0] not in _PRONOUN_START
        and len(words) <= 6
        and "," not in reason
        and not _FIRST_PERSON.intersection(words)
    ):
        # "an eye exam for my daughter": the agent speaks of "your daughter"
        reason = re.sub(r"\b(?:my|our)\b", "your", reason, flags=re.IGNORECASE)
        lead = reason.split()[0]
        if not (lead.isupper() and len(lead) > 1) and words[0] not in _PROPER:
            reason = reason[:1].lower() + reason[1:]  # "Glaucoma check," typed, mid-sentence
        parts += f" for {reason}"
    if request.office:
        parts += f" at our {request.office} office"
    time = request.preferred_time.strip(" .")
    if time:
        first = normalize(time).split()[0] if normalize(time) else ""
        if first not in _PROPER:
            time = time[:1].lower() + time[1:]
        parts += f", {time}"
    return parts


def goodbye_text(profile: BusinessProfile, first_name: str = "") -> str:
    """The closing line."""
    return fill(profile.phrases.goodbye, first_name=first_name)


def expect_phrases(profile: BusinessProfile, expect: str | None) -> list[str]:
    """Phrases the recognizer should expect after the agent asked for ``expect``."""
    if expect == "office":
        phrases: list[str] = []
        for office in profile.offices:
            phrases.extend(office.place_names())
        phrases.extend(o.street_name() for o in profile.offices if o.street_name())
        return list(dict.fromkeys(phrases))
    if expect == "insurance":
        return [*profile.insurance_plans, "no insurance", "self pay", "I don't have insurance"]
    if expect == "phone":
        return list(_DIGIT_WORDS)
    if expect == "anything_else":
        # Asked right after the callback number is read back: a correction is digits.
        return list(dict.fromkeys([*_YES_NO_WORDS, *_DIGIT_WORDS]))
    if expect == "yes_no":
        return list(_YES_NO_WORDS)
    if expect == "spelling":
        return list(string.ascii_lowercase)
    # No grammar for the reason or the day and time: their short words ("eye", "red", "dry";
    # "two", "at", "today") fit any short answer. Measured on the 276 scenario caller lines
    # decoded as answers to each question: the reason grammar turned 95 of the 219 lines that
    # name no reason into one ("Kendall." -> "to eye and", "Tyler Nguyen." -> "to i blurred
    # to") and was chosen for none of the 57 that do; the time grammar turned 83 lines into a
    # time ("No, that's all." -> "no that it's twelve") and read none right that the free
    # decoders missed (the domain LM hears both).
    return []
