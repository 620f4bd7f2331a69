"""Understanding callers without a language model (C4.3).

``understand`` reads one utterance, knowing what the agent just asked (``expect``), and returns
every fact and intent it found: names, phone numbers, offices, insurance, day/time words kept
verbatim, the visit reason in the caller's words, yes/no, corrections, and intents (book,
question, reschedule/cancel, talk to a person, emergency, robot question, goodbye). Every rule
reads the business profile for its vocabulary; nothing here names a particular business.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from switchboard.brain.knowledge import (
    ORDER_STATUS_RE,
    Answer,
    answer_question,
    asked_part,
    asks_in_words,
    classify_question,
    is_question,
    office_fact,
    opens_with_question,
    provider_surnames,
    service_named,
)
from switchboard.brain.names import (
    NOT_NAME,
    TITLES,
    PersonName,
    extract_last_name,
    extract_name,
    names_someone_else,
    spelled_word,
    split_name,
    stated_last_name,
)
from switchboard.brain.names import name_words as words_of_a_name
from switchboard.brain.numbers import extract_phone
from switchboard.brain.places import (
    InsuranceMatch,
    OfficeMatch,
    match_insurance,
    match_office,
    place_words,
    street_names,
)
from switchboard.brain.text import NOT_AFTER_TITLE, Token, normalize, tokens, without_fillers
from switchboard.common_names import is_common_first_name
from switchboard.profiles import BusinessProfile

__all__ = [
    "Understanding",
    "extract_reason",
    "extract_time",
    "is_emergency",
    "is_filler_only",
    "joining_words_only",
    "understand",
    "yes_no",
]

# --- fillers -----------------------------------------------------------------------------


def _squash(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def is_filler_only(text: str, fillers: list[str]) -> bool:
    """Whether ``text`` holds nothing but filler words ("Um.", "Uh, hmm", "ummm"), or nothing."""
    said = normalize(text).split()
    allowed = {_squash(f.lower()) for f in fillers}
    return all(_squash(w) in allowed for w in said)


# --- yes / no / done / corrections --------------------------------------------------------

_YES_RE = re.compile(
    r"^(?:yes|yeah|yea|yep|yup|ya|si|sure|correct|right|that's right|that's correct|uh huh|"
    r"uh-huh|mhm|mm hmm|mm-hmm|absolutely|definitely|of course|please do|i do|affirmative)\b"
)
_NO_RE = re.compile(r"^(?:no|nope|nah|not really|negative|no thanks|no thank you)\b")
_DONE_RE = re.compile(
    r"\b(?:that's all|that is all|that's it|that is it|that's everything|that'll be all|that "
    r"will be all|nothing else|nothing more|i'm good|i'm all set|we're good|all good|no thanks|"
    r"no thank you|goodbye|good bye|bye|have a (?:good|nice|great) (?:day|one|night)|i'm done|"
    r"that should be it|that's about it|nope that's|no that's|nah that's|covers it|that's enough|"
    r"that'll do|that will do|i'll wait to hear|wait to hear back|i'll wait for (?:the|your|a) "
    r"call|talk to you (?:then|soon|later))\b"
)
_ACK_ONLY_RE = re.compile(
    r"^(?:(?:ok|okay|alright|all right|great|perfect|cool|got it|sounds good|thanks|thank you|"
    r"thank you so much|thanks so much|no|nope|nah|nothing|bye|goodbye|awesome|wonderful|"
    r"excellent|fine|good)\s*)+$"
)
_CORRECTION_RE = re.compile(
    r"\b(?:actually|i meant|i mean|sorry|no it's|no it is|correction|change (?:it|that)|"
    r"make (?:it|that)|instead|wrong|not right|call me (?:on|at)|better number|reach me (?:on|at)|"
    r"my (?:cell|mobile|other number|work number)|it should (?:be|have been)|should've been|"
    r"supposed to be)\b"
)


def yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when the caller said neither."""
    low = normalize(text).replace("-", " ")
    if re.match(r"(?:no|nah) (?:yeah|yes|yep)\b", low):
        return True  # "No, yeah, that's right": the "no" brushes a doubt aside
    if _YES_RE.search(low):
        return True
    if _NO_RE.search(low):
        return False
    return None


# --- intents -------------------------------------------------------------------------------

_PERSON = (
    r"(?:(?:a |an )?(?:real|live|actual) (?:person|human|people|someone|somebody)|a person|"
    r"a human|human being|someone|somebody|anyone|anybody|a representative|representative|an "
    r"operator|operator|the operator|receptionist|the receptionist|front desk|the front desk|"
    r"the office|staff|a staff member|the staff|someone in the office|a human being|"
    r"(?:the |a |your )?(?:office )?manager)"
)
_HUMAN_RE = re.compile(
    # "with" as a recognizer may hear it ("can i speak which someone at the front desk")
    r"\b(?:(?:talk|speak|speaking|talking) (?:to|with|which|wit|width|too) " + _PERSON + r"|"
    r"transfer me|connect me|front desk please|receptionist please|"
    # "I need the front desk please", "can I get a human on the line?" (not "I need someone
    # to look at my eye": only a desk or a person as such)
    r"(?:need|needed|want|wanted|get|have|reach) (?:the front desk|front desk|"
    r"a (?:real |live |actual )?(?:human|person)(?! who)|(?:the )?receptionist|an operator|"
    r"the operator|a representative|a human being)|"
    r"put me through|get me " + _PERSON + r"|representative|operator|real person|live person|"
    r"actual person|human being|agent please)\b"
)
#: Someone to talk to about an eye problem: a doctor's visit when the words name one.
_CONSULT_RE = re.compile(
    r"\b(?:talk|speak) (?:to|with) (?:someone|somebody|a doctor|the doctor|an? eye doctor|a "
    r"specialist) (?:about|regarding)\b"
)
_ROBOT_RE = re.compile(
    r"\b(?:robot|machine|computer|a bot|bot|an ai|artificial|automated|recording|real person|"
    r"real human|a human|a person|human being)\b"
)
_ROBOT_Q_RE = re.compile(
    r"\b(?:am i (?:talking|speaking) (?:to|with)|are you|is this|is that|who am i (?:talking|"
    r"speaking) to|is it)\b"
)
_WANT_RE = re.compile(
    r"\b(?:want|need|let me|can i|could i|may i|i'd like|i would like|please|transfer|connect|"
    r"get me|give me)\b"
)
#: "Is this the eye doctor's office?", "Have I reached Bayside?": the caller checks whom they
#: called; it asks nothing the FAQ answers (not "is this the office that does LASIK?").
_IDENTITY_RE = re.compile(
    r"^(?:(?:hello|hi|hey|yes|yeah|um|uh|oh|sorry|excuse me)\s+)*"
    r"(?:is this|is that|is it|is(?= the\b)|have i reached|did i reach|am i calling|did i call|"
    r"i'm calling)\s+"
    r"(?P<rest>(?:[a-z']+\s*){1,6})$"
)
_IDENTITY_WORDS_RE = re.compile(
    r"\b(?:office|offices|practice|clinic|doctor|doctors|doctor's|eye|eyes|vision|optometrist|"
    r"optometry|ophthalmologist|ophthalmology|optical|eyecare|center)\b"
)
_IDENTITY_NOT_RE = re.compile(
    r"\b(?:that|which|who|where|when|does|do|open|have|has|take|takes|accept|near|in|on)\b"
)
#: "I'm calling to set up an eye exam", "… because I need an eye exam": why, not whom.
_CALLING_WHY_RE = re.compile(r"\bi'm calling (?:to|because|cause|about|for|regarding|since)\b")


#: Words of a choice being made: "Kendall then, I guess", "let's do the Austin one".
_CHOOSES_RE = re.compile(
    r"\b(?:then|instead|i guess|let's do|let's go with|let's say|go with|works better|"
    r"would work better|is better|i'd rather|rather)\b"
)


def _names_a_plan(profile: BusinessProfile, text: str, plan: str | None = None) -> bool:
    """Whether ``text`` says ``plan`` (else any of the profile's insurance plans) by name."""
    low = f" {normalize(text)} "
    return any(f" {normalize(p)} " in low for p in ([plan] if plan else profile.insurance_plans))


def _place_names(profile: BusinessProfile) -> frozenset[str]:
    """Every office name and alias of the profile, normalized."""
    return frozenset(
        normalize(place) for office in profile.offices for place in office.place_names()
    )


def _names_another_doctor(profile: BusinessProfile, low: str) -> bool:
    """Whether ``low`` names a doctor ("dr patel's office") who is none of the profile's."""
    named = re.search(r"\b(?:dr|doctor) ([a-z'-]+?)(?:'s)?\b", low)
    if named is None or named.group(1) in ("office", "s"):
        return False
    return named.group(1).removesuffix("'s") not in provider_surnames(profile)


#: A sentence of greeting words only ("Hello?", "Hi."), passed over to find the first that says
#: something.
_GREETING_WORDS_RE = re.compile(
    r"(?:(?:hello|hi|hey|yes|yeah|um|uh|oh|good morning|good afternoon|good evening)\s*)*"
)
#: "Is this Sunshine Pediatrics?": the caller asks for another kind of business (a wrong
#: number, most likely).
_OTHER_BUSINESS_RE = re.compile(
    r"^(?:(?:hello|hi|hey|yes|yeah|um|uh|oh|sorry|excuse me)\s+)*"
    r"(?:is this|is that|have i reached|did i reach|am i calling|did i call)\s+(?:the\s+)?"
    r"(?:[a-z'&-]+\s+){0,3}(?:pediatrics?|pediatrician'?s?|pharmacy|dental|dentist'?s?|"
    r"orthodontics?|orthodontist'?s?|dermatology|veterinary|vet'?s?|animal hospital|hospital|"
    r"pizza|restaurant|bank|law office|salon|plumbing|auto|insurance company|urgent care|"
    r"physical therapy|chiropractic|chiropractor'?s?)\b"
)
#: ... or names one with a rising voice, nothing else: "Hello, Farmacia Navarro?"
_OTHER_BUSINESS_NAMED_RE = re.compile(
    r"(?:(?:hello|hi|hey|um|uh|oh|yes)\s+)*(?:[a-z'&-]+\s+){0,2}(?:pharmacy|farmacia|pediatrics|"
    r"dental|dentistry|dentist's office|veterinary|animal hospital|pizza|restaurant|bank)"
    r"(?:\s+[a-z'&-]+){0,2}"
)
#: "Sorry, could you say that again?": the caller asks to hear the last reply again.
_REPEAT_RE = re.compile(
    r"\b(?:(?:say|repeat) (?:that|it|this|the (?:number|address|question)) (?:again|one more "
    r"time)|(?:could|can|would) you (?:please )?(?:say|repeat) (?:that|it|this)|repeat (?:that|it|"
    r"yourself)|(?:didn't|did not|couldn't|could not) (?:catch|hear|understand) (?:that|you|what "
    r"you said|it)|come again|pardon(?: me)?|what was that|what did you say|say again)\b"
)


#: "Hold on one second", "let me grab my card": the caller needs a moment.
#: Checking the line, and nothing else: "Hello? Hello?", "Are you there?", "I can barely hear
#: you, you're breaking up."
_LINE_CHECK_RE = re.compile(
    r"\b(?:hello|hi|hey|oh|um|uh|ugh|can you hear me(?: now| okay| ok)?|"
    r"(?:is )?(?:anyone|anybody|someone|somebody) there|are you (?:still )?there|"
    r"i can (?:barely|hardly|not|just barely) hear you|i can't (?:really )?hear you|"
    r"(?:you're|you are|it's|it is|the line is|this line is) (?:breaking up|cutting out|"
    r"really bad|so bad|bad)|bad (?:line|connection|reception)|i think)\b"
)
_HOLD_RE = re.compile(
    r"\b(?:hold on|hang on|one (?:sec|second|moment|minute)|just a (?:sec|second|moment|minute)|"
    r"give me a (?:sec|second|moment|minute)|bear with me|let me (?:grab|get|find|look for|check) "
    r"(?:my|the|it|that))\b"
)


def _is_identity_check(profile: BusinessProfile, low: str) -> bool:
    """Does the caller ask whether they reached this business ("is this the eye doctor's")?"""
    match = _IDENTITY_RE.match(low)
    if match is None or _CALLING_WHY_RE.search(low):
        return False
    rest = match.group("rest")
    names = set(normalize(profile.name).split()) - {"the", "of", "and"}
    return bool(
        _IDENTITY_WORDS_RE.search(rest) or names.intersection(rest.split())
    ) and not _IDENTITY_NOT_RE.search(rest)


