"""Person names from what callers say: cues, plain names, spelled letters, two-word first names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from switchboard.brain.text import NOT_AFTER_TITLE, normalize, without_fillers
from switchboard.common_names import is_common_first_name
from switchboard.number_words import DIGIT_NAMES

__all__ = [
    "PersonName",
    "extract_last_name",
    "extract_name",
    "loose_name",
    "spelled_word",
    "split_name",
    "title_name",
]

# Words that are never part of a name (function words, call vocabulary, answers).
NOT_NAME = frozenset(
    """
    a an the and or but so if then than that that's this these those it it's its is are was were
    be been being am i i'm i'd i'll i've me my mine you your you're we we're our us he she his her
    he's she's they're gonna gotta wanna kinda sorta going
    him they them their there here what who whom whose which when where why how yes yeah yep no
    nope not nah ok okay alright sure please thanks thank hi hello hey um uh hmm mm er ah oh well
    just like want wanted need needed would could should can can't will won't do does did don't
    have has had get got make made book booking schedule scheduling appointment appointments
    visit exam exams eye eyes check checkup see seeing come coming call calling calls called name
    names first last full spelled spell spelling letter letters number phone cell mobile home work
    for to from of in on at by with about as into up out over after before again also too very
    really actually sorry wait correction mean meant said say says saying is it office offices
    insurance plan none self pay cash morning afternoon evening today tomorrow tonight next week
    monday tuesday wednesday thursday friday saturday sunday weekday weekend any anytime time day
    days son daughter wife husband mother father mom dad child kid kids patient myself me
    question questions doctor dr mr mrs ms miss still here there's everything all nothing good fine
    great perfect right correct contact contacts lens lenses glasses fitting new old help calling
    lately been having some something problem problems dry red itchy blurry vision pain
    due annual looking wondering trying hoping going interested calling back new here
    im hm mhm huh mmm umm uhm erm speaking now today let's lets start needs wants keeps gets
    ten eleven twelve twenty thirty forty fifty hundred
    urgent important serious emergency crazy weird strange awkward embarrassing kind sort
    regarding concerning whenever whatever wherever forgive excuse pardon gracias late early
    usually always never often sometimes normally parked staying living located
    mi mis su sus el hola oye bueno si sí ay perdon perdón por favor muy amable lunes martes
    miercoles miércoles jueves viernes sabado sábado domingo manana mañana tarde noche
    temprano hijo hija esposo esposa papa papá mama mamá abuelo abuela suegro suegra primo
    prima seguro cita
    """.split()
) | frozenset(DIGIT_NAMES)


def not_a_name(word: str) -> bool:
    """A word no name is made of: "the", "Tuesday", and their "'s" ("number's", "name's")."""
    return word in NOT_NAME or (word.endswith("'s") and word[:-2] in NOT_NAME)


TITLES = frozenset(
    {"dr", "doctor", "mr", "mrs", "ms", "miss", "mister", "reverend", "rev", "pastor", "professor"}
)
# First names that commonly pair into one two-word first name ("Mary Ann", "Jo Ellen").
COMPOUND_FIRST = frozenset(
    "mary anna ann anne jo jean john sarah lou lee billy bobby betty peggy rose".split()
)
COMPOUND_SECOND = frozenset(
    """ann anne jo lou beth kate grace rose marie lynn lynne sue jane mae ellen elizabeth louise
    kay may paul michael james joe jean ruth""".split()
)

# Short words a phone recognizer tacks on after a name it heard ("bianca ross you"); a name
# followed only by these still counts when the agent asked for the name.
TRAILING_NOISE = frozenset("you to a the uh um and it so oh of in".split())
# Words a caller puts after a whole name: "Maria Lopez here", "Bianca Rossi, please".
_AFTER_FULL_NAME = TRAILING_NOISE | frozenset("here please thanks thank me".split())
# Not a surname even in a two-word answer to the name question.
_NOT_SURNAME = TRAILING_NOISE | frozenset(
    "please thanks thank yes yeah yep no nope okay ok sure here there is then now too also "
    "instead actually maybe".split()
)

#: "It's under Beth Sorensen", "under the name Maria Lopez", "the appointment is under my
#: husband's name, Raj Patel": whose appointment it is, a first and last name.
_UNDER_CUES = (
    r"(?:it's|it is|it should be|(?:the )?appointment(?:'s| is)|should be) under(?: the name"
    r"(?: of)?| (?:my|her|his|our) [a-z]+'s name)?",
    r"under the name(?: of)?",
    r"in the name of",
    # "It's not for me, sorry. It's for my son, Mateo Mendez."
    r"(?:it's|it is|this is|that's|the appointment is|the appointment's) (?:actually )?for my "
    r"(?:son|daughter|husband|wife|mother|father|mom|dad|child|grandson|granddaughter|"
    r"grandmother|grandfather|brother|sister|partner)(?: named| called)?",
)
_UNDER_CUE_RE = re.compile(r"\b(?:" + "|".join(_UNDER_CUES) + r")\b")
_CUES = (
    *_UNDER_CUES,
    r"my name is",
    r"my name's",
    r"my name",  # the recognizer often drops the "'s"
    r"name is",
    r"name's",
    r"the name is",
    r"this is",
    r"i am",
    r"i'm",
    r"it is",
    r"it's",
    r"call me",
    r"patient is",
    r"patient's name is",
)
_CUE_RE = re.compile(
    r"\b(?:"
    + "|".join(_CUES)
    # "Let's start with my daughter, Emma Rossi" (at the name question only)
    + r"|my (?:daughter|son|wife|husband|mother|father|mom|dad|child|kid|grandson|"
    r"granddaughter)(?:'s name is|'s name's| is named| named)?" + r")\b"
)
_STRONG_CUE_RE = re.compile(r"\b(?:my name is|my name's|my name|name is|name's|the name is)\b")
_O_PREFIX_RE = re.compile(r"\b([a-z]{2,}) oh ([a-z]{3,})\b")
_SPELLED_RE = re.compile(r"(?<![a-z'])(?:[a-z][ .,~^-]+){2,}[a-z](?![a-z'])")
_SPELLED_SHORT_RE = re.compile(r"(?<![a-z'])(?:[a-z][ .,~^-]+){1,}[a-z](?![a-z'])")
#: "O, apostrophe, C O N N O R", "S M I T H hyphen J O N E S": the mark named between letters
_SPELLED_MARK_RE = re.compile(r"(?<=\b[a-z])[ .,]+(apostrophe|hyphen|dash)[ .,]+(?=[a-z]\b)")


@dataclass(frozen=True)
class PersonName:
    """A caller's name; ``last`` is empty when only a first name was given."""

    first: str
    last: str = ""

    @property
    def full(self) -> str:
        """First and last name joined."""
        return f"{self.first} {self.last}".strip()


