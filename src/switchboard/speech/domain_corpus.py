"""What callers of one business say: a sentence corpus built from its profile, for a domain LM.

The bundled pocketsphinx language model is general English; on phone audio it turns a caller's
"an eye exam" into "inviting gem" and "that's all" into "that's small". A small trigram model
of what callers of *this* business say (its services, offices and aliases, plans, day and time
words, closings, questions, common names) decoded beside the general model fixes most of that
(see :mod:`switchboard.speech.recognizer` for how the two results are compared).

Pure: profile facts in, sentences out. The phrasing templates are generic caller English, not
tuned to any test scenario; the business's own words come only from its profile.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from switchboard.common_names import FIRST_NAMES, SURNAMES
from switchboard.number_words import DIGIT_NAMES
from switchboard.profiles import BusinessProfile
from switchboard.speech.recognizer import words_of

_BOOK = [
    "i'd like to make an appointment for {x}",
    "i would like to make an appointment for {x}",
    "i'd like to book {x}",
    "i want to book {x}",
    "i want to make an appointment for {x}",
    "i need to schedule {x}",
    "i'd like to schedule {x}",
    "i need {x}",
    "i'd like {x}",
    "i'd like to come in for {x}",
    "can i come in for {x}",
    "i'm calling to book {x}",
    "i need an appointment for {x}",
    "hi i'd like to make an appointment for {x}",
    "hello i need {x}",
    "i'd like to get {x}",
    "i need to book {x} for my son",
    "i need to book {x} for my daughter",
    "i want to book {x} for my mother",
    "it's for {x}",
    "{x}",
    "{x} please",
    "just {x}",
]
_ARTICLES = ["a {s}", "an {s}", "{s}", "my {s}", "a new {s}"]
_GENERAL_BOOK = [
    "i'd like to make an appointment",
    "i need an appointment",
    "i want to make an appointment",
    "i'd like to book an appointment",
    "i need to see a doctor",
    "i'd like to see the eye doctor",
    "can i get an appointment",
    "do you have any appointments available",
    "do you have anything available this week",
    "i need new glasses",
    "i need new contacts",
    "my eyes have been {k}",
    "my eye is {k}",
    "i have {k} eyes",
    "i've been having {k}",
]
_PLACE = [
    "{p}",
    "{p} please",
    "the {p} office",
    "the {p} office please",
    "the one in {p}",
    "i'm in {p}",
    "i live in {p}",
    "we live in {p}",
    "i'm near {p}",
    "{p} is best",
    "{p} would be great",
    "i'd like the {p} office",
    "actually {p}",
    "actually it's {p}",
    "sorry i meant {p}",
    "in {p}",
    "at the {p} office",
    "i'd like to come in at {p}",
]
_PLAN = [
    "{i}",
    "i have {i}",
    "i've got {i}",
    "it's {i}",
    "my insurance is {i}",
    "i'm with {i}",
    "{i} like i said",
    "do you take {i}",
    "do you accept {i}",
    "is {i} accepted",
    "it's through {i}",
    "i'm on {i}",
    "she's on {i}",
    "he has {i}",
    "we have {i}",
    "i think it's {i}",
    "i have {i} through work",
    "i have {i} through my job",
    "{i} through my work",
    "{i} through my husband's job",
    "{i} through my wife's job",
]
_NO_PLAN = [
    "no insurance",
    "i don't have insurance",
    "i don't have any insurance",
    "i'll be paying cash",
    "self pay",
    "i'll pay myself",
    "cash",
]
_DAYS = "monday tuesday wednesday thursday friday saturday".split()
_PARTS = ["morning", "afternoon", "evening"]
_TIME = [
    "{d}",
    "{d} {t}",
    "next {d}",
    "next {d} {t}",
    "this {d}",
    "{d} in the {t}",
    "next {d} in the {t}",
    "{d} {t} if possible",
    "any {d}",
    "{d} or {d2}",
    "any weekday {t}",
    "any day in the {t}",
    "any {t} next week",
    "tomorrow {t}",
    "tomorrow",
    "next week",
    "as soon as possible",
    "the earliest you have",
    "{d} at {h}",
    "{d} at {h} in the {t}",
    "any weekday after {h}",
    "sometime next week",
    "the {o}",
    "the {o} in the {t}",
    "weekends are best",
    "mornings are better for me",
    # every week on that day or at that time of day
    "{d}s",
    "{d}s are best",
    "{d}s in the {t}",
    "{d} {t}s",
    "{t}s",
    "{t}s work best",
    "{t}s any day next week",
    "{d}s or {d2}s",
]
_HOURS = "one two three four five six seven eight nine ten eleven twelve noon".split()
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth twelfth fifteenth twentieth"
).split()
_CLOSING = [
    "no that's all",
    "no that's all thank you",
    "no that's all thanks",
    "no that's it",
    "no that's it thanks",
    "that's all",
    "that's all thank you",
    "that's it",
    "that's it thank you",
    "that's everything",
    "no that's everything",
    "no thank you",
    "no thanks",
    "nope that's it",
    "nothing else",
    "no nothing else thank you",
    "great thanks that's all",
    "okay thank you",
    "okay bye",
    "thank you bye",
    "thank you goodbye",
    "okay thanks bye",
    "yes",
    "yes please",
    "yeah",
    "yes that's right",
    "that's right",
    "that's correct",
    "correct",
    "no",
    "okay",
    "sure",
    "great",
    "perfect",
    "uh huh",
    "mm hmm",
    "hello",
    "hi",
    "yes i'm here",
    "sorry i'm still here",
]
_ASK = [
    "what are your hours",
    "what time do you open",
    "what time do you close",
    "are you open on saturday",
    "what are your hours at the {p} office",
    "where is your {p} office",
    "where is the {p} office located",
    "what's the address of the {p} office",
    "do you have parking",
    "is there parking",
    "what should i bring",
    "what do i need to bring",
    "do you see children",
    "do you see kids",
    "how long does an exam take",
    "do you do {s}",
    "do you sell glasses",
    "do you take my insurance",
    "which doctors work at {p}",
    "am i talking to a robot",
    "is this a real person",
    "are you a real person",
    "is this a recording",
]
_PERSON = [
    "can i talk to a person",
    "can i speak to a person",
    "i want to talk to a real person",
    "let me speak to a representative",
    "representative",
    "operator",
    "a real person please",
    "can i speak to someone at the front desk",
    "transfer me please",
]
_MESSAGE = [
    "i need to cancel my appointment",
    "i need to cancel",
    "i need to reschedule my appointment",
    "i need to reschedule",
    "i can't make my appointment",
    "please cancel my appointment",
    "i want to change my appointment",
    "i have a question about my bill",
    "i'm calling about my glasses order",
]
# Emergencies must be heard first time: how callers describe them, beyond the profile's signs.
_EMERGENCY = [
    "i got {c} in my eye",
    "i just got {c} in my eye",
    "i splashed {c} in my eye",
    "there's {c} in my eye",
    "i got {c} in my eye what should i do",
]
_EMERGENCY_PLAIN = [
    "i can't see out of my right eye",
    "i can't see out of my left eye",
    "i suddenly lost vision in my eye",
    "i woke up and i can't see",
    "i'm losing my vision",
    "i see flashes of light",
    "there's a curtain over my vision",
    "i hit my eye and it's bleeding",
    "something is stuck in my eye",
    "i got poked in the eye",
    "my eye really hurts",
    "i have severe eye pain",
    "it's an emergency",
    "this is an emergency",
]
_CHEMICALS = [
    "bleach",
    "chemicals",
    "a chemical",
    "cleaner",
    "acid",
    "ammonia",
    "chlorine",
    "pepper spray",
]

#: Several facts in one breath ("an eye exam at the Kendall office next Tuesday, I have Aetna").
#: Filled by :func:`_mix`, which walks the pools side by side instead of taking every
#: combination (that would drown the rest of the corpus). Measured with the scenario caller
#: lines as in ``recognizer.DOMAIN_DISCOUNT_MASS``: word errors 0.329 -> 0.321 (held-out
#: authors' lines 0.411 -> 0.397, ours 0.214 -> 0.216).
_TOGETHER = [
    "{x} at the {p} office",
    "i'd like {x} at the {p} office",
    "i need {x} in {p}",
    "{p} and i have {i}",
    "i'm in {p} and i have {i}",
    "i'd like {x} and i have {i}",
    "i'd like {x} {w}",
    "the {p} office {w}",
    "{x} at the {p} office {w}",
]

_NAME = [
    "{f} {l}",
    "my name is {f} {l}",
    "this is {f} {l}",
    "it's {f} {l}",
    "my name is {f}",
    "it's {f}",
    "this is {f}",
    "{l}",
    "my last name is {l}",
    "the patient's name is {f} {l}",
    "my name is {f} {l} not {l2}",
    "wait my name is {f} {l}",
]
_PHONE = [
    "{n}",
    "my number is {n}",
    "call me at {n}",
    "please call me on my cell {n}",
    "actually please call me at {n}",
    "use my cell instead {n}",
    "it's {n}",
]


def _fill(templates: Iterable[str], **values: Iterable[str]) -> Iterator[str]:
    keys = list(values)
    pools = [list(values[k]) for k in keys]
    for template in templates:
        used = [k for k in keys if "{" + k + "}" in template]
        if not used:
            yield template
            continue
        for combo in itertools.product(*(pools[keys.index(k)] for k in used)):
            yield template.format(**dict(zip(used, combo, strict=True)))


def _mix(templates: Iterable[str], **values: list[str]) -> Iterator[str]:
    """Each template filled as many times as its largest pool has items, the pools walked side
    by side (item k takes each pool's k-th item, wrapping), so every value appears."""
    for template in templates:
        used = [k for k in values if "{" + k + "}" in template]
        for k in range(max((len(values[u]) for u in used), default=1)):
            yield template.format(**{u: values[u][k % len(values[u])] for u in used})


def _digit_runs(count: int) -> list[str]:
    """Deterministic pseudo-random phone numbers read digit by digit (with "oh" for zero)."""
    runs = []
    state = 12345
    for _ in range(count):
        digits = []
        for _ in range(10):
            state = (state * 1103515245 + 12345) % (2**31)
            d = (state >> 16) % 10
            digits.append("oh" if d == 0 and state % 3 == 0 else DIGIT_NAMES[d])
        runs.append(" ".join(digits))
    return runs


def domain_sentences(profile: BusinessProfile) -> list[str]:
    """Sentences a caller of ``profile``'s business may say, lower case, one per item."""
    services = [s.lower() for s in profile.services]
    things = [a.format(s=s) for s in services for a in _ARTICLES] + ["an exam", "an eye exam"]
    keywords = [k.lower() for k in profile.reason_keywords] or ["sore"]
    places = [p.lower() for o in profile.offices for p in o.place_names()]
    plans = [p.lower() for p in profile.insurance_plans]
    out: list[str] = []
    out += _fill(_BOOK, x=things)
    out += _fill(_GENERAL_BOOK, k=keywords)
    out += _fill(_PLACE, p=places)
    streets = [o.street_name() for o in profile.offices if o.street_name()]  # "congress"
    out += [t.format(s=s) for s in streets for t in ("the one on {s}", "on {s}", "{s}")]
    out += [*_fill(_PLAN, i=plans), *_NO_PLAN]
    out += _fill(
        _TIME,
        d=_DAYS,
        d2=_DAYS[:2],
        t=_PARTS,
        h=_HOURS,
        o=_ORDINALS,
    )
    when = [
        t.format(d=d, t=p)
        for t in ("next {d} {t}", "{d} {t}", "{d}")
        for d in _DAYS[:5]
        for p in _PARTS[:2]
    ]
    out += _mix(_TOGETHER, x=things, p=places, i=plans, w=list(dict.fromkeys(when)))
    out += _CLOSING * 3
    out += _fill(_ASK, p=places, s=services)
    out += [f.q.lower() for f in profile.faqs]
    out += _PERSON + _MESSAGE
    out += [s.lower() for s in profile.emergency.signs]
    out += [*_fill(_EMERGENCY, c=_CHEMICALS), *_EMERGENCY_PLAIN]
    out += [f"i have {s.lower()}" for s in profile.emergency.signs]
    out += _fill(_NAME[:1], f=FIRST_NAMES, l=SURNAMES[:1])
    out += _fill(_NAME[:1], f=FIRST_NAMES[:1], l=SURNAMES)
    pairs = list(zip(itertools.cycle(FIRST_NAMES), SURNAMES, strict=False))
    for i, (first, last) in enumerate(pairs):
        template = _NAME[i % len(_NAME)]
        out.append(template.format(f=first, l=last, l2=SURNAMES[(i + 7) % len(SURNAMES)]))
    out += _fill(_PHONE, n=_digit_runs(40))
    # Hesitations alone and before answers, so a filler-only utterance can be heard as one
    # (and get no reply) instead of as the nearest real word.
    hesitations = [f.lower() for f in profile.fillers.get("en", [])]
    out += hesitations * 3
    out += [f"{a} {b}" for a in hesitations[:4] for b in hesitations[:4]]
    out += [f"{h} {p}" for h in hesitations[:3] for p in places]
    out += [f"{h} {p}" for h in hesitations[:3] for p in plans]
    out += [f"{h} {line}" for h in hesitations[:3] for line in _CLOSING[:10]]
    return [" ".join(words_of(s)) for s in out]