_CHANGE_RE = re.compile(
    r"\b(?:reschedule|re schedule|rescheduling|cancel|cancell?ing|cancellation|"
    r"(?:move|change|switch|push back) (?:my|our|her|his|their|the) (?:[a-z]+ )?"
    r"(?:appointments?|appts?|visits?)|(?:move|push) (?:it|them|that) (?:back|up|to|out|forward)?|"
    r"(?:need|have|want) (?:to )?(?:move|change) (?:it|them|that)|"  # "I need change it"
    r"(?:change|move|switch) the (?:day|date|time)|"
    r"can't make (?:it|my)|(?:won't|will not|not) be able to make (?:it|my)|"
    r"can't come (?:in|to) (?:on|for) (?:my|our|her|his|the))\b"
)
#: "Could someone call me back?": a message for staff, unless it is about booking a visit.
#: A change taken back: "instead of cancelling", "rather than reschedule".
_CHANGE_TAKEN_BACK_RE = re.compile(
    r"\b(?:instead of|rather than) (?:cancel|cancelling|canceling|reschedul|re schedul)"
)
_CALLBACK_RE = re.compile(
    r"\b(?:call me back|calls? back|callback|give me a call|get back to me|"
    # what only staff or a doctor can act on: a refill, a question or message for the doctor
    r"refill|refilled|(?:renew|renewal of) (?:my |the |her |his )?(?:prescription|drops|"
    r"medication)|(?:question|message) for (?:the doctor|my doctor|dr\.? [a-z]+|doctor [a-z]+|"
    r"him|her)|leave (?:her |him |them |the doctor |dr\.? [a-z]+ )?(?:a )?message|"
    r"(?:someone|somebody|anyone|doctor|nurse|staff|office)(?: from [a-z]+| in [a-z]+)? "
    r"(?:to |could |can |would )?call me|billing (?:department|office|question)|"
    # "please have someone let me know", "have the staff check and get back to me"
    r"(?:have|get|ask) (?:someone|somebody|staff|the staff|them|the office|a person) (?:to )?"
    r"(?:let me know|get back to me|reach out|check and (?:call|get back))|"
    # a complaint is for staff to answer: "I sat in that waiting room almost an hour …
    # That's unacceptable."
    r"complain|complaint|unacceptable|manager (?:to )?call|"
    # a bill: "I got charged twice for my glasses", "I got a bill in the mail and I don't
    # understand why I owe …", "somebody from billing"
    r"charged (?:me )?twice|double[- ]?charged|overcharged|(?:got|received|have|get) (?:a|this|"
    r"the|my) bill|bill in the mail|my bill|billed|why i owe|i still owe|a refund|"
    r"(?:from|in|to) billing|"
    # what staff act on: an order, a late arrival, results, forms
    r"(?:order|reorder|re order) (?:more |new |some |my |a |another )?(?:[a-z0-9]+ ){0,3}?"
    r"(?:contacts|contact lenses|lenses|supply|boxes|box)|running (?:a (?:little|bit) )?late|"
    r"minutes late|be (?:a (?:little|bit) )?late|stuck in traffic|"
    r"(?:my|the|test|his|her) (?:[a-z]+ ){0,2}?results|results (?:back|from)|"
    r"dropped off (?:my |the |some )?(?:paperwork|forms)|(?:my|the) paperwork|"
    # a form the doctor fills out: "the DMV sent me a vision form that the doctor has to fill
    # out", "a work form for safety glasses"
    r"(?:fill|filled|filling) (?:out|in)|(?:dmv|disability) forms?|forms? (?:signed|filled)|"
    # more of a medicine: "I need more of the prednisolone drops Dr. Ruiz gave me"
    r"(?:more of|ran out of|run out of|running out of|almost out of) (?:my |the |her |his )?"
    # (not contact lenses: "I'm almost out of contacts and my prescription expired" needs a
    # fitting)
    r"(?:[a-z]+ ){0,2}?(?:drops|medication|medicine|pills|ointment)|"
    r"i'm (?:all )?out of (?:my |the )?(?:[a-z]+ )?(?:drops|medication)|"
    # something left at the office: "my little girl left her stuffed bunny at your office",
    # "I left my prescription sunglasses in the waiting room"
    r"(?:left|forgot|lost) (?:my|her|his|our|their|a) (?:[a-z]+ ){0,3}?(?:at|in) (?:your|the) "
    r"(?:office|waiting room|exam room|lobby|front desk)|did (?:anyone|anybody|someone|somebody)"
    r" (?:find|turn in|pick up)|lost and found|"
    # a referral or records sent elsewhere: "I need a referral on file", "my records sent to
    # my new eye doctor", "a retina report faxed to an endocrinologist"
    r"referral|(?:records?|chart|files?|report|prescription) (?:sent|transferred|faxed|"
    r"forwarded|emailed)|fax(?:ed)?|(?:send|transfer|forward) (?:my|his|her|the) (?:[a-z]+ )?"
    r"(?:records?|chart|files?|prescription|report)|"
    # papers staff send: "the school nurse wants a copy of my son's eyeglass prescription"
    r"cop(?:y|ies) of (?:my |his |her |their |our |the )?(?:[a-z']+ ){0,2}(?:prescription|"
    r"records?|receipts?|invoice|chart|results)|(?:send|fax|email|mail) (?:me |us |over |them )?"
    r"(?:a copy|the records|my records|his records|her records))\b"
)
#: The caller calling again themselves: "I'll think about it and call back" asks for nothing;
#: nor does someone else calling later: "I'll have my aunt call to set it up for her".
_SELF_CALLBACK_RE = re.compile(
    r"\b(?:i'll|i will|i can|i could|i might|i may|i'd|we'll|we will|i'm going to|i'm gonna|"
    r"let me) (?:[a-z']+ ){0,8}?(?:call|give you a call|ring)(?: you| y'all)?"
    # (not "I'll call back for me", "… for the other two": another visit, later)
    r"(?: back| again| later| tomorrow)+\b(?! (?:for|about) (?:me|myself|her|him|them|the "
    r"others?|my|our|[a-z]+'s)\b)|"
    r"\b(?:i'll|i will|i'm going to|i'm gonna) (?:have|get|ask) (?:my|her|his|our) [a-z']+ "
    r"(?:to )?call\b"
)
#: The caller calling again for someone else: "I'll call back for me", "I'll call again for my
#: wife and the little ones": today's request stands, and no call back is asked for.
_OTHERS_LATER_RE = re.compile(
    r"\b(?:i'll|i will|we'll|we will|i can|i'm gonna|i'm going to) (?:just )?(?:call|ring) "
    r"(?:you )?(?:back|again|later)(?: later)? (?:for|about) (?:me|myself|her|him|them|the "
    r"others?|my|our|[a-z]+'s|[a-z]+ and [a-z]+)\b"
)
_WRONG_NUMBER_RE = re.compile(
    # "sorry if this is the wrong number, do you do LASIK?" only wonders
    r"(?<!if this is the )(?<!if it's the )(?<!if i have the )(?<!if i've got the )"
    r"\b(?:wrong number|dialed the wrong|called the wrong|(?:dial|dialed|dialled|called) (?:it |"
    r"that |the number |you )?wrong|misdialed|wrong practice)\b"
)
# "Sorry, wrong number" with "wrong" misheard ("sorry bro number bye"): a short apology about
# "number" whose middle word says whose number it is would be something else.
_SORRY_NUMBER_RE = re.compile(r"^(?:oh |uh |um )?sorry (?:([a-z']+) )?number\b")
_NUMBER_OWNERS = frozenset(
    "my your our his her their the that this a an phone cell what what's which whose".split()
)
_INSURANCE_ASK_RE = re.compile(
    r"\b(?:takes?|accepts?|accepted|covers?|covered|coverage|in network|work with|bill|"
    r"participate)\b|"
    # said right after the plan: "Tricare. Is that gonna be a problem?"
    r"\bis that (?:gonna be |going to be )?(?:a problem|an issue)\b"
)
#: "Can somebody see him soon?": asking for a visit in so many words.
_SEE_PATIENT = (
    r"(?:someone|somebody|anyone|anybody|a doctor|the doctor|you|you guys|dr [a-z]+|"
    r"doctor [a-z]+) (?:see|look at) "
    r"(?:him|her|me|them|us|my (?:son|daughter|husband|wife|mom|dad|mother|father|kid|child))"
)
#: A visit asked for as a question: "Could she come to the Austin one for …?", "Can I book
#: a contact lens fitting?"
_REQUEST_AS_QUESTION_RE = re.compile(
    r"^(?:(?:ok|okay|so|then|well|and|um|uh|great|alright|all right)\s+)*(?:can|could|may) "
    r"(?:(?:i|she|he|we|they|my [a-z]+) (?:please )?(?:come in|come to|come by|go to|book|"
    r"schedule|make an? appointment|set up|get (?:in|seen|an appointment)|be seen)|"
    rf"{_SEE_PATIENT})\b"
)
#: "Could she come to the Austin one for a LASIK consultation?": a visit asked for.
_COME_TO = (
    # (not where the caller usually goes: "I go to the Hialeah office", "we always come to")
    r"(?:(?<=\bcan i )|(?<=\bcould i )|(?<=\bmay i )|(?<=\bshould i )|(?<=\bdo i )|"
    r"(?<=\bcan we )|(?<=\bcould we )|(?<=\bshould we )|(?<!\bi )(?<!\bwe ))"
    r"(?<!usually )(?<!always )(?<!normally )"
    r"(?:come|go) (?:to|into|over to|by) (?:the|your|y'all's|you guys') (?:[a-z]+ )?"
    r"(?:one|office|location|place)"
)
_BOOK_RE = re.compile(
    r"\b(?:appointments?|appts?|book|booking|"
    rf"{_COME_TO}|"
    # the verb, not "my work schedule"
    r"(?<!my )(?<!work )(?<!the )(?<!your )(?<!our )(?<!a )(?<!his )(?<!her )schedule|"
    r"come in|coming in|be seen|get seen|get (?:her|him|them|me|us|my [a-z]+) seen|see (?:a|the) "
    r"doctor|see someone|checkup|"
    rf"{_SEE_PATIENT}|check up|get my eyes checked|make an|set up a|request|"
    r"get (?:her|him|me|them|my (?:son|daughter|husband|wife|mom|dad|mother|father)) in|"
    r"get (?:the|my|our) (?:whole )?(?:family|kids|children|boys|girls) in|"
    r"get in (?:for|to see|soon|this|next|today|tomorrow)|"
    r"bring (?:him|her|them|my (?:son|daughter|husband|wife|mom|dad|mother|father|kid|child)) "
    r"in|"
    # "I need to bring my daughter Grace Kim to the Austin office for an eye exam"
    r"(?:bring|take) (?:him|her|them|my (?:son|daughter|husband|wife|mom|dad|mother|father|kid|"
    r"child|grandson|granddaughter|grandma|grandpa|boy|girl|baby))(?: [a-z'-]+){0,2}? "
    r"(?:in (?:to|for)|to (?:the|your|you|see|an?)|"
    r"for (?:an?|some|her|his|their) (?!ride\b|walk\b))|"
    # "Can I get a contact lens fitting?", "can I put in a request for a LASIK consultation?"
    r"(?:can|could|may) (?:i|we|she|he) (?:get|have) (?:a|an|my|her|his) (?:[a-z]+ ){0,3}?"
    r"(?:fitting|exam|checkup|check up|consultation|consult|evaluation|appointment|visit)|"
    r"put (?:in )?a request|put in for|"
    # "Could I get set up as a new patient for an eye exam?"
    r"get (?:me |her |him |them |us )?set up|set (?:me|her|him|them|us) up|as a new patient|"
    r"take a look|look at (?:it|them|my|her|his)|get (?:it|them|my eyes?|her eyes?|his eyes?) "
    r"(?:looked at|checked out)|get (?:it|them|my eyes?|her eyes?|his eyes?) "
    r"checked|set (?:that|it|this|one|something) up|get (?:that|it|one) (?:set up|scheduled|"
    r"booked))\b"
)
#: Asking for a visit in so many words (not just naming "my appointment" in a question).
_BOOK_VERB_RE = re.compile(
    r"\b(?:book|booking|schedule|make an?|set up|set (?:that|it|this|one) up|come in|coming in|"
    rf"be seen|get seen|get (?:her|him|me|them|my [a-z]+) in|{_SEE_PATIENT}|{_COME_TO}|"
    r"put (?:in )?a request)\b"
)
#: An appointment the caller already has ("I have an appointment tomorrow", "my appointment"):
#: no request for a new one unless a booking word is said besides it.
_EXISTING_APPT_RE = re.compile(
    r"\b(?:(?:i|we|she|he|they|my [a-z]+)(?:'ve)? (?:already )?(?:have|has|had|got) "
    # "I have a two o'clock appointment", "she has an eye appointment Monday"
    r"(?:(?:an|a|my|our|her|his|their|two|both) )?(?:[a-z0-9':]+ ){0,2}(?:appointments?|appts?)|"
    r"(?:my|our|her|his|their) (?:[a-z]+'s )?(?:appointments?|appts?)|"
    # "I'm taking my mom to her eye exam with you guys"
    r"(?:taking|bringing|driving) (?:my|her|his|our) [a-z]+ (?:in )?(?:to|for) (?:her|his|their|"
    r"my|the) (?:[a-z]+ )?(?:exam|appointment|appt|visit|checkup|check up)|"
    # "I've got an eye exam coming up"
    r"(?:exam|appointment|appt|visit|checkup|check up) (?:coming up|scheduled|already)|"
    # "my dad's coming in to see you for the first time next week"
    r"(?:[a-z]+'s|he's|she's|i'm|we're|[a-z]+ is|patient) (?:coming|going) in "
    r"(?:to see [a-z. ]+? )?"
    r"(?:for (?:the|her|his|my|our) first time )?(?:next|tomorrow|this|on|later|monday|tuesday|"
    r"wednesday|thursday|friday|saturday))\b"
)


#: "Do you have anything …", "is there something …": with a day or time, a question about
#: openings.
_ANYTHING_AT_RE = re.compile(
    r"\b(?:do you have|do you guys have|you have|is there|are there|have you got|you got|"
    r"could i get|can i get) (?:anything|something|any (?:openings?|spots?|slots?|time|room)|"
    r"a spot|a slot|an opening|room)\b"
)
_NEEDS_TO_RE = re.compile(r"\b(?:need|needs|want|wants|have|has|would like|'d like) to\b")


def _new_time_for_existing(low: str, time: str) -> bool:
    """ "I've got an appointment at the Austin office and I need to [move it to] sometime next
    week": an appointment already made and a day wanted after "need to" is a change, also
    when the recognizer lost the verb."""
    existing = _EXISTING_APPT_RE.search(low)
    if existing is None:
        return False
    needs = _NEEDS_TO_RE.search(low, existing.end())
    at = low.find(normalize(time).split()[0], needs.end()) if needs else -1
    return at >= 0


#: Asking for the visit now, whatever else is said: "I'd like to book", "can I make an
#: appointment".
_BOOK_NOW_RE = re.compile(
    r"\b(?:i'd like|i would like|i want|i wanna|i need|can i|could i|can you|could you|let's)\b"
    r"(?: [a-z']+){0,3} (?:book|schedule|make an?|set up|appointment|come in|be seen)\b"
)
#: A visit the caller says they do not want: "I don't need an appointment, I just want to
#: leave her a message".
_NO_VISIT_RE = re.compile(
    r"\b(?:(?:i|we|she|he) (?:don't|do not|doesn't|does not) (?:need|want|wanna)|not|no)"
    r" (?:to (?:make|book|schedule) )?(?:an? |another |a new )?(?:appointment|appt|visit)s?\b|"
    r"\b(?:i|we) (?:don't|do not) (?:need|want|wanna) to (?:book|schedule|make) (?:anything|"
    r"one|it)\b|"
    # "I'm not booking anything"
    r"\b(?:i'm|i am|we're|we are) not (?:booking|scheduling|making|calling to book|calling to "
    r"schedule|calling to make|trying to book)(?: anything| an appointment| a visit)?\b"
)


#: Past-tense words that make a day in their clause one gone by ("I was at your office
#: Monday"), unless they hedge a wish ("I was hoping for Monday").
_PAST_RE = re.compile(
    r"\b(?:was|were|went|came|sat|waited|visited|saw|got there|showed up|had)\b"
    r"(?! (?:hoping|wondering|thinking|wanting|looking|going|gonna|planning|told|supposed))"
)


#: Where one clause ends and the next begins, for telling what a clause is about (the past,
#: long ago): punctuation and "and"; with "but", a turn from one thing to another.
_CLAUSE_BREAK = r"[.,;!?]|\band\b"
_CLAUSE_TURN = _CLAUSE_BREAK + r"|\bbut\b"


def _said_of_the_past(text: str, time: str) -> bool:
    """Whether every piece of ``time`` sits in a clause told in the past tense."""
    clauses = [normalize(c) for c in re.split(_CLAUSE_BREAK, text)]
    pieces = [normalize(p) for p in time.split(",") if p.strip()]
    return bool(pieces) and all(
        any(piece in c and _PAST_RE.search(c) for c in clauses) for piece in pieces
    )


def _without_past_clauses(text: str) -> str:
    """``text`` without its clauses told in the past tense."""
    pieces = re.split(f"({_CLAUSE_BREAK})", text)
    return "".join(p for i, p in enumerate(pieces) if i % 2 or not _PAST_RE.search(normalize(p)))


#: Where a new time starts in a change of appointment: "move it to …", "reschedule for …".
_NEW_TIME_LEAD_RE = re.compile(
    r"\b(?:move|moved|moving|change|changed|switch|push|reschedule|rescheduled|make it|"
    r"bump)\b[^.?!]*?\b(?:to|for|till|until|into)\b\s*",
    re.IGNORECASE,
)


def _new_time(text: str) -> str | None:
    """The new day or time in a change of appointment ("… move it to Friday morning"), or
    None when only the visit being moved is named."""
    for lead in _NEW_TIME_LEAD_RE.finditer(text):
        found = extract_time(text[lead.end() :])
        if found:
            return found
    instead = re.search(r"[^.?!]*\binstead\b[^.?!]*", text, re.IGNORECASE)
    return extract_time(instead.group(0)) if instead else None


def _booking_words(low: str) -> bool:
    """Whether ``low`` asks for a visit (an appointment already made, or one the caller says
    they do not need, does not)."""
    return bool(_BOOK_RE.search(_NO_VISIT_RE.sub(" ", _EXISTING_APPT_RE.sub(" ", low))))


#: A caller asking for something: "i'm done" or "that's it" in the same breath is the
#: recognizer's, not a goodbye ("i'd like to get her in for in my age i'm done").
#: A question announced, not yet asked: "I have a question about an appointment", "quick
#: question", "can I ask you something?".
_WANTS_TO_ASK_RE = re.compile(
    r"(?:(?:hi|hello|hey|yes|yeah|um|uh|so|well|oh|okay|ok)\s+)*"
    r"(?:i (?:have|had|got|just have|just had)|i've got|i've just got|i just got|got|just) "
    r"(?:a |one |another |two |a couple of )?(?:quick |little |small |simple )?questions?"
    r"(?: (?:about|regarding|on|for) (?:an?|my|our|the|his|her|their|your) "
    r"(?:[a-z']+ ){0,2}?(?:appointments?|appt|visit|exam|bill|glasses|contacts|order|account|"
    r"insurance|office|practice))?(?: (?:for you|please|real quick))?|"
    r"(?:can|could|may) i ask (?:you )?(?:a (?:quick )?question|something)"
)
_BILL_RE = re.compile(r"\b(?:bill|billed|billing|charged|refund|invoice|statement|claim)\b")
#: Words that join other words and say nothing alone.
_JOINING_WORDS = frozenset("but and the a an of to i i'm in".split())


def joining_words_only(text: str) -> bool:
    """One or two words that say nothing by themselves: "Uh, hmm." heard by the recognizer as
    "but i'm" is a filler, not a turn to answer ("Sorry, I heard 'but i'm' …")."""
    words = normalize(text).split()
    return 0 < len(words) <= 2 and all(w in _JOINING_WORDS for w in words)