def title_name(word: str) -> str:
    """Capitalize a name word: "o'brien" → "O'Brien", "smith-jones" → "Smith-Jones"; particles
    inside a name stay small ("de la cruz" → "de la Cruz")."""
    words = word.lower().split(" ")
    return " ".join(
        w if i and w in _SMALL_PARTICLES and i < len(words) - 1 else _capitalized(w)
        for i, w in enumerate(words)
    )


def _capitalized(word: str) -> str:
    return re.sub(r"(^|[-'])([a-z])", lambda m: m.group(1) + m.group(2).upper(), word)


def spelled_word(text: str, *, shortest: int = 3) -> str | None:
    """A word spelled out letter by letter ("T H O M P S O N" → "Thompson"), or None.

    Args:
        text: What the caller said.
        shortest: The fewest letters that spell a word (two where a last name is asked for:
            "it's L I").
    """
    # "with a Z, not an S. V A Z Q U E Z", "it's L I, not L E E": letters said after "not"
    # are the spelling taken back
    low = re.sub(
        r"\bnot (?:an? (?=[a-z]\b))?[a-z](?:[ ,]+[a-z])*(?=[.;!?]|,\s|\s*$)", " ; ", text.lower()
    )
    # "A I S H A. I said it too fast.": the "I" opening the next sentence spells nothing
    low = re.sub(r"(?<=[a-z])[.!?]\s+i(?= [a-z]{2,})", " ; i", low)
    # "Katherine is with a K. K A T H E R I N E": the letter named first is not spelled twice
    low = re.sub(r"(?<!\b[a-z] )\b(?:with )?an? ([a-z])[.,]?\s+(?=\1\b)", "", low)
    # "P as in Peter, R, U, I, T, T": the word names the letter before it
    low = re.sub(r"\b([a-z])[.,]? (?:as in|for) [a-z']+\b", r"\1", low)
    low = _SPELLED_MARK_RE.sub(lambda m: " ~ " if m.group(1) == "apostrophe" else " ^ ", low)
    best = None
    pattern = _SPELLED_RE if shortest >= 3 else _SPELLED_SHORT_RE
    for match in pattern.finditer(low):
        letters = re.sub(r"[^a-z~^]", "", match.group(0)).replace("~", "'").replace("^", "-")
        count = len(re.sub(r"[^a-z]", "", letters))
        if count >= shortest and (best is None or count > len(re.sub(r"[^a-z]", "", best))):
            best = letters.strip("'-")
    return title_name(best) if best else None


