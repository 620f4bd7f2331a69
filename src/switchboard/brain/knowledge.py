"""Answers to callers' questions, only from the profile's records (C4.5).

Two sources: approved FAQ answers (retrieved by weighted word overlap with a confidence
threshold) and structured office facts (hours, address, phone, services, providers). Anything
else is not answered here; the flow notes it for staff.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from switchboard.brain.numbers import spoken_digits
from switchboard.brain.text import normalize
from switchboard.profiles import BusinessProfile, Office

__all__ = [
    "Answer",
    "answer_question",
    "asks_in_words",
    "classify_question",
    "faq_match",
    "is_question",
]

FAQ_THRESHOLD = 0.45

_STOP = frozenset(
    """a an the and or but so if then than that this these those it its is are was were be been
    am i me my mine you your we our us he she his her they them their there here what who whom
    which when where why how do does did can could would should will shall may might must to of
    in on at by for with about as from up out into over have has had any some just also too very
    please thanks thank hi hello hey um uh well ok okay like get got there's what's i'm i'd you're
    question wondering know tell want need let one much many appointment appointments visit
    offer offers see provide take takes""".split()
)
# Plain-English equivalents, so "kids" finds "children" and "eyeglasses" finds "glasses".
_SYNONYMS = {
    "kid": "child",
    "kids": "child",
    "children": "child",
    "toddler": "child",
    "baby": "child",
    "pediatric": "child",
    "eyeglasses": "glass",
    "glasses": "glass",
    "frames": "glass",
    "frame": "glass",
    "spectacles": "glass",
    "parking": "park",
    "parked": "park",
    "garage": "park",
    "laser": "lasik",
    "duration": "long",
    "last": "long",
    "buy": "sell",
    "purchase": "sell",
    "optical": "sell",  # "do you have an optical shop?"
}
_QUESTION_START = re.compile(
    r"^(?:(?:so|and|also|um|uh|well|hi|hello|hey|ok|okay|great|then|yes|yeah|oh|good morning|"
    r"good afternoon|good evening)\s+)*"
    r"(?:do|does|did|is|are|was|when|where|"
    # "what I really need is a contact lens fitting" says what is wanted; it asks nothing
    r"what(?! (?:i|we) (?:really |actually |just )?(?:need|want|wanted|meant|mean|'m looking "
    r"for|am looking for|was hoping for) (?:is|was)\b)|what's|whats|"
    # A modal starts a question only before its subject: "would you", not the recognizer's
    # "would afternoon" for "good afternoon".
    r"(?:can|could|would|will|may|should|have|has)\s+(?:you|i|we|they|he|she|it|there|the|"
    r"your|my|our|y'all|someone|somebody|anyone|anybody|this|that|these|those)|"
    # "can a child …?", but "Have a good one." wishes, it asks nothing
    r"(?:can|could|would|will|may|should)\s+(?:a|an)|"
    # ("why a bump …" is a recognizer's "Hi, um …": "why" asks with a verb after it)
    r"where's|how|how's|which|who|who's|why (?=is|are|do|does|did|can|can't|won't|would|"
    r"should|not|isn't|aren't|don't|doesn't|didn't|was|were)|i was wondering|i wonder|"
    r"can you tell me|"
    r"could you tell me|tell me|i have a question|quick question|i had a question)\b"
)
# A phone recognizer adds stray words before a question ("like do you have parking"); after up
# to two of them only unmistakable question openings followed by two or more words count ("my
# eyes are red" and a mangled name "roberto do you hours" are no questions).
_QUESTION_AFTER_NOISE = re.compile(
    # ("that's what I need" says what; it asks nothing)
    r"^(?:(?!(?:that's|that|it's|this|exactly|is|know)\s)[a-z']+\s+){1,2}"
    r"(?:do you|do y'all|does|what|what's|where|where's|how (?:do|does|did|"
    r"much|many|long|late|early|far|soon|often|old|can|could|would|should|is|are|about)|when|"
    r"is there|are you|can i|can you|could you)(?:\s+[a-z']+){2,}|"
    # "quick question" with its first word misheard, anywhere: "like would question what do i
    # need to bring" (an audio run; three stray words before "what").
    r"\bquestion\s+(?:do you|does|what|what's|where|how|when|is there|are you|can i|can you|"
    r"could you)(?:\s+[a-z']+){2,}"
)
_HOURS_RE = re.compile(
    r"\b(?:hours|open|opens|opening|closes|closing|closed|what time|until when)\b"
    # "close" the verb, not the distance: "everything up close is blurry", "close to work"
    r"|(?<!up )(?<!very )(?<!so )(?<!too )(?<!pretty )(?<!really )(?<!is )(?<!'s )(?<!are )"
    r"\bclose\b(?! to\b| by\b| enough\b| up\b| distance\b)"
)
_ADDRESS_RE = re.compile(
    r"\b(?:address|located|location|where (?:are|is) (?:you|the|your|it)|directions|"
    r"how do i get|where exactly|what street)\b"
)
_HOLIDAY_RE = re.compile(
    r"\b(?:holidays?|thanksgiving|christmas|new year'?s?|easter|memorial day|labor day|"
    r"independence day|fourth of july|july 4th|veterans day|mlk day|martin luther king|"
    r"presidents day|juneteenth)\b"
)
_NO_HOLIDAY_HOURS = (
    "I don't have holiday hours on file, so I'll note your question for our staff; these are "
    "the regular ones."
)
#: The kind of an hours question about a holiday: the regular hours are said, and the question
#: is kept for staff (the profile holds no holiday hours).
HOLIDAY_HOURS = "holiday_hours"
#: The kind of a question about the day a doctor is in ("Is Dr. Whitfield at Round Rock on
#: Tuesdays?"): where the doctor works is said, and the question kept for staff (the profile
#: holds no schedules).
PROVIDER_SCHEDULE = "provider_schedule"
_NO_SCHEDULES = "I don't have the doctors' schedules, so I'll note your question for our staff."
_SCHEDULE_RE = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekends?|schedule|what days?|which days?|"
    r"when is|when does|this week|next week|tomorrow|today)\b"
)
_PHONE_RE = re.compile(r"\b(?:phone number|number for|direct number|(?:office|their) number)\b")
_YOU = r"(?:you|y'all|yall|you guys|you all)"
_SERVICES_RE = re.compile(
    rf"\b(?:services|what do {_YOU} (?:do|offer|treat)|do {_YOU} (?:do|offer|provide|treat|"
    rf"perform|have)|can {_YOU} (?:do|treat)|does (?:the|your) (?:office|practice) (?:do|offer))\b"
)
_PROVIDER_RE = re.compile(
    r"\b(?:doctors?|dr|optometrists?|ophthalmologists?|physicians?|providers?|surgeons?)\b"
)
_LANGUAGE_RE = re.compile(r"\b(spanish|english|french|portuguese|creole|chinese|vietnamese)\b")
_INSURANCE_Q_RE = re.compile(
    r"\b(?:take|accept|accepted|cover|covered|coverage|in network|in-network|work with|bill|"
    r"participate)\b"
)
_AVAILABILITY_RE = re.compile(
    r"\b(?:availability|available|openings?|open slots?|any slots?|anything open|"
    # "how long is the wait to get in right now?"
    r"how long is the wait|wait to get in|wait time|waiting list|how far out|"
    r"what(?:'s| is) the date|what day is|today's date|what date|is that a|earliest)\b"
)

#: Asking which offices there are: "which ones do you have?", "where are your offices?"
_WHICH_OFFICES_RE = re.compile(
    r"\b(?:which|what) (?:ones|offices|locations) (?:do|are there|have)|"
    r"(?:which|what) (?:ones|offices|locations) (?:do you|you) have|"
    r"where are (?:your|the|all your) (?:offices|locations)|"
    r"what are (?:my|the) (?:options|choices)|"
    r"how many (?:offices|locations)|"
    # "Do you have an office in Aventura?", "Is there one in Kyle?", "Do you have anything down
    # there?": a place with no office of ours (one of ours is matched as the office instead)
    r"\b(?:do you have|do y'all have|do you guys have|you have|is there|are there|have you got|"
    r"you got|any) (?:an? |any )?(?:office|offices|location|locations|one|anything|something|"
    r"place|branch)(?: (?:in|near|around|by|out|close to|closer to|down|up|over)\b| (?:down|up|"
    r"out|over) there\b)"
)
#: Asking how the request goes on: "Somebody will call me, yes? To tell me the time?", "Will
#: you call me to confirm?", "How will I know when it is?"
_FOLLOW_UP_RE = re.compile(
    r"\b(?:(?:will|would|is|are) (?:somebody|someone|anybody|anyone|you|you guys|they|staff|"
    r"the office|y'all) (?:going to |gonna )?(?:call|contact|get back to|let me know)|"
    r"(?:somebody|someone|you|they) (?:will|'ll|is going to|are going to|is gonna|are gonna) "
    r"(?:call|contact|get back to) me|"
    r"how (?:will|do|would) i (?:know|find out|hear)|will i (?:get a call|hear back|hear from))\b"
)


@dataclass(frozen=True)
class Answer:
    """An answer from the profile; ``needs_office`` when it depends on an unnamed office."""

    text: str
    kind: str
    needs_office: bool = False
    service: str = ""  # the one service a services answer names ("contact lens exam and fitting")


#: A sentence a caller ends with a rising voice ("?") that still states something: it opens
#: with the caller (or the patient) as its subject ("I wanted to get fitted for contacts?",
#: "She has a cataract?"), is a greeting ("Hello?"), or ends on a hedge ("the Gables, I
#: guess?"). "You take Aetna?" and "Saturday too?" stay questions.
_STATEMENT_OPENING = re.compile(
    r"^(?:(?:so|and|um|uh|well|oh|ok|okay|yeah|yes|hi|hello|hey|like|but)\s+)*"
    r"(?:i|i'm|i've|i'd|i'll|we|we're|we've|we'd|my|our|she|he|she's|he's|her|his|it's|"
    r"that's|there's|just)\b"
)
_WANTS_TO_KNOW_RE = re.compile(
    r"^(?:(?:so|and|um|uh|well|oh|ok|okay|yeah|yes|hi|hello|hey|good day)\s+)*"
    r"(?:i|we) (?:just )?(?:want|wanna|wanted|would like|'d like|need|needed) to (?:know|ask)\b|"
    r"^(?:(?:so|and|um|uh|well|oh)\s+)*(?:i was wondering|i wonder|i'm wondering)\b"
)
_GREETING_ONLY = re.compile(r"^(?:(?:hello|hi|hey|yes|yeah|oh|um|uh)\s*)+(?:there)?$")
_HEDGE_END = re.compile(
    r"\b(?:i guess|i think|i suppose|i believe|maybe|probably|or something|or so)$"
)
#: A statement the caller asks to have checked: "I don't think it covers LASIK, right?",
#: "you're closed Sundays, correct?"
_TAG_CHECK_END = re.compile(
    r",\s*(?:right|correct|is that right|is that correct|isn't it|aren't you|don't you|"
    r"doesn't it|do you|does it|or not|no)\s*\?\s*$",
    re.IGNORECASE,
)


def _asks_with_question_mark(sentence: str) -> bool:
    """Whether a sentence the caller ended with "?" asks something."""
    low = normalize(sentence)
    if not low or _GREETING_ONLY.match(low) or _HEDGE_END.search(low):
        return False
    if _WANTS_TO_KNOW_RE.match(low):
        return True  # "I want to know, you all does see small children?"
    if _TAG_CHECK_END.search(sentence):
        return True  # "I don't think it covers LASIK, right?"
    # "So this is kind of hard to explain, my eyes have just been weird lately?": its last
    # clause states
    last = normalize(sentence.rsplit(",", 1)[-1])
    if last and last != low and _STATEMENT_OPENING.match(last) and not _QUESTION_START.search(low):
        return False
    return not _STATEMENT_OPENING.match(low)


def opens_with_question(text: str) -> bool:
    """Whether ``text`` has a sentence that asks ("?") or starts as a question (stray words
    before the opening do not count, unlike :func:`is_question`)."""
    text = _without_form_questions(text)
    return _asked_with_question_mark(text) or _starts_as_question(text)


def _asked_with_question_mark(text: str) -> bool:
    if "?" not in text:
        return False
    asked = re.findall(r"[^.!?;]*\?", text)
    return any(_asks_with_question_mark(sentence) for sentence in asked)


def _starts_as_question(text: str) -> bool:
    # "…, do you take Aetna" asks; "My eye is hurting, is red and itchy" and "No, gracias, is
    # all" (English as a second language) do not: after a comma, the verb needs its subject
    sentences = re.split(
        r"[.!;?]\s*|,\s+(?=(?:(?:do|does|is|are|can) (?:you|i|we|they|he|she|it|there|that|"
        r"this|the|my|your|his|her|our|y'all|anyone|someone|somebody)|what|how|where)\b)",
        text,
        flags=re.IGNORECASE,
    )
    return any(_QUESTION_START.search(normalize(sentence)) for sentence in sentences)


def asks_in_words(text: str) -> bool:
    """Whether ``text`` is a question by its words, not only by a "?" ("After school? Like
    four-ish." answering "what day and time?" asks nothing)."""
    low = normalize(text)
    return (
        _starts_as_question(text)
        or bool(_QUESTION_AFTER_NOISE.search(low))
        or bool(_INFO_REQUEST_RE.search(low))
        or bool(ORDER_STATUS_RE.search(low))
        or _asks_inside(low)
    )


#: A question put as a statement, anywhere in the sentence: "I have an appointment tomorrow and
#: I just want to double-check the address", "I wanted to find out if you see kids".
_INFO_REQUEST_RE = re.compile(
    r"\b(?:i|we) (?:just |only )?(?:want|wanted|need|needed|would like|'d like|was hoping|"
    r"am trying|i'm trying) to (?:double check|check|confirm|verify|know|ask|find out|"
    r"make sure)(?: on| about)? (?:like |um |uh |you know )?(?:the (?:address|hours|location|"
    r"directions|parking)|your|"
    r"if|whether|what|when|where|how|which|who|about)\b"
    # a recognizer's version: "i just want to campbell check need address"
    r"|\b(?:want|wanted|need|needed) to (?:[a-z']+ ){1,3}(?:address|hours|directions)\b"
)
#: An order's status, which only staff can tell: "I was wondering if they're ready to pick up
#: yet", "I want to know it is ready or not", "have my contacts come in yet".
ORDER_STATUS_RE = re.compile(
    r"\b(?:if|whether) (?:they're|they are|it's|it is|they|it|my [a-z]+ (?:are|is)) "
    r"ready\b|\bready (?:to (?:be )?pick(?:ed)? up|for pick ?up|or not)\b|"
    r"\b(?:came|come|arrived) in yet\b"
)
#: A question inside a recognizer's run-on sentence ("ponce de leon got it him where do i park
#: over there"): only openings nothing else starts with, and not after the caller said what
#: they want ("i need a new pair of glasses do you have frames" asks for a visit).
_QUESTION_INSIDE_RE = re.compile(
    r"\b(?:where do i|where can i|where should i|what time do you|what time does|how late|"
    r"how long does|how much does|how much is|do you have|do you take|do you accept|"
    r"do you guys|do you see|do you sell|do you offer|are you open|is there parking|"
    r"you (?:guys )?(?:sell|carry)|what's the (?:address|phone number|number)|"
    # "to would about georgetown is there one eye care" ("What about Georgetown, is there one
    # up there?"), "… or do we have to go somewhere else"
    r"is there (?:one|an office|a location|an? [a-z]+ office)|do we have to|do i have to|"
    # "… next week and um what do i what do i need to bring with me"
    r"what (?:do|should|does) (?:i|we|she|he) (?:need to )?bring|"
    r"(?:check|double check) (?:the|your) (?:address|hours|location|directions|parking))"
    r"(?: [a-z']+)*"
)
_WANTS_BEFORE_RE = re.compile(r"\b(?:i need|i want|i'd like|i would like|looking for|book)\b")


def _asks_inside(low: str) -> bool:
    match = _QUESTION_INSIDE_RE.search(low)
    return bool(match) and not _WANTS_BEFORE_RE.search(low[: match.start()])


def is_question(text: str) -> bool:
    """Whether any sentence of ``text`` is phrased as a question (a recognizer's stray words
    before the opening allowed), or asks for information as a statement."""
    text = _without_form_questions(text)
    return _asked_with_question_mark(text) or asks_in_words(text)


#: A question about the agent's own questions, which the next question answers: "Do you need
#: my name too?", "Want me to spell it?".
_FORM_QUESTION_RE = re.compile(
    r"(?:^|(?<=[.!?;,])\s*)(?:(?:oh|um|uh|and|so|or)\s+)*(?:(?:do|did|would|will) you (?:need|"
    r"want)|you need|you want) (?:my|his|her|the|our|their) (?:name|last name|number|phone "
    r"number|date of birth|birthday)(?: too| as well| also)?\s*\?|"
    r"(?:^|(?<=[.!?;,])\s*)(?:(?:oh|um|uh|and|so)\s+)*(?:should i|do you want me to|want me "
    r"to|you want me to) spell (?:it|that|them)(?: for you| out)?\s*\?",
    re.IGNORECASE,
)


#: Pleasantries that ask nothing: "Hey, how's it going.", "Hi, how are you today?"
_PLEASANTRY_RE = re.compile(
    r"\b(?:how's it going|how is it going|how are you(?: doing)?(?: today)?|how you doing|"
    r"how are ya|how's your day(?: going)?|how have you been)\b\s*[?.!,]?",
    re.IGNORECASE,
)


def _without_form_questions(text: str) -> str:
    return _PLEASANTRY_RE.sub(" ", _FORM_QUESTION_RE.sub(" ", text))


def _stem(word: str) -> str:
    word = _SYNONYMS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _terms(text: str) -> list[str]:
    # "How long's an eye exam take?": the "'s" is "is"/"does", not part of the word
    words = [w.removesuffix("'s") for w in normalize(text).split()]
    terms = [
        # "can she get her glasses made there?": bought there
        "sell" if w == "made" and i and words[i - 1] in ("glasses", "lenses") else _stem(w)
        for i, w in enumerate(words)
        if w not in _STOP
        # "last week", "my last visit": the past, not how long something lasts
        and not (w == "last" and i + 1 < len(words) and words[i + 1] in _LAST_OF)
    ]
    if "child" not in terms and any(
        w in ("son", "sons", "daughter", "daughters", "grandson", "granddaughter")
        and any(v in _SEE_CHILD for v in words[max(0, i - 3) : i])
        for i, w in enumerate(words)
    ):
        terms.append("child")  # "do you see my son?" asks about children; "my son" alone not
    if "sell" not in terms and any(
        w in _EYEWEAR and any(v in _GET_EYEWEAR for v in words[max(0, i - 3) : i])
        for i, w in enumerate(words)
    ):
        terms.append("sell")  # "can she get her new glasses right there?": bought there
    return terms


_SEE_CHILD = frozenset("see sees seeing treat examine check take".split())
_EYEWEAR = frozenset("glasses eyeglasses lenses frames contacts".split())
_GET_EYEWEAR = frozenset("get order pick".split())


#: Words after "last" that make it "the previous": "last week", "last time", "last name".
_LAST_OF = frozenset(
    """week weeks month months year years time night visit appointment exam name one few couple
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def faq_match(profile: BusinessProfile, text: str) -> tuple[int, float] | None:
    """The best FAQ (index, score 0–1) for ``text`` if it clears the threshold."""
    if not profile.faqs:
        return None
    docs = [(set(_terms(f.q)), set(_terms(f.a))) for f in profile.faqs]
    n = len(docs)
    df: dict[str, int] = {}
    for q_terms, a_terms in docs:
        for term in q_terms | a_terms:
            df[term] = df.get(term, 0) + 1

    def idf(term: str) -> float:
        return math.log(1 + n / df.get(term, 1))

    # "moving to Cedar Park": a place's name asks about nothing ("park" is no parking)
    for office in profile.offices:
        for place in office.place_names():
            text = re.sub(rf"\b{re.escape(place)}\b", " ", text, flags=re.IGNORECASE)
    query = set(_terms(text))
    if not query:
        return None
    best: tuple[int, float] | None = None
    for index, (q_terms, a_terms) in enumerate(docs):
        if not q_terms:
            continue
        total = sum(idf(t) for t in q_terms)
        hit = sum(idf(t) for t in q_terms & query)
        hit_a = sum(idf(t) for t in (a_terms - q_terms) & query) * 0.25
        score = min(1.0, (hit + hit_a) / total) if hit else 0.0
        unique = [t for t in q_terms & query if df[t] == 1]
        if score < 0.75 and not unique:
            score = 0.0  # only generic words matched ("eye", "exam")
        elif unique and sum(idf(t) for t in unique) / total >= 0.3:
            score = max(score, FAQ_THRESHOLD)  # a word only this question has ("parking")
        if best is None or score > best[1]:
            best = (index, score)
    if best is None or best[1] < FAQ_THRESHOLD:
        return None
    return best


def classify_question(text: str) -> str | None:
    """The kind of question asked: insurance, availability, follow_up ("somebody will call
    me, yes?"), offices ("which ones do you have?"), or None for everything else."""
    low = normalize(text)
    if _WHICH_OFFICES_RE.search(low):
        return "offices"
    # the sentence that asks: "The insurance card, okay. And how long does it take?" asks
    # nothing about insurance
    asked = asked_part(text)
    if _INSURANCE_Q_RE.search(asked) and re.search(
        r"\b(?:insurance|plan|coverage|network)\b", asked
    ):
        return "insurance"
    if _AVAILABILITY_RE.search(low):
        return "availability"
    if _FOLLOW_UP_RE.search(low):
        return "follow_up"
    return None


def _office_sentence(office: Office, fact: str) -> str:
    if fact == HOLIDAY_HOURS:
        return f"{_NO_HOLIDAY_HOURS} {_office_sentence(office, 'hours')}"
    if fact == "hours":
        return f"Our {office.name} office is open {office.hours}."
    if fact == "address":
        return f"Our {office.name} office is at {office.address}."
    return f"You can reach our {office.name} office at {spoken_digits(office.phone)}."


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _providers_answer(profile: BusinessProfile, low: str, office: Office | None) -> str | None:
    names = {p.name: p for p in profile.providers}
    asked = []
    for provider in profile.providers:
        surname = normalize(provider.name).split()[-1]
        if re.search(rf"\b{re.escape(surname)}\b", low):
            asked.append(provider)
    office_names = {o.id: o.name for o in profile.offices}
    # "Her English isn't great, does Dr. Ruiz speak Spanish?": the other language is the one
    # asked about.
    spoken = sorted(_LANGUAGE_RE.findall(low), key=lambda w: w == "english")
    lang = spoken[0].capitalize() if spoken else None
    if asked:
        parts = []
        for p in asked:
            where = _join([office_names[i] for i in p.offices])
            plural = "offices" if len(p.offices) > 1 else "office"
            part = f"{p.name} is {_article(p.title)} {p.title} at our {where} {plural}"
            if lang and p.languages:
                # "Does Dr. Ruiz speak Spanish?": the languages on file answer it.
                part += f" and speaks {_join(list(p.languages))}"
            parts.append(part)
        answer = "; ".join(parts) + "."
        if lang and not any(lang in p.languages for p in asked):
            speakers = [p.name for p in names.values() if lang in p.languages]
            if speakers:
                verb = "speaks" if len(speakers) == 1 else "speak"
                answer += f" {_join(speakers)} {verb} {lang}."
        return answer
    if lang:
        speakers = [p for p in names.values() if lang in p.languages]
        if not speakers:
            return None
        here = [p for p in speakers if office is not None and office.id in p.offices]
        said = here or speakers
        verb = "speaks" if len(said) == 1 else "speak"
        spoken = f"{_join([p.name for p in said])} {verb} {lang}"
        if office is None:
            return f"{spoken}."
        if here:
            # "Does anybody at the Hialeah office speak Spanish?"
            return f"At our {office.name} office, {spoken}."
        where = _join(sorted({office_names[i] for p in said for i in p.offices}))
        return (
            f"None of the doctors at our {office.name} office speaks {lang}. "
            f"{spoken}, at our {where} offices."
        )
    pool = [p for p in profile.providers if office is None or office.id in p.offices]
    if not pool:
        return None
    listed = _join([f"{p.name}, {p.title}" if p.title else p.name for p in pool])
    if office is not None:
        return f"At our {office.name} office we have {listed}."
    return f"Our doctors are {listed}."


def asked_part(text: str) -> str:
    """The sentences of ``text`` that end in "?" (all of it when none does), normalized; a
    title's period ("Dr. Chen") ends no sentence."""
    asked = re.findall(r"(?:\b[DM]rs?\.|\bMs\.|[^.!?])*\?", text)
    return normalize(" ".join(asked) or text)


def provider_surnames(profile: BusinessProfile) -> set[str]:
    """The doctors' last names, normalized ("chen", "natarajan")."""
    return {normalize(p.name).split()[-1] for p in profile.providers}


def _asks_about_providers(profile: BusinessProfile, text: str) -> bool:
    """Whether the question (the sentences with "?", else all of it) is about the doctors:
    names one or a language, or asks "does he …" of one named before."""
    asked = asked_part(text)
    surnames = provider_surnames(profile)
    if _PROVIDER_RE.search(asked) or _LANGUAGE_RE.search(asked) or surnames & set(asked.split()):
        return True
    named_before = surnames & set(normalize(text).split())
    return bool(named_before) and re.search(r"\b(?:he|she|him|her|they)\b", asked) is not None


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _services_answer(profile: BusinessProfile, low: str) -> str | None:
    if re.search(rf"\bwhat (?:services|do {_YOU} (?:do|offer|treat))\b|\bservices\b", low):
        return f"We offer {_join(profile.services)}." if profile.services else None
    service = _service_asked(profile, low)
    return _one_service_answer(service) if service else None


def _one_service_answer(service: str) -> str:
    """ "Yes, diabetic eye exam is one of our services.": grammatical for any service name a
    profile lists ("urgent eye care", "contact lens exam and fitting")."""
    return f"Yes, {service} is one of our services."


def service_named(profile: BusinessProfile, text: str) -> str:
    """The one service of the profile ``text`` names best ("how much is a contact lens
    fitting?" → "contact lens exam and fitting"), or ""."""
    return _service_asked(profile, normalize(text)) or ""


def _service_asked(profile: BusinessProfile, low: str) -> str | None:
    """The one service of the profile a question names best ("contact lens fittings"), or
    None."""
    query = set(_terms(low)) - {"do", "offer", "provide", "treat", "perform", "have"}
    best = None
    for service in profile.services:
        terms = set(_terms(service)) - {"eye", "exam"}
        if terms and terms & query:
            overlap = len(terms & query) / len(terms)
            if best is None or overlap > best[0]:
                best = (overlap, service)
    return best[1] if best else None


def answer_question(
    profile: BusinessProfile, text: str, *, office_id: str | None = None
) -> Answer | None:
    """Answer ``text`` from the profile, or None when the profile holds no answer.

    Args:
        profile: The business.
        text: The caller's question.
        office_id: The office the question is about, when known (named in the question or
            already chosen by the caller).
    """
    low = normalize(text)
    office = profile.office(office_id) if office_id else None
    surnames = provider_surnames(profile)
    doctor_named = bool(surnames & set(asked_part(text).split()))
    # "I was looking at the wrong address. Is there parking over there?": the sentence that
    # asks says which fact, when it asks one the records answer
    asked = asked_part(text) if "?" in text else low
    fact = _office_fact_asked(asked, doctor_named)
    if fact is None and not (asked != low and faq_match(profile, asked)):
        fact = _office_fact_asked(low, doctor_named)
    if fact is not None:
        if fact == "hours" and _HOLIDAY_RE.search(low):
            # "Are y'all open the day after Thanksgiving?": no holiday hours are on file, so
            # none are said; the question is noted for staff and the regular hours said
            fact = HOLIDAY_HOURS
        if office is None:
            return Answer("", fact, needs_office=True)
        return Answer(_office_sentence(office, fact), fact)
    # "How long does an eye exam take? My son has to take off work to drive me.": the sentence
    # that asks is matched first; what is said beside it ("son") answers nothing
    faq = (faq_match(profile, asked_part(text)) if "?" in text else None) or faq_match(
        profile, text
    )
    # "Do you guys do vision therapy? Like eye exercises for kids? My son's pediatrician
    # mentioned it.": the sentence that asks for a service says which one; an answer found
    # only beside it ("kids", "pediatrician") answers another question
    asking = normalize(
        next(
            (s for s in re.findall(r"[^.!?]+[.!?]?", text) if _SERVICES_RE.search(normalize(s))),
            text,
        )
    )
    if faq is not None and _SERVICES_RE.search(low):
        if _service_asked(profile, asking) is None and not faq_match(profile, asking):
            faq = None
    if faq is not None:
        return Answer(profile.faqs[faq[0]].a, "faq")
    # "I had scans done with Dr. Natarajan last week. Are my results back yet?": a doctor named
    # beside the question is not what it asks about
    if _asks_about_providers(profile, text):
        text_answer = _providers_answer(profile, low, office)
        if text_answer and doctor_named and _SCHEDULE_RE.search(low):
            # where the doctor works is known; the days are not
            return Answer(f"{text_answer} {_NO_SCHEDULES}", PROVIDER_SCHEDULE)
        if text_answer:
            return Answer(text_answer, "providers")
    if _SERVICES_RE.search(low):
        text_answer = _services_answer(profile, asking)
        if text_answer:
            service = _service_asked(profile, asking)
            named = service if service and text_answer == _one_service_answer(service) else ""
            return Answer(text_answer, "services", service=named)
    return None


def _office_fact_asked(low: str, doctor_named: bool) -> str | None:
    """The office fact (hours, address, phone) ``low`` asks for, or None."""
    for fact, pattern in (("hours", _HOURS_RE), ("address", _ADDRESS_RE), ("phone", _PHONE_RE)):
        if fact == "address" and doctor_named:
            continue  # "Is Dr. Chen at that location?" asks where the doctor works
        if pattern.search(low) and not (fact == "phone" and re.search(r"\bmy number\b", low)):
            return fact
    return None


def office_fact(office: Office, fact: str) -> str:
    """The sentence for an office fact asked before the office was known."""
    return _office_sentence(office, fact)