#: A service asked about by pointing back at it: "Do you do those?", "Do y'all offer that?"
_BACKREF_RE = re.compile(
    r"\b(?:do|does|can) (?:you|y'all|you guys|you all|your office|the office) (?:do|offer|"
    r"have|provide|perform) (?:those|that|them|these|it|this|one)\b"
)
#: Greetings and "how are you?" alone.
_PLEASANTRY_ONLY_RE = re.compile(
    r"(?:(?:hi|hello|hey|yes|yeah|oh|um|uh|well|good morning|good afternoon|good evening)\s+)*"
    r"(?:how's it going|how is it going|how are you(?: doing)?(?: today| this (?:morning|"
    r"afternoon|evening))?|how you doing|how are ya|how's your day(?: going)?|how have you been)"
)
_GOING_ON_RE = re.compile(r"\b(?:i'd like to|i would like to|i want to|i wanna|can i|could i)\b")

# Plain-English equivalents used to recognise the profile's emergency signs in callers' words.
_SIGN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "sudden": (
        "sudden",
        "suddenly",
        "all of a sudden",
        "abrupt",
        "abruptly",
        "out of nowhere",
        "woke up",
        "just now",
        "overnight",
        "out of the blue",
        # "his sight just went gray in one eye": sight that "just went" is sudden
        "just went gray",
        "just went grey",
        "just went dark",
        "just went black",
        "just went out",
        "just went blank",
        # "about an hour ago it was like a gray curtain", "it came on this afternoon"
        "an hour ago",
        "hour ago",
        "hours ago",
        "minutes ago",
        "came on",
    ),
    "loss": (
        "loss",
        "lost",
        "losing",
        "lose",
        "can't",
        "cannot",
        "can not",
        "couldn't",
        "could not",
        "gone",
        "went black",
        "went dark",
        "blind",
        "blacked out",
        "dark",
        # "the vision in her left eye just went out all of a sudden"
        "went out",
        "went away",
        "disappeared",
        "blanked out",
        "shut off",
        "turned off",
        "went gray",
        "went grey",
        # "all of a sudden started seeing double": sudden double vision is sent on as loss
        "seeing double",
        "double vision",
        "two of everything",
    ),
    "vision": ("vision", "see", "sees", "sight", "seeing", "eyesight", "blind"),
    "chemical": (
        "chemical",
        "chemicals",
        "bleach",
        "acid",
        "ammonia",
        "cleaner",
        "cleaning",
        "lye",
        "chlorine",
        "detergent",
        "solvent",
        "pepper spray",
        "drain",
        "alkali",
        "splashed",
        "sprayed",
    ),
    "eye": ("eye", "eyes", "eyeball"),
    "injury": (
        "injury",
        "injured",
        # "hit" is an everyday word ("make the appointment hit oh can i", an audio run's
        # mishearing): an injury only with whom or what it hit, or "got hit".
        "hit me",
        "hit my",
        "hit in",
        "hit his",
        "hit her",
        "hit him",
        "hit by",
        "hit with",
        "got hit",
        "get hit",
        "was hit",
        "been hit",
        "poked",
        "punched",
        "struck",
        "scratched",
        "trauma",
        "stabbed",
        "cut my eye",
        "hurt my eye",
        # "a branch whipped back and got me right in the eye", "took a baseball right to the
        # eye"
        "right in the eye",
        "right in my eye",
        "right to the eye",
        "got me in the eye",
        "smacked",
        "whacked",
        "elbowed",
    ),
    "something": (
        "something",
        "object",
        "metal",
        "glass",
        "piece",
        "splinter",
        "debris",
        "sliver",
        "shard",
        "dirt",
        "sand",
    ),
    "stuck": (
        "stuck",
        "lodged",
        "embedded",
        "caught",
        "in my eye",
        # said of the patient: "a piece of metal flew into his eye"
        "in his eye",
        "in her eye",
        "into my eye",
        "into his eye",
        "into her eye",
        "flew into",
        "went into",
    ),
    "flashes": ("flash", "flashes", "flashing", "sparkles"),
    "light": ("light", "lights"),
    # a shower of new floaters with flashes is the same warning as the curtain
    "curtain": (
        "curtain",
        "shadow",
        "veil",
        "shade",
        "floaters",
        "specks",
        "spots floating",
        "cobwebs",
        "black dots",
    ),
    "severe": (
        "severe",
        "terrible",
        "excruciating",
        "intense",
        "unbearable",
        "worst",
        "really bad",
        "extreme",
        "awful",
        "so bad",
    ),
    "pain": ("pain", "painful", "hurts", "hurting", "ache", "aching", "killing me"),
}
_SIGN_FILLER = frozenset("of the in a an with over to my".split())
_BODY_WORDS = frozenset("vision eye eyes sight".split())
_SPECIFIC_SIGN_WORDS = 3  # sign words besides the body part that make a sign specific
#: "eye" naming a kind of visit or product, not the hurt body part: "make the appointment, hit
#: oh … just a regular eye exam" (an audio run's mishearing) is no eye injury. An "eye" said of
#: the caller's own eye ("my eye", "the eye") stays.
_VISIT_EYE_RE = re.compile(
    r"\beyes? (?=(?:exams?|examination|doctors?|docs?|appointments?|appt|checks?|checkups?|"
    r"checked|care|tests?|centers?|clinic|glasses|drops|charts?|specialists?|visits?|"
    r"treatments?)\b)"
)


#: Words that put what a sentence tells long ago ("back in high school", "years ago", "it
#: healed"): an old injury is no emergency now.
_LONG_AGO_RE = re.compile(
    r"\b(?:years ago|months ago|a long time ago|long ago|back in (?:high school|college|the day|"
    r"\d{4}|nineteen|twenty)|when i was (?:a kid|a child|little|young|younger|in (?:high )?school)|"
    r"(?:it|that|they|everything) healed|healed (?:up|fine|well)|last year|as a kid|"
    # "About a month ago I got some cleaning spray in my eye … it's totally fine now"
    r"a month ago|a year ago|a couple (?:of )?(?:months|years) ago|(?:it's|it is|its|"
    r"everything's|i'm|they're) (?:totally |completely |all |perfectly )?(?:fine|better|healed)"
    r" now)\b"
)


#: Asking whether to go to the emergency room or call 911.
_ASKS_IF_ER_RE = re.compile(
    r"\b(?:should|do|must|need to|have to|go to|take (?:him|her|them|me) to|call)\b[^?.]{0,30}"
    r"\b(?:the er|er|emergency room|911|nine one one|urgent care|the hospital|hospital)\b"
)


#: A sensation, not a thing: "feels like (there is) something in my eye", "feeling of sand".
_FEELS_LIKE_RE = re.compile(
    r"\b(?:feels?|feeling|felt) (?:like|as if|as though)(?: there is| there| there's| it is)?"
    r" (?:something|sand|grit|dirt|an eyelash|a hair)|\bfeeling of (?:something|sand|grit)"
)


_CANT_SOMEBODY_SEE_RE = re.compile(
    r"\b(?:can't|cannot|couldn't|could not|can not) (?:somebody|someone|anybody|anyone|you|you "
    r"guys|they|the doctor|a doctor|y'all) (?:see|look at|check)\b"
)


def _has_phrase(low: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z']){re.escape(phrase)}(?![a-z'])", low) is not None


def is_emergency(profile: BusinessProfile, text: str) -> bool:
    """Whether the caller describes one of the profile's emergency signs (synonyms allowed)."""
    # "something's stuck in my eye": a contraction's "'s" hides the word before it.
    low = re.sub(r"(?<=[a-z])'s\b", "", normalize(text))
    low = _VISIT_EYE_RE.sub("", low)
    # "It feels like there's something in my eye": a feeling (dry eye's grit), not an object
    low = _FEELS_LIKE_RE.sub(" ", low)
    # "can't somebody see her soon?" asks for a visit; nobody lost their sight
    low = _CANT_SOMEBODY_SEE_RE.sub(" ", low)
    # "I had an eye injury back in high school, it healed fine": a sentence about long ago
    if _LONG_AGO_RE.search(low):
        clauses = re.split(_CLAUSE_TURN, text)
        low = " ".join(normalize(c) for c in clauses if not _LONG_AGO_RE.search(normalize(c)))
    if not low.strip():
        return False
    for sign in profile.emergency.signs:
        sign_low = normalize(sign)
        if _has_phrase(low, sign_low):
            return True
        words = [w for w in sign_low.split() if w not in _SIGN_FILLER]
        heard = [
            any(_has_phrase(low, syn) for syn in _SIGN_SYNONYMS.get(w, (w, w + "s"))) for w in words
        ]
        if words and all(heard):
            return True
        # The body part may go unsaid, or be misheard, when the rest is this specific:
        # "flashes of light and a curtain coming down" needs no "vision".
        rest = [h for w, h in zip(words, heard, strict=True) if w not in _BODY_WORDS]
        if len(rest) >= _SPECIFIC_SIGN_WORDS and all(rest):
            return True
        # ... or when the caller says what it does to them: "my son just got bleach splashed
        # in [his eye]", "there's something stuck in my [eye], it really hurts" (the eye
        # misheard "is my", "life").
        if (
            rest
            and all(rest)
            and len(rest) < len(words)
            and _INJURY_ACTION_RE.search(low)
            and not _OTHER_BODY_RE.search(low)  # "I had a knee injury and it hurts"
            and _sign_heard_besides_action(low, words)  # "splashed" alone is no chemical
        ):
            return True
    return False


def _sign_heard_besides_action(low: str, words: list[str]) -> bool:
    """Are a sign's words (its body part aside) heard in words other than the injury's
    action ("bleach … splashed", not "splashed" standing in for the chemical)?"""
    without = _INJURY_ACTION_RE.sub(" ", low)
    return all(
        any(_has_phrase(without, syn) for syn in _SIGN_SYNONYMS.get(w, (w, w + "s")))
        for w in words
        if w not in _BODY_WORDS
    )


_OTHER_BODY_RE = re.compile(
    r"\b(?:knee|knees|back|leg|legs|arm|arms|hand|hands|foot|feet|ankle|wrist|shoulder|neck|"
    r"tooth|teeth|stomach|finger|toe|hip|ear|ears|skin|chest)\b"
)
#: What an injury does, said beside a sign whose body part went unheard.
_INJURY_ACTION_RE = re.compile(
    r"\b(?:splash|splashed|sprayed|squirted|hurts|hurting|burns|burning|stings|stinging)\b"
)


# --- day and time (kept verbatim) ----------------------------------------------------------