#: Small words inside a surname: "Ana Lucia de la Cruz", "Maria del Carmen", "van der Berg".
NAME_PARTICLES = frozenset("de del la las los y da das do dos van von der den di du le st".split())
#: The particles written small inside a name ("St." keeps its capital: "St. James").
_SMALL_PARTICLES = NAME_PARTICLES - {"st"}


def name_words(candidate: list[str], *, strict: bool) -> list[str]:
    """The words that open ``candidate`` and can be a name: up to four (two given names and
    two surnames, "Juan Carlos Mendez Ruiz"), with particles between them ("de la"); more
    than four is no name when ``strict`` (a sentence, not a name)."""
    out: list[str] = []
    count = 0
    for i, word in enumerate(candidate):
        if word in TITLES and not out:
            continue
        nxt = candidate[i + 1] if i + 1 < len(candidate) else ""
        if word in NAME_PARTICLES and out and (nxt in NAME_PARTICLES or _may_be_name(nxt)):
            out.append(word)  # "de" in "Ana Lucia de la Cruz"
            continue
        if not _may_be_name(word):
            break
        out.append(word)
        count += 1
        if count == 5:
            break
    while out and out[-1] in NAME_PARTICLES:
        out.pop()
    if strict and count > 4:
        return []
    if count == 5:
        out = out[:-1]
    return out


def _may_be_name(word: str) -> bool:
    return bool(word) and not not_a_name(word) and bool(re.fullmatch(r"[a-z][a-z'-]+", word))


def split_name(words: list[str]) -> PersonName:
    """A name from its words, in order: first name (two words when compound) and the rest."""
    begun_again = len(words[0]) >= 2 and words[1].startswith(words[0]) if len(words) > 2 else False
    if len(words) > 2 and (words[0] == words[1] or begun_again):
        # "Folasade. Folasade Adeyemi.": the first name said, then the whole; "Jen- Jennifer
        # Walsh": a name begun again
        words = words[1:]
    names = [title_name(w) for w in words]
    # "de la" inside a name stays small: "Ana Lucia de la Cruz", "Maria del Carmen"
    names = [
        w.lower() if 0 < i < len(names) - 1 and w.lower() in _SMALL_PARTICLES else w
        for i, w in enumerate(names)
    ]
    if len(names) == 1:
        return PersonName(names[0])
    pair = (words[0], words[1])
    compound = pair[0] in COMPOUND_FIRST and pair[1] in COMPOUND_SECOND
    if len(names) == 2:
        return PersonName(" ".join(names)) if compound else PersonName(names[0], names[1])
    if compound:
        return PersonName(" ".join(names[:2]), " ".join(names[2:]))
    return PersonName(names[0], " ".join(names[1:]))


#: Words that may join a name to the rest of an answer when the transcript has no commas
#: ("maria gonzalez and i have aetna", "peter brown from kendall").
_JOINERS = frozenset("and from at in with for i i'm i've it's my calling".split())


#: What a caller may say before their name ("Oh right, sorry. Shelby Tran.").
_ACK_LEAD_RE = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|ok|okay|alright|um|uh|so|well|oh|right|sorry|of course|"
    r"certainly|absolutely)\s+)+"
)