_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_TIME_CORE = frozenset(
    _WEEKDAYS
    + [d + "s" for d in _WEEKDAYS]
    + [m for m in _MONTHS if m not in ("may", "mar", "jan")]
    + """today tomorrow tonight morning mornings afternoon afternoons evening evenings noon
    midday lunch lunchtime weekday weekdays weekend weekends asap anytime whenever earliest
    soonest o'clock""".split()
    # Spanish said among English ("el martes por la mañana", "viernes, Friday"): staff in
    # bilingual practices read it as said
    + "lunes martes miercoles jueves viernes sabado domingo manana tarde temprano".split()
)
_TIME_NUMBERS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve fifteen thirty forty
    fortyfive half quarter""".split()
)
_ORDINALS = frozenset(
    """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
    thirtieth twenty thirty""".split()
)
_TIME_JOIN = frozenset(
    """at in the on or and between around about after before by until till from to of early
    late next this coming following week any sometime a an through thru during beginning end
    middle start new oh por el la las los en de""".split()
)
#: Words that rule a day or time out: "any day except Monday" is kept whole, never "Monday".
_TIME_EXCEPT = frozenset("except excluding besides but not no other than scratch".split())
_TIME_LEFT = frozenset("next this coming following any early late sometime every the".split())
_TIME_AFTER = frozenset("at around about after before by until till from between".split())
#: What a number before them counts: "about four years" is no clock time.
_COUNTED_UNITS = frozenset(
    """year years month months week weeks day days hour hours minute minutes times people
    kids children pairs""".split()
)


_MINUTES = frozenset("oh five fifteen thirty forty".split())
_CLOCK_MINUTES = frozenset("fifteen thirty forty".split())
_HOUR_NAMES = frozenset(
    "one two three four five six seven eight nine ten eleven twelve".split()
    + [str(n) for n in range(1, 13)]
)


def _is_clock_word(word: str) -> bool:
    return word.isdigit() or word in _TIME_NUMBERS


#: Minutes said before "past"/"to" an hour: "half past two", "twenty past three", "ten to
#: four", "a quarter of five".
_MINUTE_NAMES = frozenset("half quarter five ten twenty 5 10 20 25".split())
_PAST_TO = frozenset("past after to till til of".split())
#: Spanish hours said among English: "a las diez", "a la una", "a las tres y media".
_SPANISH_HOURS = frozenset("una dos tres cuatro cinco seis siete ocho nueve diez once doce".split())


def _relative_clock(words: list[str]) -> set[int]:
    """Indices of clock times said relative to an hour ("half past two", "twenty five to
    four", "a quarter of five") and of Spanish hours ("a las diez", "a la una y media"),
    whose words are not clock words one by one."""
    found: set[int] = set()
    for i in range(1, len(words) - 1):
        if (
            words[i] in _PAST_TO
            and words[i - 1] in _MINUTE_NAMES
            and words[i + 1] in _HOUR_NAMES
            and (i + 2 >= len(words) or words[i + 2] not in _COUNTED_UNITS)
        ):
            found |= {i - 1, i, i + 1}
            if i >= 2 and words[i - 1] == "five" and words[i - 2] == "twenty":
                found.add(i - 2)  # "twenty five past"
    for i in range(2, len(words)):
        if words[i] in _SPANISH_HOURS and (
            (words[i - 1] == "las" and words[i] != "una")
            or (words[i - 1] == "la" and words[i] == "una")
        ):
            found.add(i)
            if i + 2 < len(words) and words[i + 1] == "y" and words[i + 2] in ("media", "cuarto"):
                found |= {i + 1, i + 2}  # "a las tres y media"
    return found


#: A day's routine that bounds a time: "after school", "before work", "after class".
_ROUTINE_WORDS = frozenset("school work lunch dinner class classes church".split())


#: Words ending in "s" after a clock number that still leave it a time ("after 3 works").
_NOT_COUNTED = frozenset("works thanks please sounds suits fits helps always anyways".split())


def _counted_thing(word: str | None) -> bool:
    """Whether ``word``, after a number, names things counted ("at three monitors"), not a
    clock time ("after 3, she's in school", "after 3 works")."""
    return bool(
        word
        and word.isalpha()
        and len(word) > 4
        and word.endswith("s")
        and word not in _NOT_COUNTED
        and word not in _TIME_CORE
    )


def _is_time_core(tok: Token, prev: str | None, nxt: str | None) -> bool:
    w = tok.word
    if w in _TIME_CORE or (w.endswith("'s") and w[:-2] in _TIME_CORE):
        return True  # "Thursday's best for me"
    if w in ("week", "weeks") and prev in ("next", "this", "following", "two", "three", "a"):
        return True
    if w == "week" and prev == "the" and nxt in ("after", "of", "between", "before"):
        return True  # "any time the week after", "the week of the 14th"
    if w in ("day", "days") and prev in ("any", "every", "other", "some", "which", "whichever"):
        return True
    if w in ("break", "vacation") and prev in _BREAK_KINDS:
        return True  # "during his winter break", "over Christmas break"
    if w == "may" and (nxt or "").isdigit():
        return True
    if w.isdigit() and 1 <= int(w) <= 31 and prev == "the" and nxt == "of":
        return True  # "the 15 of January", "the 22 of this month"
    if w in ("month", "month's") and prev in ("next", "this", "following", "coming", "the"):
        return True  # "next month", "the end of the month"
    if w in ("week", "weeks") and prev in _HOLIDAYS:
        return True  # "Thanksgiving week"
    if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)", w):
        return True
    if w in _ORDINALS and prev in ("the", "on") and nxt not in ("time", "one", "thing"):
        return True  # "the fifth", not "for the first time" or "the first one"
    if w in _ORDINALS and prev in _MONTHS:
        return True  # "December third"
    if (w.isdigit() and 1 <= int(w) <= 31) and prev in _MONTHS:
        return True  # "December 3"
    if (
        ((w.isdigit() and int(w) <= 24) or w in _TIME_NUMBERS)
        and prev in _TIME_AFTER
        and nxt not in _COUNTED_UNITS  # "it's been about four years", "for about three weeks"
        # "I stare at three monitors all day": things counted, not a clock time
        and not _counted_thing(nxt)
    ):
        return True  # "at 10", not "at 305 555 0174"
    if w in ("am", "pm") and prev is not None and (prev.isdigit() or prev in _TIME_NUMBERS):
        return True
    if re.fullmatch(r"\d{1,2}:\d{2}", w) or re.fullmatch(r"\d{1,2}(?:am|pm)", w):
        return True
    if w in _ROUTINE_WORDS and prev in ("after", "before"):
        return True  # "after school", "before work"
    if w in _HOLIDAYS or (w in ("year", "year's", "years") and prev == "new"):
        return True  # "right after the holidays", "after New Year's"
    if w in _CLOCK_MINUTES and prev is not None and prev in _HOUR_NAMES:
        return True  # "three thirty", "four fifteen" (not a phone's "three oh five")
    return False


_DAY_PARTS = frozenset({"morning", "afternoon", "evening"})
_HOLIDAYS = frozenset(
    "holidays christmas thanksgiving easter hanukkah kwanzaa passover ramadan".split()
)
#: Words before a holiday that make it a time: "after the holidays", "the week before Easter".
_HOLIDAY_BOUNDS = frozenset("after before until till around by past during between".split())
#: Words a holiday's time phrase reaches back over: "right after New Year's", "the week
#: after Thanksgiving", "sometime before Christmas".
_HOLIDAY_LEFT = _HOLIDAY_BOUNDS | frozenset(
    "the new right just sometime week weeks a couple of two few days over during between".split()
)


#: What a "break" is that gives a time: "winter break", "Christmas break".
_BREAK_KINDS = frozenset(
    "winter spring summer fall christmas holiday thanksgiving easter school february".split()
)
#: Words a break's time phrase reaches back over: "during his winter break".
_BREAK_LEFT = frozenset(
    "during over on in after before until till sometime the his her their my our its".split()
)


def _is_holiday(words: list[str], i: int) -> bool:
    w = words[i]
    return w in _HOLIDAYS or (w in ("year", "year's", "years") and i > 0 and words[i - 1] == "new")


def _holiday_bound(words: list[str], i: int) -> bool:
    """Whether the holiday at ``i`` is bounded ("after the holidays", "before New Year's")."""
    return any(w in _HOLIDAY_BOUNDS for w in words[max(0, i - 3) : i])


#: "good" as a recognizer may hear it before a greeting's day part ("would afternoon my name …").
_GOOD_SOUNDALIKES = frozenset({"good", "would", "could", "hood"})
#: Words before a greeting: "hi, good morning".
_GREETING_LEAD = frozenset("hi hey hello yes yeah oh uh um well".split())
#: Words that follow a greeting: the caller goes on to say who they are or why they call.
_AFTER_GREETING = frozenset(
    "my this i i'm i'd i've it's hi hello yes yeah how um uh and so we we're there".split()
)


def _greeting_at(text: str, toks: list[Token]) -> int | None:
    """Index of the day part of a greeting opening the utterance ("Good afternoon. My name's
    Harold …", "would afternoon my name cheryl …"), which is no preferred time; or None.
    "Would afternoon work?" and a bare "Afternoon." are times."""
    words = [t.word for t in toks]
    lead = 0
    while lead < len(words) and words[lead] in _GREETING_LEAD:
        lead += 1
    for i in (lead, lead + 1):
        if i >= len(words) or words[i] not in _DAY_PARTS:
            continue
        good = i == lead + 1 and words[lead] in _GOOD_SOUNDALIKES
        if i == lead + 1 and not good:
            return None
        nxt = words[i + 1] if i + 1 < len(words) else None
        said_good = good and words[lead] == "good"
        sentence_ends = nxt is None or text[toks[i].end :].lstrip()[:1] in (".", "!")
        if (said_good and sentence_ends) or (nxt is not None and nxt in _AFTER_GREETING):
            return i
        return None
    return None


_STREET_WORDS = frozenset(
    "street st avenue ave road rd boulevard blvd drive dr lane ln court ct place terrace way "
    "parkway highway floor suite".split()
)
_DIGIT_WORDS = frozenset(
    "zero oh o one two three four five six seven eight nine 0 1 2 3 4 5 6 7 8 9".split()
)


def _in_spoken_number(words: list[str], i: int) -> bool:
    """Is ``words[i]`` one of a run of five or more digits said one by one (a phone number),
    or a number written beside a run of digits ("at 1-786-555-0156")?"""
    if words[i].isdigit() and any(
        w.isdigit() and len(w) >= 3 for w in words[max(0, i - 1) : i + 2] if w != words[i]
    ):
        return True
    if words[i] not in _DIGIT_WORDS:
        return False
    start = i
    while start > 0 and words[start - 1] in _DIGIT_WORDS:
        start -= 1
    end = i
    while end + 1 < len(words) and words[end + 1] in _DIGIT_WORDS:
        end += 1
    return end - start + 1 >= 5


def extract_time(text: str, *, expecting: bool = False) -> str | None:
    """The caller's preferred day/time, as the exact words they used, or None.

    "Next Tuesday afternoon if possible." → "Next Tuesday afternoon";
    "Monday at ten in the morning." → "Monday at ten in the morning".
    """
    toks = tokens(text)
    if not toks:
        return None
    words = [t.word for t in toks]
    greeting = _greeting_at(text, toks)
    relative = _relative_clock(words)
    core = [
        i
        for i, t in enumerate(toks)
        if i != greeting
        and (
            i in relative
            or _is_time_core(
                t, words[i - 1] if i else None, words[i + 1] if i + 1 < len(words) else None
            )
        )
        and not _is_duration(words, i)
        and not (i + 1 < len(words) and words[i + 1] == "ago")  # "three weeks ago"
        # "Hialeah, on 49th Street" is a place; "call me at three zero five five five …" a
        # phone number
        and not (i + 1 < len(words) and words[i + 1] in _STREET_WORDS)
        and not _in_spoken_number(words, i)
        # "whenever I read": a clause, not a time ("whenever you have something" is one)
        and not (words[i] == "whenever" and i + 1 < len(words) and words[i + 1] in _CLAUSE_SUBJECTS)
        # "before school starts" said in passing is a deadline; asked for, "after school"
        # is the time
        and (expecting or words[i] not in ("school", "work", "class"))
        # "bad over the holidays" is when something happened; "after the holidays" is a
        # time, and so is any holiday said when a time was asked for
        and not (_is_holiday(words, i) and not expecting and not _holiday_bound(words, i))
    ]
    if not expecting and core and all(words[i] in _MONTHS for i in core):
        # "we switched in January": a month alone, not asked for, is no preference
        if not any(words[j].isdigit() or words[j] in _ORDINALS for j in range(len(words))):
            core = []
    low = normalize(text)
    phrase = _TIME_PHRASE_RE.search(low)
    if not core:
        if phrase:
            return phrase.group(0) if not expecting else _clean_verbatim(text)
        return None
    if not expecting and all(words[i] in ("today", "tonight") for i in core):
        return None
    # Clusters of core words joined by short runs of joining words, within a sentence.
    clusters: list[list[int]] = []
    for i in core:
        if clusters:
            last = clusters[-1][1]
            gap = words[last + 1 : i]
            between = text[toks[last].end : toks[i].start]
            if (
                len(gap) <= 4
                and not re.search(r"[.!?;]", between)
                and all(
                    g in _TIME_JOIN
                    or g in _TIME_EXCEPT
                    or g in _TIME_NUMBERS
                    or g.isdigit()
                    or g in _ORDINALS
                    for g in gap
                )
            ):
                clusters[-1][1] = i
                continue
        clusters.append([i, i])
    clusters = _without_repeats(words, _without_restated_exceptions(words, clusters))
    chosen = clusters[:1]
    # "Tuesday morning. Actually, make that Wednesday morning": the time after the last
    # correction is the one meant.
    fix = _last_correction(words)
    instead: list[int] | None = None
    if fix is not None and words[fix] == "instead":
        # "Wednesday afternoon. No, wait … Thursday afternoon instead": the piece right before
        # "instead" is the correction (what follows says why: "Wednesdays I watch my
        # grandson"); "Tuesday instead of Wednesday" keeps Tuesday.
        if fix + 1 < len(words) and words[fix + 1] == "of":
            clusters = [c for c in clusters if c[0] != fix + 2]
            fix = None
        else:
            instead = next((c for c in clusters if c[1] == fix - 1), None)
    after = [c for c in clusters if fix is not None and c[0] > fix]
    # "Actually, scratch the morning. Friday after lunch is better": what is scratched is not
    # the time meant when another follows
    kept = [c for c in after if "scratch" not in words[max(0, c[0] - 2) : c[0]]]
    scratched = bool(kept) and len(kept) < len(after)
    after = kept or after
    # "Friday. No, scratch that, Fridays are bad. Thursday, any time.": after the correction,
    # the day it rules out is not the one meant
    meant = [c for c in after if not _RULED_OUT_AFTER_RE.match(" ".join(words[c[1] + 1 :]))]
    after = meant or after
    chosen_later = [c for c in after[1:] if _CHOOSES_TIME_RE.search(" ".join(words[: c[0]]))]
    if chosen_later:
        # "Saturday? Actually no, Saturdays are my kid's soccer. Let's say Monday": the day
        # chosen after the correction, not the one it talks about
        after = chosen_later[-1:]
    while len(after) > 1 and set(words[after[0][0] : after[0][1] + 1]) <= set(
        words[after[1][0] : after[1][1] + 1]
    ):
        after = after[1:]  # "no, wait, Wednesday. Wednesday morning would be better"
    before = [c for c in clusters if fix is not None and c[0] < fix]
    if instead is not None:
        chosen = [instead]
    elif after and before and not (_kinds(words, after[0]) & _kinds(words, before[-1])):
        # "Monday or Tuesday, I mean, like late morning": the later piece adds a part of the
        # day to the days; it replaces nothing
        chosen = [before[-1], after[0]]
    elif after and (before or scratched):
        chosen = after[:1]
    elif expecting:
        # The answer to "what day and time?" may hold more than one piece, with words
        # between them that join nothing ("Mornings, anytime next week" heard as "mornings in
        # eight i'm next week"): each piece is the caller's, so all of them are kept (but
        # not a day the caller says they are busy: "I got dominoes on Wednesdays").
        free = [c for c in clusters if not _busy_clause(text, toks[c[0]].start)]
        chosen = (free or clusters)[:3]
        # "Tuesdays my son has soccer, Wednesday the groomer …, so Monday morning, I guess":
        # the day the caller's reasons lead to
        concluded = [c for c in clusters[1:] if words[c[0] - 1] == "so"]
        if concluded:
            chosen = concluded[-1:]
    floor = 0 if greeting is None else greeting + 1
    pieces = [
        (toks[start].start, _time_words(text, toks, start, end, floor)) for start, end in chosen
    ]
    if expecting:
        # "As early as possible. First thing in the morning": a preference said without a
        # day or clock word is a piece of its own.
        for match in _ASKED_TIME_PHRASE_RE.finditer(text.lower()):
            said = text[match.start() : match.end()]
            if any(normalize(said) in normalize(piece) for _, piece in pieces):
                continue
            pieces = [(at, p) for at, p in pieces if normalize(p) not in normalize(said)]
            pieces.append((match.start(), said))
        pieces = sorted(pieces)[:3]
    return ", ".join(piece for _, piece in pieces)


#: Preferences said without a day or clock word.
_TIME_PHRASES = (
    r"as soon as possible|as early as possible|earliest (?:available|possible|opening)|"
    r"first available|first thing(?: in the morning)?|(?:the )?week after next|any ?time|"
    r"any day|whatever works|doesn't matter|i'm flexible|flexible|"
    r"(?:later|earlier) (?:in (?:the )?|this )(?:week|month)"
)
_TIME_PHRASE_RE = re.compile(rf"\b(?:{_TIME_PHRASES})\b")
#: ... and, asked for, a part of the day or week ("sometime in the middle of the day"); said
#: in passing it is about something else ("headaches at the end of the day").
_ASKED_TIME_PHRASE_RE = re.compile(
    rf"\b(?:{_TIME_PHRASES}|(?:some ?time (?:in |at |around |toward |towards )?)?(?:the )?"
    r"(?:middle|end|beginning|start) of the (?:day|week|month))\b"
)


_DAY_PART_WORDS = frozenset(
    "morning mornings afternoon afternoons evening evenings noon midday lunch lunchtime "
    "o'clock".split()
)


def _kinds(words: list[str], piece: list[int]) -> set[str]:
    """What a time piece names: a day, a part of the day, a clock time."""
    kinds = set()
    for w in words[piece[0] : piece[1] + 1]:
        if w.rstrip("s") in _WEEKDAYS or w in ("today", "tomorrow", "weekday", "weekdays", "week"):
            kinds.add("day")
        elif w in _DAY_PART_WORDS:
            kinds.add("part")
        elif _is_clock_word(w):
            kinds.add("clock")
        elif w in _MONTHS or w in _ORDINALS:
            kinds.add("day")
    return kinds


def _without_repeats(words: list[str], clusters: list[list[int]]) -> list[list[int]]:
    """Drop a later piece that says again what an earlier one said ("Thursdays are best. My
    daughter drives me on Thursdays.")."""
    kept: list[list[int]] = []
    said: list[set[str]] = []
    for start, end in clusters:
        piece = {w for w in words[start : end + 1] if w not in _TIME_JOIN}
        if piece and any(piece <= earlier for earlier in said):
            continue
        said.append(piece)
        kept.append([start, end])
    return kept


def _is_duration(words: list[str], i: int) -> bool:
    """ "(for) two weeks" says how long something has lasted, not when to come in ("my eye's
    been twitching for like two weeks"); "in two weeks" stays a time."""
    if words[i] not in ("week", "weeks", "day", "days"):
        return False
    j = i - 1
    while j >= 0 and (words[j] in _DURATION_AMOUNTS or _is_clock_word(words[j])):
        j -= 1  # "for about a week", "for the past couple of days"
    return (
        j >= 0
        and j < i - 1
        and (
            words[j] in ("for", "like", "past", "last", "over")
            # "it's been there about two weeks", "it's been a week"
            or words[j] == "been"
            or (words[j] == "there" and j > 0 and words[j - 1] == "been")
        )
    )


#: Words around a day offered with a rising voice: "Maybe Thursday?", "How about Tuesday or
#: Wednesday morning?"
_OFFER_WORDS = frozenset(
    "maybe perhaps possibly probably or and like how about what say um uh so then i guess "
    "think would be ideal best good great better fine".split()
)


#: Words that make a part of the day said unasked a preference: "mornings are better",
#: "I can go on my lunch break", "I'd like an afternoon appointment".
_PREFERS_RE = re.compile(
    r"\b(?:prefer|preferably|like|love|want|need|needs|works?|working|better|best|ideal|"
    r"good|great|"
    r"available|free|can|could|come|go|get in|appointment|appt|visit|schedule|book|see|"
    r"only|except|not)\b"
)


def _day_part_in_passing(text: str, time: str) -> bool:
    """Whether ``time`` is only a part of the day ("the afternoon") said in a sentence that
    states no preference: when a problem happens, not when the caller can come."""
    words = normalize(time).split()
    if not words or not all(w in _DAY_PART_WORDS or w in ("the", "by", "in", "at") for w in words):
        return False
    for sentence in re.split(NOT_AFTER_TITLE + r"[.;!?]+", text):
        if normalize(time) in normalize(sentence):
            return not _PREFERS_RE.search(normalize(sentence))
    return False


_NEED_RE = re.compile(r"\b(?:i|we|she|he) (?:need|needs|want|wants|would like|'d like)\b")
#: When a problem began: "woke up with pink eye this morning", "it started last night".
_ONSET_RE = re.compile(
    r"\b(?:woke up|wakes up|started|starting|began|begun|noticed|happened|came on|showed up|"
    r"popped up|since)\b"
)
_ONSET_TIME_RE = re.compile(r"\b(?:yesterday|last night|today|tonight|this morning)\b")
#: "Is" for "it is", as second-language English says it: "Yes, is my number.", "is correct".
_IS_STATES_RE = re.compile(
    r"(?:^|\b(?:yes|yeah|si|ok|okay|no) )is (?:my (?:number|cell|phone|home|work)|the (?:right|"
    r"correct) (?:number|one)|correct|right|fine|good|okay|ok)\b"
)
_HOW_ABOUT_RE = re.compile(r"^(?:(?:so|and|well|um|uh|ok|okay|then)\s+)*(?:how|what) about\b")


def _offers_times_only(text: str) -> bool:
    """Whether every sentence ending in "?" is a day or time offered and nothing more."""
    asked = re.findall(r"[^.!?;]*\?", text)
    if not asked:
        return False
    for sentence in asked:
        said = extract_time(sentence)
        if said is None:
            return False
        rest = normalize(sentence.replace(said, " ")).split()
        timeish = set(normalize(said).split())
        if any(w not in _OFFER_WORDS and w not in timeish for w in rest):
            return False
    return True


_TAG_QUESTION_RE = re.compile(
    r"[,.]?\s*\b(?:is that|is this|would that be|does that|would that|will that|that) "
    r"(?:ok|okay|alright|all right|fine|good|work|works)(?: for you)?\s*\?|"
    # "Can we make this fast? Glaucoma check, Coral Gables.": a plea to hurry asks nothing
    r"^\s*(?:(?:can|could) (?:we|you) (?:make|keep|do) (?:this|it|that) (?:fast|quick|quickly|"
    r"short|snappy)|(?:can|could) (?:we|you) (?:hurry|speed (?:this|it|things) up)(?: up)?)"
    r"(?: please)?\s*\?",
    re.IGNORECASE,
)
_PRICE_RE = re.compile(r"\b(?:how much|cost|costs|price|prices|charge|fee)\b")
#: A day changed in the form of a question.
_TIME_CHANGE_ASK_RE = re.compile(
    r"\b(?:make it|make that|change it to|change that to|move it to|switch it to|instead)\b"
)
_CLAUSE_SUBJECTS = frozenset("i i'm my we she he they it it's".split())
#: Words between "for" and "week(s)"/"day(s)" in a duration.
_DURATION_AMOUNTS = frozenset("a an about around almost nearly like couple of few the".split())


def _without_restated_exceptions(words: list[str], clusters: list[list[int]]) -> list[list[int]]:
    """Drop a later piece that only names a day already ruled out ("any day except Monday, she
    has dialysis on Monday"): it says why, not when."""
    ruled_out: set[str] = set()
    kept: list[list[int]] = []
    for start, end in clusters:
        piece = words[start : end + 1]
        days = {w.rstrip("s") for w in piece if w.rstrip("s") in _WEEKDAYS}
        if days and days <= ruled_out and not any(w in _TIME_EXCEPT for w in piece):
            continue
        for k, w in enumerate(piece):
            if w in _TIME_EXCEPT:
                ruled_out |= {x.rstrip("s") for x in piece[k + 1 :] if x.rstrip("s") in _WEEKDAYS}
        kept.append([start, end])
    return kept


def _time_words(text: str, toks: list[Token], start: int, end: int, floor: int = 0) -> str:
    """The time phrase around the core words ``start..end``, widened to its lead and clock
    words (not back past ``floor``), as said (clock times in digits)."""
    words = [t.word for t in toks]
    if words[start] in ("break", "vacation"):
        # "during his winter break", "over the Christmas break", "after spring break"
        start = _widened(text, toks, start - 1, floor, _BREAK_LEFT)
    if _is_holiday(words, start):
        start = _widened(text, toks, start, floor, _HOLIDAY_LEFT)
    start = _widened(text, toks, start, floor, _TIME_LEFT)
    if (
        start >= floor + 2
        and words[start - 1] == "of"
        and words[start - 2] in ("end", "beginning", "middle", "start")
    ):
        start -= 2  # "the end of the month", "beginning of next month"
        while start > floor and words[start - 1] in ("the", "at", "by", "toward", "towards"):
            start -= 1
    start = _day_bound_start(text, toks, words, start, floor)
    if (
        start >= floor + 2
        and words[start] == "the"
        and words[start - 1] == "in"
        and _is_clock_word(words[start - 2])
    ):
        start -= 2  # "eight in the morning"
    if start > floor and (
        (words[start] in _ROUTINE_WORDS and words[start - 1] in _TIME_AFTER)
        or (words[start] in _CLOCK_MINUTES and words[start - 1] in _HOUR_NAMES)
    ):
        start -= 1  # "after school", "three thirty"
    if words[start] in ("week", "weeks", "day", "days") and start > floor:
        # "in two weeks", "a week from now"
        if _is_clock_word(words[start - 1]) or words[start - 1] in ("a", "couple"):
            start -= 1
            if start > floor and words[start - 1] in ("in", "within", "about", "around"):
                start -= 1
    # "not Friday", "no Mondays", "except Monday": the time ruled out keeps its "not".
    start = _widened(text, toks, start, floor, _TIME_EXCEPT - {"but", "other", "than"})
    if words[start] in ("am", "pm", "o'clock"):
        while start > 0 and (_is_clock_word(words[start - 1]) or words[start - 1] in _MINUTES):
            start -= 1  # "two fifteen pm", "three o'clock"
    if (
        start > 0
        and (_is_clock_word(words[start]) or words[start] in _MINUTE_NAMES)
        and words[start - 1] in _TIME_AFTER
    ):
        start -= 1  # "after 3", "at ten": the word before the hour is part of the time
    if start > 1 and words[start] == "las" and words[start - 1] == "a":
        start -= 1  # "a las diez"
    while end + 1 < len(words) and _is_clock_word(words[end]):
        if (
            words[end + 1] == "oh"
            and end + 2 < len(words)
            and words[end + 2] in _OH_MINUTES
            and words[end] in _HOUR_NAMES
        ):
            end += 2  # "three oh five"
            break
        if words[end + 1] in _MINUTES:
            end += 1  # "ten thirty", "four forty five"
        elif words[end + 1] in ("and", "to") and end + 2 < len(words):
            if not _is_clock_word(words[end + 2]):
                break
            end += 2  # "between two and four", "from ten to twelve"
        else:
            break
    if (
        words[start] == "the"
        and start + 1 <= end
        and words[start + 1] not in _ORDINALS
        and not re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", words[start + 1])
    ):
        start += 1
    if words[end] == "week" and end + 1 < len(words) and words[end + 1] == "after":
        end += 1  # "any morning the week after"
    # "Fridays are hard for me": a day ruled out after it keeps the words that rule it out
    ruled_out = _RULED_OUT_AFTER_RE.match(" ".join(words[end + 1 : end + 6]))
    if ruled_out and not re.search(r"[,.!?;]", text[toks[end].end : toks[end + 1].start]):
        end += len(ruled_out.group(0).split())
    said = clock_digits(text[toks[start].start : toks[end].end])
    return _WEEKDAY_IS_RE.sub(r"\1", said)  # "Thursday's best for me": Thursday


#: Words that bound a day: "before Friday" is a range ending there, not Friday.
_DAY_BOUNDS = frozenset("before after until till til by".split())
#: Words that begin a day: "Friday", "the 15th", "next Wednesday", "January tenth".
_DAY_START = (
    frozenset(
        _WEEKDAYS
        + [m for m in _MONTHS if m not in ("may", "mar", "jan")]
        + "the this next coming tomorrow today noon midday lunch lunchtime".split()
    )
    | _ORDINALS
)
#: Verbs that make "by" a visit ("come by Tuesday"), not a deadline.
_BY_VISIT = frozenset("come coming stop stopping drop dropping swing pop".split())


def _joined(text: str, toks: list[Token], i: int) -> bool:
    """Whether no punctuation stands between word ``i - 1`` and word ``i``."""
    return not re.search(r"[,.!?;]", text[toks[i - 1].end : toks[i].start])


def _widened(
    text: str, toks: list[Token], start: int, floor: int, over: frozenset[str] | set[str]
) -> int:
    """``start`` moved left over the words in ``over`` (not past ``floor``, nor across
    punctuation)."""
    while start > floor and toks[start - 1].word in over and _joined(text, toks, start):
        start -= 1
    return start


_BOUND_LEAD = frozenset("sometime anytime any not only just right".split())


def _day_bound_start(text: str, toks: list[Token], words: list[str], start: int, floor: int) -> int:
    """``start`` widened over the word that bounds a day: "sometime before Friday", "not until
    after the fifth", "by next Tuesday", "the day after tomorrow" (staff must not read
    "Friday" for "before Friday")."""
    day = words[start]
    if not (day in _DAY_START or re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)", day)):
        return start
    if (
        day == "tomorrow"
        and start >= floor + 2
        and words[start - 1] == "after"
        and words[start - 2] == "day"
    ):
        return start - 2  # "the day after tomorrow" ("the" is taken or dropped as before)
    moved = start
    while moved > floor and words[moved - 1] in _DAY_BOUNDS and _joined(text, toks, moved):
        if words[moved - 1] == "by" and moved >= 2 and words[moved - 2] in _BY_VISIT:
            break
        moved -= 1
    if moved == start:
        return start
    return _widened(text, toks, moved, floor, _BOUND_LEAD)


_WEEKDAY_IS_RE = re.compile(
    r"\b((?:mon|tues|wednes|thurs|fri|satur|sun)day|morning|afternoon|evening|week)'s\b",
    re.IGNORECASE,
)
#: A sentence telling what the caller does on a day ("I got dominoes on Wednesdays", "I work
#: Mondays"): beside another day offered, the day it names is not the one wanted.
_BUSY_ON_RE = re.compile(
    r"\b(?:i|we|he|she)(?:'ve)? (?:got|have|has|work|works|watch|babysit|play|go to|take|teach|"
    r"coach|volunteer)\b|"
    r"\b(?:needs?|has|have|uses?|takes?) the car\b"  # "My wife needs the car Fridays"
)
_FREE_ON_RE = re.compile(
    r"\b(?:off|free|available|open|prefer|better|best|good|great|works|can|could|like|"
    r"want|need)\b"
)


def _busy_clause(text: str, at: int) -> bool:
    """Whether the clause of ``text`` around position ``at`` tells what the caller is busy
    with ("I got dominoes on Wednesdays")."""
    start = max(text.rfind(mark, 0, at) for mark in ".!?;,") + 1
    ends = [i for i in (text.find(mark, at) for mark in ".!?;,") if i >= 0]
    sentence = normalize(text[start : min(ends) if ends else len(text)])
    return bool(_BUSY_ON_RE.search(sentence)) and not _FREE_ON_RE.search(sentence)


#: Words after a day that rule it out: "Fridays are hard for me", "Monday doesn't work".
_RULED_OUT_AFTER_RE = re.compile(
    r"(?:are|is|'s) (?:hard|bad|tough|difficult|out|impossible|no good|not good)(?: for me)?\b|"
    r"(?:don't|doesn't|won't|do not|does not|will not) work(?: for me)?\b"
)


_HOUR_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
}
_OH_MINUTES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_MINUTE_WORDS = {f"oh {w}": f"0{i}" for i, w in enumerate(_OH_MINUTES, start=1)} | {
    "fifteen": "15",
    "thirty": "30",
    "forty five": "45",
}
_HOUR = "|".join(_HOUR_WORDS)
_MINUTE = "|".join(m.replace(" ", "[ -]") for m in _MINUTE_WORDS)
_CLOCK_RE = re.compile(
    rf"\b(?P<lead>(?:at|around|about|after|before|by|until|till|til|from|between|past|and|to)\s+)"
    rf"(?P<hour>{_HOUR})(?:[ -](?P<minute>{_MINUTE}))?\b"
    rf"|\b(?P<hour2>{_HOUR})(?:[ -](?P<minute2>{_MINUTE}))?"
    rf"(?=\s*(?:o'clock|a\.?\s?m\b|p\.?\s?m\b|in the (?:morning|afternoon|evening)|ish\b))",
    re.IGNORECASE,
)


def clock_digits(phrase: str) -> str:
    """Clock times written as digits, as staff write them: "after three" → "after 3",
    "at ten thirty" → "at 10:30", "two fifteen pm" → "2:15 pm". A recognizer spells every
    number out; a typed or Whisper transcript already has digits. Only a number that reads as
    a time (after "at"/"after"/…, or before "o'clock"/"pm"/"in the morning") changes."""

    def digits(match: re.Match[str]) -> str:
        hour = match.group("hour") or match.group("hour2")
        minute = match.group("minute") or match.group("minute2")
        clock = _HOUR_WORDS[hour.lower()]
        if minute:
            clock += ":" + _MINUTE_WORDS[re.sub(r"[ -]+", " ", minute.lower())]
        return (match.group("lead") or "") + clock

    return _CLOCK_RE.sub(digits, phrase)


_TIME_FIX_WORDS = frozenset("actually instead rather scratch".split())
_TIME_FIX_PAIRS = frozenset(
    {
        ("make", "that"),
        ("make", "it"),
        ("no", "wait"),
        ("scratch", "that"),
        ("change", "that"),
        ("change", "it"),
        ("or", "rather"),
        ("i", "mean"),
        # "Tuesday, or, hmm, no, Thursdays are better": a "no" after a pause takes it back
        ("hmm", "no"),
        ("um", "no"),
        ("uh", "no"),
        ("or", "no"),
    }
)


#: Words just before a time that choose it: "let's say Monday", "make it Tuesday".
_CHOOSES_TIME_RE = re.compile(
    r"\b(?:let's say|let's do|let's go with|let's make it|make it|make that|how about|"
    r"what about|go with|i'll take|i'll do|i'll go with|put me down for|i guess)$"
)


def _last_correction(words: list[str]) -> int | None:
    """Index of the last word that corrects what came before ("actually", "make that")."""
    last = None
    for i, word in enumerate(words):
        if word in _TIME_FIX_WORDS or (i and (words[i - 1], word) in _TIME_FIX_PAIRS):
            last = i
    return last


def _clean_verbatim(text: str) -> str:
    return re.sub(r"^[\s,.]+|[\s,.!?]+$", "", text)


# --- the visit reason (in the caller's words) --------------------------------------------

_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|yes|yeah|so|ok|okay|great|then|um|uh|well|and|but|also|actually|"
    r"good morning|good afternoon|i'm calling|i am calling|i was calling|calling)\b[\s,]*)*"
    # "the manager said I could come in for …", "my doctor told me to get …": who sent them
    r"(?:(?:the|my|our|your|her|his) [a-z']+(?: [a-z']+)? (?:said|says|told me|told us|told her|"
    r"told him)(?: that)?(?: (?:i|we|she|he))? (?:could|should|can|need to|needed to|have to|"
    r"had to|was supposed to|needs?|to)\s+(?!see (?:dr|doctor)\b))?"
    r"(?:(?:i'd|i would|i|we|we'd) (?:like|love|want|wanna|need|needed|was hoping|hope|have|had)"
    r"(?: to)?|(?:can|could|may) (?:i|she|he|we|they)|i'm looking to|i am looking to|"
    r"looking to|i'm looking for|"
    r"looking for|it's|it is|what (?:i|we) (?:really |actually |just )?(?:need|want) is|need|"
    r"needs|want|wanna|to)?\b\s*"
    # "make her an appointment for …": the person it is for is no part of the reason
    r"(?:(?:(?:make|book|schedule|set up|get) (?:her|him|them|me|us)"
    r"(?= (?:an? |the )?(?:appointment|appt|visit)\b)|"
    rf"make|book|schedule|set up|get in|get|have|request|{_COME_TO}|come(?: in| by)?|be seen|"
    r"see someone|"
    r"see a doctor|see the doctor|see (?:dr\.?|doctor) [a-z'-]+)\b\s*)?"
    r"(?:(?:(?:an?|the|some)\s+)?(?:appointment|appt|visit)\b\s*)?"
    r"(?:(?:for|about|because|regarding|of|to get|to have|since)\s+)?",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:\s+(?:please|then|if possible|if you can|thanks|thank you|as soon as possible|asap))+$",
    re.IGNORECASE,
)


def _names_a_reason(vocab: frozenset[str], text: str) -> bool:
    words = re.sub(r"'s\b", "", normalize(text)).split()  # "my eye's been twitching"
    return any(w in vocab or w.rstrip("s") in vocab for w in words)


def _reason_terms(profile: BusinessProfile) -> frozenset[str]:
    """The words that tell a reason: the profile's service and reason-keyword words."""
    return _terms_of((*profile.services, *profile.reason_keywords))


@functools.lru_cache(maxsize=32)
def _terms_of(items: tuple[str, ...]) -> frozenset[str]:
    # Asked 3-4 times per utterance with the same profile: built once per vocabulary.
    return frozenset(
        w
        for item in items
        for w in normalize(item).split()
        # "check" (from "check-up") is an everyday verb: "once I check my work schedule"
        if len(w) > 2 and w not in ("and", "the", "for", "treatment", "care", "check")
    )


def reason_is_known(profile: BusinessProfile, reason: str) -> bool:
    """Whether a reason names one of the business's services or reason keywords."""
    return _names_a_reason(_reason_terms(profile), reason)


def extract_reason(
    profile: BusinessProfile, text: str, *, expecting: bool = False, remove: tuple[str, ...] = ()
) -> str | None:
    """Why the caller wants to come in, in their own words ("eye exam", "my eyes have been dry").

    Args:
        profile: The business (services and reason keywords tell a reason when they see one).
        text: What the caller said.
        expecting: The agent just asked for the reason, so any plain statement counts.
        remove: Verbatim pieces (an office, a day/time) to cut out of the reason.
    """
    vocab = _reason_terms(profile)
    for piece in remove:
        if piece:
            text = text.replace(piece, " ")
    # "Dr. Whitfield": a title's period ends no clause.
    clauses = [
        c.strip() for c in re.split(NOT_AFTER_TITLE + r"[.;!?]+|,\s*|\s+but\s+", text) if c.strip()
    ]

    hits = [i for i, c in enumerate(clauses) if _names_a_reason(vocab, c)]
    if hits:
        # "I'm having trouble driving at night. The headlights … have these big halos": the
        # clauses right before it that describe the problem lead it
        while hits[0] > 0 and _describes_problem(clauses[hits[0] - 1]):
            hits.insert(0, hits[0] - 1)
        # From the first clause that names a reason to the last one ("my eyes, they're red"),
        # and on through the clauses right after it that describe the problem ("about my
        # eyes, they've been really sensitive to light lately").
        end = hits[-1] + 1
        while end < len(clauses) and _describes_problem(clauses[end]):
            end += 1
        clause = ", ".join(clauses[hits[0] : end])
        reason = _LEAD_IN.sub("", clause, count=1)
        # "an appointment there for dry eye": the place word is not part of the reason.
        reason = re.sub(r"^(?:over\s+)?there\s+(?:for\s+)?", "", reason, flags=re.IGNORECASE)
        reason = re.sub(
            r"\s+(?:at|in|near|with|on|for)(?:\s+(?:the|your|our))?\s*(?:office|location)?\s*$",
            "",
            _TRAILING.sub("", reason),
            flags=re.IGNORECASE,
        ).strip()
        if not _names_a_reason(vocab, reason):
            reason = clause
        return reason or None
    if expecting and clauses:
        plain = _TRAILING.sub("", _LEAD_IN.sub("", " ".join(clauses), count=1)).strip()
        if len(normalize(plain).split()) >= 3:
            return plain
    return None