def _leading_name(text: str, low: str, *, spelled: bool) -> list[str] | None:
    """The name that opens an answer to "may I have your name?", or None."""
    candidate = _ACK_LEAD_RE.sub("", low).split()
    candidate = [w for w in candidate if w not in TITLES]
    couple = _couple_name(candidate)
    if couple:
        return couple
    if len(candidate) > 2 and candidate[0] == candidate[1]:
        candidate = candidate[1:]  # "Ezekiel. Ezekiel Dunmore.": the first name, then all of it
    # "Tevita Fonua. Tevita is T E V I T A", "Desmond Baptiste. Desmond.", "Yesenia Marroquin.
    # Marroquin with two R.", "Valentina Ruiz-Castro. Ruiz is R U I Z": a name word said
    # again starts its spelling or a repeat
    said = name_words(candidate, strict=False)
    again = next((i for i, w in enumerate(said) if w in said[:i]), len(said))
    if 2 <= again <= 3 and again < len(said):
        return said[:again]
    found = name_words(candidate, strict=True)
    repeat = next((i for i, w in enumerate(found) if w in found[:i]), len(found))
    if 2 <= repeat < len(found):
        return found[:repeat]
    if spelled:
        return found[:repeat]
    if len(found) == len(candidate):
        return found
    # Anything besides the name ("Maria, and I want…") must follow a comma/stop, or, in a
    # transcript without punctuation, a joining word after a first and last name.
    rest = candidate[len(found) :]
    if 2 <= len(found) <= 4 and rest[0] in _JOINERS and len(rest) > 1:
        return found
    if 2 <= len(found) <= 4 and re.search(rf"\b{re.escape(found[-1])}[.,;!?]", text.lower()):
        return found  # "Ezekiel. Ezekiel Dunmore. We call him Zeke": the name's sentence ends
    first_clause = normalize(re.split(r"[,;!?]|\.(?:\s|$)", text, maxsplit=1)[0]).split()
    first_clause = [w for w in first_clause if w not in TITLES]
    found = name_words(first_clause, strict=True)
    rest = first_clause[len(found) :]
    if len(first_clause) == 2 and len(found) == 1 and rest[0] not in _NOT_SURNAME:
        # "Hannah Wright" heard as "hannah right": two words asked for, two given.
        return first_clause
    after = _AFTER_FULL_NAME if len(found) >= 2 else TRAILING_NOISE
    if not found or not all(w in after for w in rest):
        return None
    return found


#: Where a clause ends in typed text; a title's period ("Mrs. Carmen Ortiz") ends none.
_CLAUSE_END = NOT_AFTER_TITLE + r"[.,;!?]+"


def _clause_after(text: str, low: str, cue: re.Match[str]) -> list[str]:
    """The words after a name cue, up to the end of its clause in the original text ("This is
    Harold Feinberg speaking. Now, my daughter …" → harold feinberg speaking)."""
    after = low[cue.end() :].split()
    said = cue.group(0).split()
    # "Well, this is …": the stray word the cue may start with can sit in the clause before
    for cue_words in (said, said[1:]) if len(said) > 2 else (said,):
        for clause in re.split(_CLAUSE_END, text):
            clause_words = normalize(clause).split()
            for i in range(len(clause_words) - len(cue_words) + 1):
                if clause_words[i : i + len(cue_words)] == cue_words:
                    rest = clause_words[i + len(cue_words) :]
                    if rest and rest == after[: len(rest)]:
                        return rest
    return after


def _first_cue_with_a_name(low: str) -> re.Match[str] | None:
    """The first weak cue ("it's", "I'm", "this is") followed by a name word, else the first
    cue: "I'm on Medicaid, it's Luis Carmona" names Luis."""
    first = None
    for cue in _CUE_RE.finditer(low):
        first = first or cue
        after = low[cue.end() :].split()
        if after and after[0] not in NOT_NAME:
            return cue
    return first


def _couple_name(words: list[str]) -> list[str] | None:
    """ "Diane and Paul Friedman": the caller names themself first; their name is Diane
    Friedman."""
    if len(words) >= 4 and words[1] == "and":
        first, second, last = words[0], words[2], words[3]
        if (
            len(name_words([first], strict=True)) == 1
            and len(name_words([second, last], strict=True)) == 2
        ):
            rest = words[4:]
            if all(w in _AFTER_FULL_NAME for w in rest):
                return [first, last]
    return None


#: A caller correcting the name they just gave: "Tony Russo. Well, Anthony. Anthony Russo."
_RESTATE_RE = re.compile(r"\b(?:well|actually|i mean|sorry|rather|correction|wait|no)\b")
_RESTATE_LEAD_RE = re.compile(
    r"^(?:(?:well|actually|i mean|sorry|rather|no|wait|so|um|uh|it's|it is|my name is|"
    r"my name's|(?:his|her|their|the) name is|(?:his|her|their) name's|i'm|make that|"
    r"properly|officially|legally)\s+)+"
)