#: A clause in which the caller describes a problem: "I've been having trouble seeing at
#: night", "my eye's been twitching", "she keeps rubbing her eyes".
_DESCRIBES_RE = re.compile(
    r"^(?:(?:and|so|but|well|um|uh|also|because|lately|recently)\s+)*"
    r"(?:i've been|i have been|i'm having|i am having|i've had|i have had|i keep|i can't|"
    r"i cannot|i'm seeing|i see|i get|i'm getting|i noticed|"
    r"(?:my|her|his|our) (?!name|number|phone|insurance|plan|appointment|appt|address)[a-z']+|"
    r"(?:she|he|it|they)(?:'s| has| is| keeps| can't| gets| had)|"
    # "he sits right up close to the TV", "she holds the iPad two inches away"
    r"(?:she|he) (?:always |really |just )?(?!needs\b|wants\b|was\b|does\b)[a-z]+s\b|"
    r"they(?:'ve| have| are|'re| keep| get| feel| look)|everything(?:'s| is| has| looks)|"
    r"things (?:are|look)|(?:the|her|his|my) (?:doctor|teacher|school|nurse) (?:says|said|wants|"
    r"told|thinks))\b"
)


#: "I would like a second opinion", "I need a new prescription": something asked for.
_WANTS_A_RE = re.compile(
    r"^(?:(?:hi|hello|hey|yes|yeah|so|ok|okay|um|uh|well|and|then|good morning|good afternoon)"
    r"\s+)*"
    r"(?:i would like|i'd like|i need|i want|i'm looking for|i am looking for|we need|we'd like|"
    r"i was hoping for|i'd love|can i get|could i get|can i have|could i have)\s+"
    r"(?:to (?:get|have|schedule|set up|book|make)\s+)?"
    r"(?:a|an|my|some)\s+"
    r"(?!(?:question|word|minute|moment|favor|number|copy|refund|receipt|bill|call|callback|"
    r"ride|person|human|representative|operator|appointments?|appt|visit|time|day|date)\b)"
)


def _said_before(text: str, first: str, second: str) -> bool:
    """Is ``first`` said, apart from ``second``, before it in ``text``?"""
    a, b = normalize(first), normalize(second)
    if a in b or b in a:
        return False
    low = normalize(text)
    return 0 <= low.find(a) < low.find(b)


def _describes_problem(clause: str) -> bool:
    """Does ``clause`` describe a problem ("they've been really sensitive to light lately",
    "suddenly I can't read a restaurant menu")?"""
    low = normalize(clause)
    return len(low.split()) >= 3 and bool(_DESCRIBES_RE.match(low) or _CANT_SEE_RE.search(low))


#: Sight that fails, anywhere in a clause: "I can't read a menu", "trouble seeing at night".
_CANT_SEE_RE = re.compile(
    r"\b(?:can't|cannot|can not|couldn't|hard to|trouble|struggling to|struggle to) "
    r"(?:see|seeing|read|reading|focus|focusing|drive|driving)\b"
)


def _thing_asked_for(text: str) -> str | None:
    """What the caller says they would like ("a second opinion on a diagnosis"), or None."""
    for sentence in re.split(NOT_AFTER_TITLE + r"[.;!?]+", text):
        said = sentence.strip(" ,")
        match = _WANTS_A_RE.match(normalize(said))
        if match is None:
            continue
        rest = _LEAD_IN.sub("", said, count=1).strip(" ,")
        rest = _TRAILING.sub("", rest).strip(" ,")
        if len(normalize(rest).split()) >= 2:
            return rest
    return None


def _described_problem(text: str) -> str | None:
    """The first sentence in which the caller describes a problem, from the clause that
    describes it, or None."""
    for sentence in re.split(r"[.;!?]+", text):
        clauses = [c.strip() for c in re.split(r",\s*", sentence) if c.strip()]
        for i, clause in enumerate(clauses):
            if _DESCRIBES_RE.match(normalize(clause)) and len(normalize(clause).split()) >= 3:
                said = _TRAILING.sub("", ", ".join(clauses[i:])).strip(" ,")
                return said or None
    return None


def _without_other_facts(
    profile: BusinessProfile,
    reason: str,
    *,
    name: PersonName | None,
    insurance: InsuranceMatch | None,
) -> str:
    """The reason without the caller's name or plan said in the same breath.

    A recognizer gives one clause with no commas: "like this is maria gonzalez i'd like an eye
    exam and i have aetna" would reach staff whole as the visit reason. The sentence is cut at
    the name ("this is Maria Gonzalez") and at the plan ("and I have Aetna"); the pieces that
    still name a reason are kept.
    """
    cuts = []
    if name is not None:
        cuts.append(
            r"(?:\b(?:this is|my name is|my name's|my name|it's|i'm|i am)\s+)?"
            + r"\s+".join(re.escape(w) for w in normalize(name.full).split())
        )
    if insurance is not None and insurance.matched:
        cuts.append(
            r"(?:\b(?:and\s+)?(?:i\s+|we\s+)?(?:have|got|use|with|through)\s+|"
            # "he's on our Aetna plan"
            r"\b(?:and\s+)?(?:i'm|i am|we're|we are|he's|he is|she's|she is|they're) on "
            r"(?:our|my|his|her|their|the)\s+)?"
            + r"\s+".join(re.escape(w) for w in normalize(insurance.value).split())
            + r"(?:\s+(?:plan|insurance))?"
        )
    if not cuts:
        return reason
    vocab = _reason_terms(profile)
    pieces = re.split(r"\b(?:" + "|".join(cuts) + r")\b", reason, flags=re.IGNORECASE)
    kept = [p.strip(" ,.") for p in pieces if _names_a_reason(vocab, p)]
    if len(pieces) == 1 or not kept:
        return reason
    trimmed = _TRAILING.sub("", _LEAD_IN.sub("", ", ".join(kept), count=1)).strip(" ,.")
    return trimmed or reason


# --- everything at once ---------------------------------------------------------------------


@dataclass(frozen=True)
class Understanding:
    """Everything found in one utterance."""

    text: str
    filler_only: bool = False
    emergency: bool = False
    human: bool = False
    robot: bool = False
    identity: bool = False  # "is this the eye doctor's office?"
    other_business: bool = False  # "Is this Sunshine Pediatrics?": another kind of business
    repeat: bool = False  # "could you say that again?"
    hold: bool = False  # "hold on one second, let me grab my card"
    line_check: bool = False  # "Hello? Hello? You're breaking up." and nothing else
    calling_back: bool = False  # "I'll call back later": the caller leaves, asking nothing
    change: bool = False  # reschedule or cancel: a message for staff
    cancel: bool = False  # the change is a cancellation (no new time to ask for)
    callback: bool = False  # "could someone call me back?" (not about booking): a message
    wrong_number: bool = False  # "sorry, wrong number"
    book: bool = False
    question: bool = False
    question_kind: str | None = None  # insurance | availability | None
    answer: Answer | None = None
    more_answers: tuple[Answer, ...] = ()  # "… And is there parking?": the other questions'
    yes: bool | None = None
    done: bool = False  # "that's all", "no thanks", "bye"
    ack_only: bool = False  # "okay", "thank you", nothing more
    correction: bool = False
    name: PersonName | None = None
    last_name: str | None = None
    office: OfficeMatch | None = None
    insurance: InsuranceMatch | None = None
    phone: str | None = None
    time: str | None = None
    reason: str | None = None
    spelled: str | None = None  # a word spelled out where no name was asked ("K A T H …")
    someone_else: bool = False  # the name is the patient's, not the caller's ("for my son Noah")
    wants_to_ask: bool = False  # "I have a question about my appointment": the question is next
    pleasantry: bool = False  # "Hi, how are you doing today?" and nothing else

    @property
    def has_facts(self) -> bool:
        """Whether the utterance carried any fact for the request."""
        return any(
            (
                self.name,
                self.last_name,
                self.office,
                self.insurance,
                self.phone,
                self.time,
                self.reason,
            )
        )


#: Questions whose answers a caller may say with a rising voice.
_ANSWER_KINDS = frozenset(
    {"office", "name", "last_name", "spelling", "insurance", "time", "phone", "reason"}
)
#: What the agent asks when it wants the caller's name (whole, last, or spelled).
_NAME_KINDS = frozenset({"name", "last_name", "spelling"})


_SIGN_OFF_RE = re.compile(
    r"\b(?:my bad|have a (?:good|nice|great|blessed) (?:day|one|night|evening)|thanks|thank you|"
    r"goodbye|bye bye|bye|by)\b"
)


def _is_wrong_number(low: str) -> bool:
    """ "Oh, sorry, wrong number", also as a recognizer writes it ("sorry bro number by")."""
    if _WRONG_NUMBER_RE.search(low):
        return True
    sorry = _SORRY_NUMBER_RE.match(low)
    # "sorry bro number my bad have a good day by": the goodbye after it adds nothing
    said = _SIGN_OFF_RE.sub(" ", low)
    return bool(
        sorry
        and len(said.split()) <= 6
        and sorry.group(1) not in _NUMBER_OWNERS
        and not extract_phone(low)
    )


def _more_answers(
    profile: BusinessProfile, text: str, answer: Answer, *, office_id: str | None
) -> tuple[Answer, ...]:
    """Answers to the other questions of a turn that asks several ("What's the address of
    your downtown Austin office? And is there parking?", "Is there parking, what do I need to
    bring, and how long does the exam take?"), told apart by question marks, commas or "and"
    before a question word; at most two more."""
    asked = [
        piece
        for question in re.findall(r"[^.!?]+\?", text)
        # "Is there parking, what do I need to bring, and how long does the exam take?"; a
        # recognizer's run-on: "what's the address of your downtown austin office and is
        # there parking"
        for piece in re.split(_NEXT_QUESTION_RE, question)
    ]
    if len(asked) < 2:
        asked = re.split(_NEXT_QUESTION_RE, text)
    if len(asked) < 2:
        return ()
    found: list[Answer] = []
    for sentence in asked:
        other = answer_question(profile, sentence, office_id=office_id)
        if (
            other is not None
            and not other.needs_office
            and other.text != answer.text
            and all(other.text != f.text for f in found)
        ):
            found.append(other)
    return tuple(found[:2])


#: Where the next of several questions starts inside one sentence.
_NEXT_QUESTION_RE = re.compile(
    r"(?:,\s*(?:and\s+)?|\band\s+)"
    r"(?=(?:is|are|do|does|what|what's|where|where's|when|how|can|which|who)\b)",
    re.IGNORECASE,
)


def _reason_beside_question(profile: BusinessProfile, text: str) -> str | None:
    """A reason said in its own sentence beside a question ("My neighbor told me to see Dr.
    Whitfield for my glaucoma. Does he work out of Round Rock?"), or None. Only typed
    punctuation tells the sentences apart; the reason must name a known problem or visit."""
    pieces = re.findall(r"(?:\b[DM]rs?\.|\bMs\.|[^.!?])+[.!?]*", text)
    statements = "".join(p for p in pieces if not p.rstrip().endswith("?"))
    if not statements.strip() or len(statements) == len(text):
        return None
    said = normalize(statements)
    if not _VISIT_WANTED_RE.search(said):
        return None  # "My daughter is four. Do you see kids?": context for the question
    if _EXISTING_APPT_RE.search(said) and not _BOOK_VERB_RE.search(
        _EXISTING_APPT_RE.sub(" ", said)
    ):
        return None  # "I'm taking my mom to her eye exam … How long does it take?"
    if _HEDGED_NEED_RE.search(said) and not _BOOK_VERB_RE.search(said):
        return None  # "Do you sell frames? I'm probably gonna need new glasses.": context
    reason = extract_reason(profile, statements)
    return reason if reason and reason_is_known(profile, reason) else None


#: A statement that asks for a visit ("I need to get my daughter an eye exam", "told me to see
#: Dr. Whitfield for my glaucoma").
_VISIT_WANTED_RE = re.compile(
    r"\b(?:need|needs|want|wants|would like|i'd like|looking for|to see|be seen|get (?:her|him|"
    r"me|my|them)|book|schedule|appointment|looking (?:at|into) (?:getting|a|an)|thinking about "
    r"(?:getting|a|an)|interested in)\b"
)

#: A need the caller only expects ("I'm probably gonna need new glasses", "I might need
#: contacts eventually"): beside a question, context for it rather than a visit asked for.
_HEDGED_NEED_RE = re.compile(
    r"\b(?:probably|might|may|maybe|eventually|someday|at some point)\b(?: [a-z']+){0,2} "
    r"(?:need|needs|want|wants)\b"
)


def _name_at_office_question(
    profile: BusinessProfile, text: str, *, office: OfficeMatch | None
) -> PersonName | None:
    """A first and last name said at the office question, or None: before the office ("Nancy
    Kowalski. I go to the Austin office.") or instead of it ("Peter Brown", when the caller
    expected to be asked the name). No word of it may be a place the profile knows, so "South
    Beach" or "Coral Gables, please" stays an office. Unless it comes before the office, the
    first word must be a common first name too: "Little Havana" is no one, and neither is
    "close hurts" in "… make that Kendall, it's close hurts my work" (the recognizer's
    "closer to")."""
    offered = _offered_name(profile, text)
    if offered is None:
        return None
    if (
        office is None
        and _written_as_a_name(text, offered)
        and not _PLACE_LIKE_RE.search(normalize(offered.full))
    ):
        return offered  # "Yolanda Price." typed as a name, no word of it a kind of place
    if not _has_common_first_name(offered):
        if office is None:
            return None
        low = normalize(text)
        place_at = low.find(normalize(office.heard))
        if place_at < 0 or low.find(normalize(offered.full)) > place_at:
            return None
    return offered


#: Words that make a capitalized pair a place, not a person: "Little Havana", "South Beach".
_PLACE_LIKE_RE = re.compile(
    r"\b(?:little|south|north|east|west|upper|lower|downtown|uptown|midtown|old|new|beach|"
    r"park|gardens?|heights|lakes?|village|springs?|hills?|grove|bay|key|island|point|city|"
    r"town|county|station|center|mall|plaza|street|avenue|road|boulevard|drive)\b"
)


def _offered_name(profile: BusinessProfile, text: str) -> PersonName | None:
    """A first and last name said where another answer was asked for, or None: none of its
    words may be a place the profile knows ("South Beach", "Coral Gables")."""
    offered = extract_name(text, expecting=True)
    if offered is None or not offered.last:
        return None
    streets = {w for street in street_names(profile).values() for w in street.split()}
    if (place_words(profile).keys() | streets) & set(normalize(offered.full).split()):
        return None
    return offered


_NAME_CUE_LEAD_RE = re.compile(
    r"^\s*(?:it's|it is|this is|i'm|i am|my name is|my name's|name's|the name is)\s+",
    re.IGNORECASE,
)


def _written_as_a_name(text: str, name: PersonName) -> bool:
    """Whether a transcript that writes case (typed text, a large-vocabulary recognizer)
    capitalizes every word of the name and nothing else in its sentence ("Terrence Boateng.",
    "Mateo Villalobos. He's seven."), or the caller spelled its last name: evidence of a name
    beyond a list of common first names (the embedded recognizer writes lowercase, so its
    words never pass this)."""
    spelled = spelled_word(text)
    if spelled and name.last and spelled.lower() == normalize(name.last).replace(" ", ""):
        return True
    name_words = normalize(name.full).split()
    # The whole answer, or its first sentence ("Mateo Villalobos. He's seven.")
    for part in (text, re.split(NOT_AFTER_TITLE + r"[.;!?]", text, maxsplit=1)[0]):
        part = _NAME_CUE_LEAD_RE.sub("", part)  # "It's Ingrid Solberg."
        said = re.findall(r"[A-Za-z][A-Za-z'-]*", part)
        capitalized = [w for w in said if w[0].isupper() and not w.isupper()]
        if len(said) == len(name_words) and [w.lower() for w in capitalized] == name_words:
            return True
    return False


def _name_at_reason_question(profile: BusinessProfile, text: str) -> PersonName | None:
    """A first and last name given when the visit reason was asked (the caller answering the
    question they expected next): a common first name, or a name the transcript writes as
    one; never words that name a reason."""
    offered = _offered_name(profile, text)
    if offered is None or reason_is_known(profile, offered.full):
        return None
    if any(w in NOT_NAME for w in normalize(offered.full).split()):
        return None  # "brian i'd": a misheard "dry eye", not Brian I'd
    if _has_common_first_name(offered) or _written_as_a_name(text, offered):
        return offered
    return None


#: What may lead a name listed among facts: "I'm Mrs. Lorraine Dubois", "name's Leah Burns".
_LISTED_NAME_LEAD_RE = re.compile(
    r"^\s*(?:(?:i'm|i am|this is|it's|my name is|my name's|name's)\s+)?"
    rf"(?:(?:{'|'.join(sorted(TITLES))})\b\.?\s*)*",
    re.IGNORECASE,
)


def _listed_name(profile: BusinessProfile, text: str) -> PersonName | None:
    """A first and last name said as one item of a list of facts ("Eye exam, Round Rock, Priya
    Shah, Aetna, Tuesday morning.", "kendall. paula suarez.", "Erin Walsh here, need a glaucoma
    check") or in a sentence of its own ("Okay, great. Jasmine Powell."), or None: a common
    first name or one the transcript writes as a name, and no word of it a place, plan or day."""
    # each piece with the mark that ends it: "Farmacia Navarro?" asks for another business
    parts = re.split("(" + NOT_AFTER_TITLE + r"[,.;!?]+)", text)
    pieces = [
        (parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)
    ]
    pieces = [(p, mark) for p, mark in pieces if p.strip()]
    if len(pieces) < 2:
        return None
    streets = {w for street in street_names(profile).values() for w in street.split()}
    plans = {w for plan in profile.insurance_plans for w in normalize(plan).split()}
    taken = place_words(profile).keys() | streets | plans | _STREET_WORDS
    for piece, mark in pieces:
        if "?" in mark:
            continue
        # "Erin Walsh here", "Mrs. Ann Lee"
        piece = re.sub(r"\s+(?:here|speaking|calling)\s*$", "", piece, flags=re.IGNORECASE)
        piece = _LISTED_NAME_LEAD_RE.sub("", piece)
        words = normalize(piece).split()
        if not 2 <= len(words) <= 3 or taken & set(words) or extract_time(" ".join(words)):
            continue
        found = words_of_a_name(words, strict=True)
        if len(found) != len(words):
            continue
        name = split_name(found)
        if _has_common_first_name(name) or _written_as_a_name(piece, name):
            return name
    return None


def _has_common_first_name(name: PersonName) -> bool:
    return is_common_first_name(normalize(name.first).split()[0])


def _without_trailing_place(name: PersonName, place: str) -> PersonName:
    """ "Peter Brown, Kendall" read as one name: the office's words at its end are not a name."""
    words = normalize(name.full).split()
    tail = normalize(place).split()
    if tail and len(words) - len(tail) >= 2 and words[-len(tail) :] == tail:
        return split_name(words[: -len(tail)])
    return name


#: Recent readings. One utterance is read several times per turn (the end-of-turn check at
#: each pause, choosing among the recognizer's readings, the flow's step), ~5 ms each.
_RECENT_MAX = 64
_recent: OrderedDict[tuple, tuple[BusinessProfile, Understanding]] = OrderedDict()
_recent_lock = threading.Lock()


def understand(
    profile: BusinessProfile,
    text: str,
    *,
    expect: str | None = None,
    caller_id: str | None = None,
    office_id: str | None = None,
    language: str = "en",
    local_offices: frozenset[str] = frozenset(),
) -> Understanding:
    """Read one caller utterance (a pure function of its arguments; recent readings are
    remembered, as the same words are read several times in a turn).

    Args:
        profile: The business.
        text: What the caller said (a transcript).
        expect: What the agent just asked for ("reason", "office", "name", "last_name",
            "spelling" (the last name, letter by letter),
            "insurance", "time", "phone", "anything_else", "yes_no" or None); answers that
            would be ambiguous elsewhere ("Linda Park", "none") count when they fit it.
        caller_id: The carrier caller-ID (lends its area code to seven-digit numbers).
        office_id: The office already chosen (for questions like "what are your hours?").
        language: Selects the profile's filler words.
        local_offices: The offices of the region the caller rang; one of them named before
            another region's office in the same breath wins (``match_office``).
    """
    key = (id(profile), text, expect, caller_id, office_id, language, local_offices)
    with _recent_lock:
        hit = _recent.get(key)
        if hit is not None and hit[0] is profile:  # the same profile object, not a reused id
            _recent.move_to_end(key)
            return hit[1]
    u = _understand(
        profile,
        text,
        expect=expect,
        caller_id=caller_id,
        office_id=office_id,
        language=language,
        local=local_offices,
    )
    with _recent_lock:
        _recent[key] = (profile, u)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)
    return u


def _doctors_only_office(profile: BusinessProfile, low: str) -> OfficeMatch | None:
    """The office of the one doctor named, when that doctor works at only one ("I need to see
    Dr. Chen … I can never remember which office he's at"; "Wherever Dr. Chen is."), or
    None. The flow says the office back, so the caller hears which one was taken."""

    def called(provider_name: str) -> str:
        # "Dr. Natarajan", or by first name: "I saw Dr. Priya last time"
        words = [w for w in normalize(provider_name).split() if w not in ("dr", "doctor")]
        return "|".join(re.escape(w) for w in {words[0], words[-1]})

    named = [
        p for p in profile.providers if re.search(rf"\b(?:dr|doctor) (?:{called(p.name)})\b", low)
    ]
    if len(named) != 1 or len(named[0].offices) != 1:
        return None
    office = profile.office(named[0].offices[0])
    if office is None:
        return None
    return OfficeMatch(office.id, office.name, normalize(named[0].name).split()[-1], 90.0)


_EMAIL_RE = re.compile(r"\b(?:and )?(?:my |the |our )?e-?mail\b", re.IGNORECASE)


def _titled(low: str, word: str) -> bool:
    """Whether ``word`` follows a title ("mrs adeyemi", "mister haddad")."""
    titles = r"(?:mrs|mr|ms|miss|mister|missus|dr|doctor)"
    return re.search(rf"\b{titles} {re.escape(word.lower())}\b", low) is not None