def _restated_name(text: str) -> PersonName | None:
    """The last sentence that is nothing but a first and last name, when the caller corrects
    the name they opened with (text with punctuation only: a recognizer gives none)."""
    sentences = re.split(r"[.!?;\u2014]+|\s--?\s|--", text)  # "Olivia Hart— sorry, Olivia Hartman"
    if len(sentences) < 2 or not _RESTATE_RE.search(normalize(text)):
        return None
    for sentence in reversed(sentences[1:]):
        # "Jonathan Reyes, that's what's on my insurance card": the name before the comma
        for said in (sentence, sentence.split(",")[0]):
            words = _RESTATE_LEAD_RE.sub("", normalize(said)).split()
            while len(words) > 2 and len(words[-1]) == 1:
                words.pop()  # "Jonathan Kowalczyk, K O W A L C Z Y K": the spelling follows
            found = name_words(words, strict=True)
            if 2 <= len(found) <= 3 and len(found) == len(words):
                return split_name(found)
    return None


_LAST_FIRST_RE = re.compile(
    r"\blast name(?: is|'s)? (?P<last>[a-z][a-z'-]+) (?:and )?(?:my )?first name(?: is|'s)? "
    r"(?P<first>[a-z][a-z'-]+)|\bfirst name(?: is|'s)? (?P<first2>[a-z][a-z'-]+) (?:and )?"
    r"(?:my )?last name(?: is|'s)? (?P<last2>[a-z][a-z'-]+)|"
    # "Nguyen, Thi. Nguyen is my last name, Thi is my first name."
    r"\b(?P<last3>[a-z][a-z'-]+) is my last name (?:and )?(?P<first3>[a-z][a-z'-]+) is my first "
    r"name|\b(?P<first4>[a-z][a-z'-]+) is my first name (?:and )?(?P<last4>[a-z][a-z'-]+) is my "
    r"last name"
)
#: "The last name is Friedman": a surname said with its cue.
_LAST_NAME_CUE_RE = re.compile(r"\blast name(?: is|'s)? (?!is\b)([a-z][a-z'-]+)")


def stated_last_name(text: str) -> str | None:
    """A last name said with its cue ("Sorry, last name's Walsh, not Marsh"), or None."""
    stated = _LAST_NAME_CUE_RE.search(normalize(text))
    if stated is None or not_a_name(stated.group(1)):
        return None
    return title_name(stated.group(1))


def _first_name_before(low: str, last: str) -> str | None:
    """The first name said before ``last`` elsewhere in the answer ("Diane and Paul Friedman",
    "Diane Friedman"), or None."""
    for match in re.finditer(rf"\b([a-z][a-z'-]+)(?: and [a-z][a-z'-]+)? {re.escape(last)}\b", low):
        first = match.group(1)
        if not not_a_name(first) and first != last and first not in ("name", "is"):
            return first
    return None