def _understand(
    profile: BusinessProfile,
    text: str,
    *,
    expect: str | None,
    caller_id: str | None,
    office_id: str | None,
    language: str,
    local: frozenset[str] = frozenset(),
) -> Understanding:
    if is_filler_only(text, profile.fillers_for(language)) or joining_words_only(text):
        return Understanding(text=text, filler_only=True)
    low = normalize(text)
    # "… And my email, in case you need it, is j, o, a, q …": what follows an email address
    # spells no name and asks nothing
    text_for_name = _EMAIL_RE.split(text)[0]
    # "Pinecrest, is that okay?", "Thursday at three thirty, does that work?": a check on
    # the answer just given, not a question for staff.
    question = is_question(_TAG_QUESTION_RE.sub(".", text_for_name))
    if question and "?" not in text and _IS_STATES_RE.search(low):
        question = False  # "Yes, is my number." (it is), "Sí, is correct."
    if (
        question
        and (not asks_in_words(text) or _HOW_ABOUT_RE.match(normalize(text)))
        and _offers_times_only(text_for_name)
    ):
        # "Maybe Tuesday or Wednesday morning? Mornings are better for me.": a day offered
        # with a rising voice, not a question for staff
        question = False
    if question and expect in _ANSWER_KINDS and not asks_in_words(text):
        # A rising voice on an answer to the question just asked ("After school? Like
        # four-ish.", "Kendall?") answers it.
        question = False
    if question and expect in _NAME_KINDS and "?" not in text:
        # At a name question, only a sentence that opens as a question is one: "when the" (a
        # mangled "Wynn") or "sorry reyes are you white yes" (a spelling) are name answers.
        question = len(low.split()) >= 3 and opens_with_question(text)
    robot = bool(_ROBOT_RE.search(low) and _ROBOT_Q_RE.search(low) and not _WANT_RE.search(low))
    # "can I talk to, uh, somebody at the front desk?": the filler joins nothing
    human = bool(_HUMAN_RE.search(without_fillers(low))) and not robot
    consult = bool(_CONSULT_RE.search(low)) and reason_is_known(profile, text)
    if consult:
        # "I'm starting to get cataracts and I'd like to talk to someone about it": a visit
        # with a doctor, not the front desk.
        human = False
    sentences = [
        sentence
        for sentence in re.split(NOT_AFTER_TITLE + r"[.?!;]+", text)
        if sentence.strip() and not _GREETING_WORDS_RE.fullmatch(normalize(sentence))
    ]
    # "Hi, is this Bayside Vision? I need an exam.": the check opens the call, and the rest
    # still counts
    opening = normalize(sentences[0]) if sentences else low
    identity = not robot and _is_identity_check(profile, opening)
    said_more = len(sentences) > 1
    # "Is this Sunshine Pediatrics?", "Hi, is this Dr. Patel's office?", "Hello, Farmacia
    # Navarro?": another business asked for
    other_business = not robot and (
        (identity and _names_another_doctor(profile, opening))
        or any(_OTHER_BUSINESS_RE.match(normalize(sentence)) for sentence in sentences[:2])
        or ("?" in text and bool(sentences) and bool(_OTHER_BUSINESS_NAMED_RE.fullmatch(opening)))
    )
    if other_business:
        identity = False  # and the street named is the other business's ("CVS on Congress")
    repeat = bool(_REPEAT_RE.search(low)) and len(low.split()) <= 12
    line_check = bool(low) and not _LINE_CHECK_RE.sub(" ", low).strip()
    hold = bool(_HOLD_RE.search(low)) and len(low.split()) <= 14
    if (identity and not said_more) or repeat or other_business:
        question = False
    # what follows "is this Bayside Vision?" is what the caller wants
    after_check = text[text.find(sentences[1]) :] if identity and said_more else text
    if identity and said_more and question:
        question = is_question(after_check)
    # "Should we go to the ER, or can we just come see you guys?": asked whether it is one,
    # the caller hears the emergency instruction rather than a note for staff
    emergency = is_emergency(profile, text) or (question and bool(_ASKS_IF_ER_RE.search(low)))
    phone = extract_phone(text, default_number=caller_id)

    name: PersonName | None = None
    last_name: str | None = None
    if expect in ("last_name", "spelling"):
        if not question:
            last_name = extract_last_name(text_for_name)
            full = extract_name(text_for_name, expecting=False)
            if full is not None and full.last:
                name, last_name = full, None
    else:
        name = extract_name(text_for_name, expecting=expect == "name" and not question)
        if name is not None and not name.last and _titled(low, name.first):
            # "This is Mrs. Adeyemi calling": a title goes with the last name
            name, last_name = None, name.first
    if (
        name is not None
        and not name.last
        and normalize(name.first) in _place_names(profile)
        and not _has_common_first_name(name)
    ):
        name = None  # "Hialeah." to "may I have your name?" is the office (not "Austin")
    respelled = None
    if name is None and last_name is None and expect not in _NAME_KINDS:
        spelled = spelled_word(text)
        if re.search(r"\blast name\b", low):
            spelled = spelled or spelled_word(text, shortest=2)
        if spelled and re.search(r"\blast name\b", low):
            # "Sorry, my last name is actually spelled S M Y T H": a correction, any time.
            last_name = spelled
        elif spelled and len(spelled) >= 4:
            respelled = spelled  # the flow compares it with the name it has
        else:
            # "Sorry, last name's Walsh, not Marsh.", at any question
            last_name = stated_last_name(text_for_name)
    name_words = frozenset(normalize(name.full).split()) if name else frozenset()
    if last_name:
        name_words = frozenset(normalize(last_name).split())

    correction = bool(_CORRECTION_RE.search(low))
    at_office = expect == "office" and not question
    office = match_office(profile, text, expecting=at_office, local=local)
    if other_business and office is not None and office.score < 100:
        office = None  # "Is this the CVS pharmacy on Congress?": their street, not our office
    if (
        name is not None
        and office is not None
        and not (
            expect == "name" and office_id and not correction and office.office_id != office_id
        )
    ):
        # ("Jo Ellen Westlake." to the name question, the office chosen already: a surname
        # that is also a place is the surname)
        name = _without_trailing_place(name, office.heard)
        name_words = frozenset(normalize(name.full).split())
    if (
        name is not None
        and office is not None
        and (correction or _CHOOSES_RE.search(low))
        and (
            normalize(name.full) in _place_names(profile)
            or f" {normalize(name.full)} " in f" {normalize(office.heard)} "
        )
    ):
        # "Hmm, Kendall. No, actually, Coconut Grove would work better", "Kendall then, I
        # guess", "I'm downtown all week, let's do the downtown Austin one instead" at the
        # name question: the office chosen; no one is called Kendall or Downtown here
        name = None
    if name is not None and office is not None:
        if normalize(office.heard) in normalize(name.full):
            # "Kendall" as an answer to "your name?" is a name, unless the caller is
            # correcting the place ("actually it's Coral Gables"), has not named one yet, or
            # answers with nothing but another office's name ("Georgetown." after the agent
            # confirmed a misheard office).
            other_office = (
                office_id is not None
                and office.office_id != office_id
                and normalize(office.heard) == normalize(name.full)
                and office.score >= 100
            )
            if correction or other_office or (office_id is None and expect != "name"):
                name = None
            elif (
                office.score >= 100
                and len(office.heard.split()) > 1
                and (office_id is None or normalize(office.heard) == normalize(name.full))
            ):
                # "Downtown Austin." said again at the name question is the place, never a
                # person: no office name of two words is one
                name = None
            else:
                office = None
        else:
            office = match_office(
                profile, text, exclude=name_words, expecting=at_office, local=local
            )
    by_doctor = False
    if office is None and not question:
        office = _doctors_only_office(profile, low)
        by_doctor = office is not None
    if name is None and expect == "office" and not question:
        name = _name_at_office_question(profile, text, office=office)
        name_words = frozenset(normalize(name.full).split()) if name else name_words
    if name is None and expect == "message" and not question:
        # "Ben Carter." to "what would you like me to pass on?": the name, said first
        offered = _offered_name(profile, text)
        if (
            offered is not None
            and len(normalize(text).split()) <= 3
            and (_has_common_first_name(offered) or _written_as_a_name(text, offered))
        ):
            name = offered
            name_words = frozenset(normalize(name.full).split())
    if name is None and expect in ("reason", "anything_else") and not question and office is None:
        # the name answering a question not asked: "What would you like to come in for?" or,
        # after a question noted for staff, "anything else?" ("It's Ingrid Solberg.")
        name = _name_at_reason_question(profile, text)
        name_words = frozenset(normalize(name.full).split()) if name else name_words
    # "Ambetter. Do y'all take that?": asked whether it is taken, a plan not listed still counts
    insurance = match_insurance(
        profile,
        text,
        expecting=expect == "insurance" and (not question or bool(_INSURANCE_ASK_RE.search(low))),
    )
    if insurance is not None and not insurance.matched and (office or name or phone):
        if expect == "insurance" and insurance.value not in ("none", "self-pay", "not sure"):
            insurance = None
    if (
        expect == "insurance"
        and not question
        and name is None
        and (
            insurance is None  # "Rebecca Lindqvist. That's L I N D Q V I S T."
            or (not insurance.matched and insurance.value not in ("none", "self-pay", "not sure"))
        )
    ):
        # "Rachel Goldberg" at the insurance question is a name (the earlier answer was
        # misheard), not a plan nobody has heard of: a common first name and a last name.
        offered = _offered_name(profile, text)
        if offered is not None and _has_common_first_name(offered):
            name, insurance = offered, None
            name_words = frozenset(normalize(name.full).split())
    if (
        name is None
        and last_name is None
        and expect not in ("last_name", "spelling")
        and expect in (None, "name", "reason", "message")
        and not (question or phone or other_business)
    ):
        # "Eye exam, Round Rock, Priya Shah, Aetna, Tuesday morning.": the name in a list
        # (not at the office question: "South Austin, I'm off of, like, William Cannon")
        name = _listed_name(profile, text_for_name)
        name_words = frozenset(normalize(name.full).split()) if name else name_words
    if name is not None and insurance is not None and insurance.matched:
        # "Leo Grant, Cigna." read as one name: the plan's words at its end are not a name
        name = _without_trailing_place(name, insurance.value)
        name_words = frozenset(normalize(name.full).split())
    time = extract_time(text, expecting=expect == "time" and not question)
    if time and expect != "time" and _day_part_in_passing(text, time):
        # "these headaches right behind my eyes by the afternoon": when a problem happens; a
        # preference said in another sentence still counts ("my eyes are tired by lunchtime.
        # … Friday afternoons are best for me")
        passing = normalize(time)
        rest = [
            sentence
            for sentence in re.split(NOT_AFTER_TITLE + r"[.;!?]+", text)
            if passing not in normalize(sentence)
        ]
        time = extract_time(". ".join(rest)) if rest else None
        if time and _day_part_in_passing(text, time):
            time = None
    if time and expect != "time" and _ONSET_RE.search(low):
        # "my daughter woke up with pink eye this morning": when it began, not when to come
        # ("It started yesterday, can I come in this afternoon?" keeps the afternoon)
        clauses = re.split(_CLAUSE_BREAK, text)
        kept = [
            c
            for c in clauses
            if not (_ONSET_RE.search(normalize(c)) and _ONSET_TIME_RE.search(normalize(c)))
        ]
        if len(kept) < len(clauses):
            time = extract_time(" , ".join(kept))
    if time and expect == "anything_else" and not question:
        # "Lunchtime would be ideal, like around noon. Maybe Thursday?" after the recap: a new
        # preference, said in pieces as an answer to "what day and time?" is
        time = extract_time(text, expecting=True) or time
    # "my annual checkup with Dr. Natarajan": the doctor who gave the office stays in the reason
    removals = tuple(p for p in (time, office.heard if office and not by_doctor else None) if p)
    reason = extract_reason(profile, after_check, expecting=expect == "reason" and not question)
    if reason and office and normalize(reason) == normalize(office.heard):
        reason = None
    if reason and (insurance is not None and insurance.matched or _names_a_plan(profile, reason)):
        # "The insurance is Davis Vision": the plan's own words ("vision") name no reason (nor
        # do those of a plan said beside another: "Spectera, not Davis Vision")
        plans = [p for p in profile.insurance_plans if _names_a_plan(profile, reason, p)]
        if insurance is not None and insurance.matched:
            plans.append(insurance.value)
        plan_words = {w for plan in plans for w in normalize(plan).split()}
        rest = " ".join(w for w in normalize(reason).split() if w not in plan_words)
        if not reason_is_known(profile, rest):
            reason = None
    if reason and not reason_is_known(profile, reason):
        # A reason taken only because it was asked for must not be another fact ("she
        # doesn't have insurance, we'll pay cash" is a plan, however it is said).
        if time or office or name or phone or insurance:
            reason = None
    if reason is None and expect in (None, "anything_else") and _booking_words(low):
        # "I'd like an appointment. I've been having trouble seeing at night": the problem
        # the caller describes is the reason, in words no vocabulary lists.
        reason = _described_problem(text)
    wants = None
    if expect in (None, "anything_else") and not question:
        # "I would like a second opinion on a diagnosis": a thing asked for is the reason;
        # said before the problem ("I'd like a second opinion. Another doctor told me I need
        # glaucoma surgery.") it leads it.
        wants = _thing_asked_for(text)
        if reason is None:
            reason = wants
        elif wants and _said_before(text, wants, reason):
            reason = f"{wants}, {reason}"
        elif wants and service_named(profile, wants) and not service_named(profile, reason):
            # "I've worn glasses my whole life and I want to try contacts. Can I get a contact
            # lens fitting?": the visit named after the story is part of the reason
            reason = f"{reason}, {wants}"
    if reason:
        reason = _without_other_facts(profile, reason, name=name, insurance=insurance)
    if (
        reason
        and name is not None
        and f" {normalize(name.full)} " in f" {normalize(reason)} "
        and not reason_is_known(profile, reason)
    ):
        reason = None  # "it's Omar Haddad, I go …": the name's sentence describes nothing
    if reason:
        for piece in removals:
            pattern = re.compile(
                r"\s*(?:\b(?:at|in|on|for|near|to|through|from)\s+)?(?:\b(?:the|our|your|my)\s+)?"
                + re.escape(piece)
                + r"(?:\s+office)?",
                re.IGNORECASE,
            )
            trimmed = pattern.sub("", reason).strip(" ,.")
            # "come in Tuesday for my glasses adjustment": the day gone, "for" leads nothing
            trimmed = re.sub(r"^(?:for|about|regarding)\s+", "", trimmed, flags=re.IGNORECASE)
            if trimmed:
                reason = trimmed
    if insurance is not None and insurance.matched:
        said = normalize(text)
        plan = normalize(insurance.value)
        # "it's through eyemed" is a plan, not the caller "Through Eyemed" (but "Maria Davis"
        # with Davis Vision stays a name: the whole plan must be inside the name).
        if name is not None and (
            any(f" {p} " in f" {normalize(name.full)} " for p in (plan, plan.replace(" ", "")))
            # "United, like I said." for UnitedHealthcare: a name that is part of the plan
            or (not name.last and normalize(name.first) in plan.replace(" ", ""))
        ):
            name = None
        if (
            expect in ("name", "last_name", "spelling")
            and last_name
            and normalize(last_name) in said
            and normalize(insurance.value) in said
        ):
            last_name = None
    if question and time and _TIME_CHANGE_ASK_RE.search(low):
        question = False  # "Can we make it Thursday morning instead?" changes the day
    question_kind = classify_question(text) if question else None
    office_answer: Answer | None = None
    if question_kind == "offices" and office is not None:
        # "Do you have an office in Doral?": ours. Asked which office, the caller chooses it;
        # otherwise the office's facts answer it
        question_kind = None
        if expect == "office":
            question = False
        elif (place := profile.office(office.office_id)) is not None:
            # "What about Georgetown, is there one up there?": where it is
            office_answer = Answer(office_fact(place, "address"), "address")
    if question and question_kind is None and time and _ANYTHING_AT_RE.search(low):
        # "Do you have anything Thursday afternoon?", "Is there anything early, like eight
        # in the morning?": a time asked about is the caller's preference (not "do you have
        # anything for dry eyes?", which names no time).
        question_kind = "availability"
    if (
        question
        and phone
        and question_kind is None
        and not answer_question(profile, text, office_id=office.office_id if office else office_id)
    ):
        question = False  # "Can you use my cell? It's 512-555-0388." gives a number
    if question and question_kind is None and insurance is not None:
        # "Ambetter. Do y'all take that?" answering the plan question: a plan the profile does
        # not list is still the caller's, asked about
        plan_said = insurance.matched or (
            expect == "insurance" and insurance.value not in ("none", "self-pay", "not sure")
        )
        if plan_said and _INSURANCE_ASK_RE.search(low):
            question_kind = "insurance"
    answer = office_answer
    more: tuple[Answer, ...] = ()
    if question and question_kind is None and answer is None and not ORDER_STATUS_RE.search(low):
        # (whether an order is ready is for staff: no FAQ about the optical shop answers it)
        # "… with Dr. Chen next week. What's the address of his office?": the office of the
        # one doctor named, when no office is
        doctors = _doctors_only_office(profile, low) if office is None else None
        about = office.office_id if office else doctors.office_id if doctors else office_id
        answer = answer_question(profile, text, office_id=about)
        if answer is not None:
            more = _more_answers(profile, text, answer, office_id=about)
    if question and answer is None and question_kind is None and reason and _BACKREF_RE.search(low):
        # "I need a diabetic eye exam. Do you do those? If so I'd like to set one up.": the
        # service asked about is the one just named
        named = service_named(profile, reason)
        answer = answer_question(profile, f"Do you offer {named}?") if named else None
        if answer is not None and answer.kind != "services":
            answer = None
    if (
        question
        and answer is None
        and question_kind is None
        and _booking_words(low)
        and not _PRICE_RE.search(low)  # "how much is an exam? how soon could you get me in?"
    ):
        question = False  # "can I come in for an exam?" is a request, not a question
    if (
        question
        and text.count("?") <= 1
        and _REQUEST_AS_QUESTION_RE.match(asked_part(text) if "?" in text else low)
    ):
        # "Okay, then could she come to the Austin one for a LASIK consultation?" after the
        # LASIK answer: a visit asked for, not the same question again
        question, answer, more = False, None, ()
    if (
        question
        and answer is None
        and question_kind is None
        and reason
        and "?" in text
        and _NEED_RE.search(asked_part(text))
        and not asks_in_words(asked_part(text))
    ):
        # "I need new glasses, so first the exam for the eyes, no?": a need with a rising
        # voice asks for the visit
        question = False
    if question and not emergency:
        # A question is not a reason, an insurance plan or a day (unless it names one).
        if question_kind != "availability" and not _booking_words(low):
            reason = _reason_beside_question(profile, text)
        if question_kind != "insurance":
            insurance = insurance if insurance and insurance.matched else None
    if (identity and not said_more) or other_business:
        reason = None
    if human or robot:
        reason = None
        name = None if name and not _has_phrase(low, "my name") else name
        insurance = insurance if insurance and insurance.matched else None
    change = bool(_CHANGE_RE.search(low)) or (
        not question and time is not None and _new_time_for_existing(low, time)
    )
    if change and _CHANGE_TAKEN_BACK_RE.search(low) and _booking_words(low):
        # "Instead of cancelling, can I just make a new appointment?": a visit asked for
        change = False
    if (
        change
        and expect == "anything_else"
        and time
        and not _EXISTING_APPT_RE.search(low)
        and not re.search(r"\b(?:cancel|reschedul|re schedul|appointment|appt|visit)", low)
    ):
        # "Actually, can we change the day? Make it Wednesday the second instead." after the
        # recap: the day of the request just made, not an appointment to move
        change, correction = False, True
    if change and time:
        # "I have an appointment this Thursday at two and I need to reschedule it": that is
        # the visit being moved; only a day said as the new one is a preference ("… move it
        # to sometime next week", "… for Friday instead")
        time = _new_time(text)
    elif time and _said_of_the_past(text, time):
        # "I was at your Hialeah office Monday and I sat …": a visit gone by; "I came in last
        # Tuesday and I need a follow up next week": the rest may still name one
        time = extract_time(
            _without_past_clauses(text), expecting=expect == "time" and not question
        )
    callback = (
        bool(_CALLBACK_RE.search(_SELF_CALLBACK_RE.sub(" ", _OTHERS_LATER_RE.sub(" ", low))))
        and not change
        # "I thought my VSP covered the whole visit. Can someone from billing look at it?":
        # a bill about a visit asks for none
        and (not _booking_words(low) or (_BILL_RE.search(low) and not _BOOK_VERB_RE.search(low)))
    )
    if reason and not _booking_words(low) and _SELF_CALLBACK_RE.search(low):
        # "I'll think about the LASIK thing and call back": put off, not asked for
        reason = None
    book = (
        bool(_booking_words(low))
        or question_kind == "availability"
        or bool(wants and reason)
        or consult
    ) and not (change or other_business)
    if book and callback and not _BOOK_VERB_RE.search(low):
        # "I'd like my records sent to my new eye doctor", "… covered the whole visit. Can
        # someone from billing look at it?": for staff, no visit asked for
        book = False
    if book and question and answer is not None and not _BOOK_VERB_RE.search(low):
        # "What do I need to bring to my first eye appointment?" asks about a visit; it
        # does not ask for one.
        book = False
        reason = None
    if change:
        reason = None
    # "I have a question about an appointment": a question still to come, not a visit asked for
    wants_to_ask = bool(_WANTS_TO_ASK_RE.fullmatch(low))
    if wants_to_ask:
        book, reason, question, question_kind, answer = False, None, False, None, None
    pleasantry = bool(_PLEASANTRY_ONLY_RE.fullmatch(low))
    ack_only = bool(_ACK_ONLY_RE.match(low))
    done = (bool(_DONE_RE.search(low)) and not _GOING_ON_RE.search(low)) or ack_only
    # "Ugh. I'll call back.": the caller is leaving, asking nothing
    if book and _SELF_CALLBACK_RE.search(low) and not wants and not _BOOK_NOW_RE.search(low):
        # "I'll have my aunt call to set it up", "I'll call back to book an exam": booked
        # later, not in this call
        book, reason = False, None
    calling_back = bool(_SELF_CALLBACK_RE.search(low)) and not (
        book or question or callback or change or human
    )
    if calling_back:
        # "Oh, noon, okay. I'll just call back Monday then.": asking for nothing, a day said
        # is when they will call (or the agent's words said back), not a visit's time
        time = None
    wrong_number = _is_wrong_number(low)
    if wrong_number and not book:
        # "Oh, it's the eye doctor? Shoot, I dialed the wrong number.": nothing asked or wanted
        reason, question, question_kind, answer, more = None, False, None, None, ()
    said_yes_no = yes_no(text)
    if (done or said_yes_no is not None) and reason and expect == "reason":
        # "No, that's all" answers the question; it is not a reason.
        if not any(w in _reason_terms(profile) for w in normalize(reason).split()):
            reason = None
    if (
        expect == "time"
        and time is None
        and not (question or done or human or robot or change or emergency)
        and said_yes_no is None
        and not (name or office or phone or (insurance and insurance.matched))
        and 1 <= len(low.split()) <= 8
    ):
        time = _clean_verbatim(text)  # "after work": the caller's words are the preference
    return Understanding(
        text=text,
        emergency=emergency,
        human=human,
        robot=robot,
        identity=identity,
        other_business=other_business,
        repeat=repeat,
        hold=hold,
        line_check=line_check,
        calling_back=calling_back,
        change=change,
        cancel=change and bool(re.search(r"\bcancel", low)),
        callback=callback,
        wrong_number=wrong_number,
        book=book,
        question=question,
        question_kind=question_kind,
        answer=answer,
        more_answers=more,
        spelled=respelled,
        yes=said_yes_no,
        done=done,
        ack_only=ack_only,
        correction=correction,
        wants_to_ask=wants_to_ask,
        pleasantry=pleasantry,
        name=name,
        someone_else=name is not None and names_someone_else(text_for_name, name),
        last_name=last_name,
        office=office,
        insurance=insurance,
        phone=phone,
        time=time,
        reason=reason,
    )