def extract_name(text: str, *, expecting: bool = False) -> PersonName | None:
    """The caller's name, or None.

    Args:
        text: What the caller said.
        expecting: The agent just asked for the name, so a plain "Maria Gonzalez" counts.
            Without it only an explicit cue ("my name is …", "this is …") is trusted.
    """
    # a filler between a cue and the name ("its uh angela morales") is no part of either
    text = without_fillers(text)
    low = normalize(text)
    if not low:
        return None
    if expecting:
        # "O'Brien" as a recognizer writes it: "michael oh bryan".
        low = _O_PREFIX_RE.sub(
            lambda m: m.group(0) if m.group(2) in NOT_NAME else f"{m.group(1)} o'{m.group(2)}",
            low,
        )
    patient = _patient_named(text, low, expecting=expecting)
    if patient is not None:
        return patient
    spelled = spelled_word(text)
    cue = _STRONG_CUE_RE.search(low)  # "I'm on Medicaid. My name's Luis": "my name" wins
    if cue is None and expecting:
        cue = _first_cue_with_a_name(low)
    if cue is None and not expecting:
        # "(hi,) this is …" opening the call; a recognizer may put a stray word first.
        cue = re.search(
            r"^(?:[a-z']+ )?(?:(?:hi|hello|hey|good morning|good afternoon|good evening|yes|yeah|"
            r"um|uh|oh|well|so|okay|ok)\s+)*(?:[a-z']+ )?this is\b",
            low,
        )
    if cue is None and not expecting:
        # Later in a sentence "this is" is mostly something else ("this is urgent", "this is
        # for my son"); before a common first name and one more word it is the caller: "i want
        # a glaucoma check this is maria lopez" (a recognizer's run-on sentence).
        later = re.search(r"\bthis is (?=([a-z']+) [a-z])", low)
        typed_later = re.search(r"\b[Tt]his is [A-Z][a-z'-]+ [A-Z][a-z'-]+\b", text)
        if later is not None and (is_common_first_name(later.group(1)) or typed_later):
            cue = later  # (or written as a name: "… for the Austin office? This is Lorraine
            # Fitch.")
    if cue is None and not expecting:
        # "hey its daniel kim i dont need an appointment": "it's" opening the call, before a
        # common first name and one more word
        opening = re.match(
            r"^(?:(?:hi|hello|hey|yeah|yes|um|uh|oh|well|so)\s+)*(?:it's|its|it is) "
            r"(?=([a-z']+) [a-z])",
            low,
        )
        typed = re.search(r"\b(?:[Ii]t's|[Ii]ts|[Ii]t is) [A-Z][a-z'-]+ [A-Z][a-z'-]+\b", text)
        if opening is not None and (is_common_first_name(opening.group(1)) or typed):
            cue = opening  # (or written as a name: "Hi, it's Omar Haddad, I go to …")
    under = None
    if cue is None and not expecting:
        cue = under = _UNDER_CUE_RE.search(low)
    both = _LAST_FIRST_RE.search(low)
    if both:
        # "Last name Johnson, first name Robert" (either order)
        last = (
            both.group("last") or both.group("last2") or both.group("last3") or both.group("last4")
        )
        first = (
            both.group("first")
            or both.group("first2")
            or both.group("first3")
            or both.group("first4")
        )
        if first not in NOT_NAME and last not in NOT_NAME:
            return PersonName(title_name(first), title_name(last))
    stated = _LAST_NAME_CUE_RE.search(low)
    if stated and cue is not None and stated.start() <= cue.start() < stated.end():
        # The cue is the last name's: "the last name is Friedman. Diane and Paul Friedman."
        last = stated.group(1)
        first = _first_name_before(low, last) if last not in NOT_NAME else None
        return PersonName(title_name(first), title_name(last)) if first else None
    found: list[str] = []
    if cue is not None:
        found = name_words(_clause_after(text, low, cue), strict=False)
        if cue.group(0) in ("i'm", "i am") and len(found) == 1 and found[0].endswith("ing"):
            found = []  # "Hang on, I'm merging", "I'm driving": what the caller is doing
        if (cue.group(0) == "my name" or cue is under) and not expecting and len(found) < 2:
            # The bare cue is the recognizer's (it drops the "'s"), and so are stray words
            # after it ("... new frank smith my name grove"): a first and last name, or none.
            found = []
    if not found and expecting:
        # No cue, or a cue later in the answer ("Peter Brown, and it's the Kendall office").
        found = _leading_name(text, low, spelled=bool(spelled)) or _capitalized_answer(text)
    elif cue is None:
        return None
    if not found:
        restated = _restated_name(text) if expecting else None
        if restated is not None:
            return restated  # "Olivia Hart— sorry, Olivia Hartman."
        if spelled and expecting:
            return PersonName(spelled)
        return None
    name = split_name(found)
    if expecting or cue is not None:
        # "Tony Russo. Well, Anthony. Anthony Russo."; "Her name is Sofia, no wait, sorry,
        # that's the little one. It's Camila. Camila Restrepo."
        restated = _restated_name(text)
        if restated is not None and (
            cue is None or low.rfind(normalize(restated.full)) > cue.start()
        ):
            # (not a place said before the cue: "The other office. Round Rock. Name's Leah
            # Burns.")
            name = restated
    if not name.last:
        name = _first_then_full(text, name) or name  # "Her name? It's Lily. Lily Tran."
    stated_last = _LAST_NAME_CUE_RE.search(low)
    if stated_last and stated_last.group(1) not in NOT_NAME:
        last = title_name(stated_last.group(1))
        said = low.split()
        nxt = said.index(last.lower()) + 1 if last.lower() in said else len(said)
        if name.first == last and nxt < len(said) and said[nxt] not in NOT_NAME:
            # "Johnson, Tyrell. Last name Johnson.": said last name first
            name = PersonName(title_name(said[nxt]), last)
        else:
            name = PersonName(name.first, last)
    if spelled:
        # Spelling is authoritative: it replaces the word it spells (or the last name).
        if name.last and spelled.lower().startswith(name.last.lower()[:2]):
            name = PersonName(name.first, spelled)
        elif spelled.lower().startswith(name.first.lower()[:2]) and not name.last:
            name = PersonName(spelled)
    return _hyphens_kept(text, name)


#: Words that are no name even written with a capital: days, months, parts of the day,
#: answers and greetings.
_CALENDAR_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december morning mornings afternoon
    afternoons evening evenings late early next this any yes yeah yep no nope please thanks
    thank you okay ok sure hello hi hey bye goodbye sorry""".split()
)


def _capitalized_answer(text: str) -> list[str]:
    """A typed answer to "may I have your name?" that is nothing but two or three capitalized
    words ("Will Price.", "Faith Long."): a name, though its words are also ordinary words."""
    said = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    if not 2 <= len(said) <= 3 or not re.fullmatch(r"[\sA-Za-z'.,-]+", text.strip()):
        return []
    if any(not w[0].isupper() or w.isupper() for w in said):
        return []
    words = [w.lower() for w in said]
    if any(w in _CALENDAR_WORDS or w in TITLES for w in words):
        return []
    return words


def _hyphens_kept(text: str, name: PersonName) -> PersonName:
    """ "Ruiz-Castro" written with its hyphen stays one hyphenated name, not "Ruiz Castro"."""
    last = name.last.split()
    hyphenated = rf"\b{re.escape(last[0])}-{re.escape(last[1])}\b" if len(last) == 2 else None
    if hyphenated and re.search(hyphenated, text, flags=re.IGNORECASE):
        return PersonName(name.first, "-".join(last))
    return name


_RELATIONS = (
    r"(?:son|daughter|husband|wife|mother|father|mom|dad|child|kid|grandson|granddaughter|"
    r"grandmother|grandfather|grandma|grandpa|brother|sister|partner|boyfriend|girlfriend|"
    r"fiance|fiancee|stepson|stepdaughter|nephew|niece|aunt|uncle|client|patient)"
)
#: Cues before the patient's name when a caller books for someone else: "The appointment is
#: for her, Isabella Santos", "It's for Thomas Wright", "The boy is Noah".
_PATIENT_CUE_RE = re.compile(
    r"\b(?:(?:it's|it is|this is|the appointment is|the appointment's|appointment is|the exam "
    rf"is|the visit is) (?:actually |really )?for (?:(?:her|him),? |(?:my|our) {_RELATIONS} )?|"
    r"the (?:boy|girl|kid|child|"
    r"baby|patient|little one)(?:'s name)? is |(?:his|her) name is |(?:his|her) name's |"
    # "I need to bring my daughter Grace Kim to the Austin office", "an eye exam for my
    # daughter, Lily Stone"
    rf"(?:for|bring|bringing|take|taking|get|getting|book|schedule) (?:my|our) {_RELATIONS} )"
)
#: After the patient's name: "Eugene Foster. He's my father".
_PATIENT_AFTER_RE = re.compile(
    rf"^[.,]?\s*(?:he's|she's|he is|she is|that's|that is) (?:my|our) {_RELATIONS}\b",
    re.IGNORECASE,
)


#: Said before a name that is someone else's: "for my son", "his name is", "the boy is".
_SOMEONE_ELSE_BEFORE_RE = re.compile(
    rf"\b(?:(?:for|bring|bringing|take|taking|get|getting|book|schedule|calling for|"
    rf"calling about) (?:my|our) {_RELATIONS}|(?:his|her) name|the (?:boy|girl|kid|child|baby|"
    r"patient|little one)(?:'s name)? is|(?:it's|it is|the appointment is|the appointment's) "
    r"(?:actually |really )?for (?:her|him))\b"
)


def names_someone_else(text: str, name: PersonName) -> bool:
    """Whether ``name``, said in ``text``, is the patient's and not the caller's ("I'm calling
    for my son Noah Stein", "His name is Mateo", "Eugene Foster. He's my father"): the agent
    then does not call the caller by it."""
    low = normalize(without_fillers(text))
    first = normalize(name.first).split()[0] if name.first else ""
    at = re.search(rf"\b{re.escape(first)}\b", low) if first else None
    if at is None:
        return False
    if any(m.start() < at.start() for m in _SOMEONE_ELSE_BEFORE_RE.finditer(low)):
        return True
    after = re.search(rf"\b{re.escape(normalize(name.full))}\b(.*)", low) or re.search(
        rf"\b{re.escape(first)}\b(.*)", low
    )
    return bool(after and _PATIENT_AFTER_RE.match(after.group(1).strip()))


def _patient_named(text: str, low: str, *, expecting: bool) -> PersonName | None:
    """The patient's name in an answer that also names the caller, or None.

    Callers booking for someone else name both, in any order: "I'm Gloria Fuentes, the
    grandmother. But the appointment is for her, Isabella Santos"; "Eugene Foster. He's my
    father, I'm Brian Foster"; "It's for Thomas Wright, he's my husband. I'm Janet Wright."
    Only a first and last name counts (a lone first name is asked about as usual).
    """
    for cue in _PATIENT_CUE_RE.finditer(low):
        found = name_words(_clause_after(text, low, cue), strict=False)
        if len(found) == 1:
            # "The boy is Noah. Noah Bennett"
            full = _first_then_full(text[_position_in(text, low, cue.end()) :], split_name(found))
            if full is not None:
                return full
        if len(found) >= 2 and (expecting or len(found) <= 4):
            return split_name(found[:6])
    if not expecting:
        return None
    for match in re.finditer(r"[A-Za-z][A-Za-z'-]+ [A-Za-z][A-Za-z'-]+", text):
        rest = text[match.end() :]
        if not _PATIENT_AFTER_RE.match(rest):
            continue
        found = name_words(normalize(match.group(0)).split(), strict=True)
        if len(found) == 2:
            return split_name(found)
    return None


def _position_in(text: str, low: str, at: int) -> int:
    """Where in ``text`` the word that ``low[at:]`` starts with is (about); 0 when unsure."""
    words_before = len(low[:at].split())
    spans = list(re.finditer(r"\S+", text))
    return spans[words_before].start() if words_before < len(spans) else 0


def _first_then_full(text: str, name: PersonName) -> PersonName | None:
    """The full name said in a sentence of its own after the first name alone ("It's Lily.
    Lily Tran."), or None."""
    for sentence in re.split(_CLAUSE_END, text):
        words = normalize(sentence).split()
        if len(words) == 2 and words[0] == name.first.lower():
            found = name_words(words, strict=True)
            if len(found) == 2 and found[1] not in _NOT_SURNAME:
                return split_name(found)
    return None


def loose_name(text: str) -> PersonName | None:
    """The name-like words of an answer to "may I have your name?", as heard.

    Used only after the name was asked for and not understood: the request then carries the
    caller's words (staff correct them from the recording) rather than no name at all.
    """
    words = [
        w
        for w in normalize(text).split()
        if re.fullmatch(r"[a-z][a-z'-]+", w) and not not_a_name(w) and w not in TITLES
    ]
    if not words:
        return None
    return split_name(words[:3])


def extract_last_name(text: str) -> str | None:
    """A last name given on its own ("Thompson. T H O M P S O N.", "it's Park")."""
    spelled = spelled_word(text)
    low = normalize(text)
    low = re.sub(r"^(?:(?:yes|yeah|sure|ok|okay|um|uh|so|well|oh|sorry)\s+)+", "", low)
    low = re.sub(r"^(?:(?:my |the )?last name(?: is|'s)?|it's|it is|that's|that is)\s+", "", low)
    found = name_words(low.split(), strict=False)
    if spelled:
        return spelled
    if not found:
        # "Oh, forgive me. Hollis. Margaret Hollis.": the first sentence that holds a name
        for sentence in re.split(r"[.;!?]", text)[1:]:
            found = name_words(normalize(sentence).split(), strict=False)
            if found:
                break
    if not found:
        return None
    if len(found) >= 3 and found[-1] in found[:-1]:
        # "oh washington derek washington": the surname said again after the first name.
        return title_name(found[-1])
    opening = name_words(
        normalize(re.split(r"[.,;!?]", text.strip(" .,;!?"))[0]).split(), strict=False
    )
    opening = [w for w in opening if w not in ("yes", "yeah", "oh", "sorry", "well")]
    if opening and len(opening) < len(found) and opening == found[: len(opening)]:
        found = opening  # "Oh, Patel. Jasmine Patel.": the first sentence is the answer
    kept = found[:2]
    if len(kept) == 2 and not re.search(r"[aeiouy]", kept[1]):
        kept = kept[:1]  # "thompson th": a spelling's first letters, heard as a word
    return " ".join(title_name(w) for w in kept)
