"""Offices (names and area aliases) and insurance plans, matched fuzzily against the profile."""

from __future__ import annotations

import re
from dataclasses import dataclass

from switchboard.brain.names import NOT_NAME
from switchboard.brain.text import consonant_key, fuzzy_score, normalize, phonetic_key
from switchboard.profiles import BusinessProfile

__all__ = [
    "InsuranceMatch",
    "OfficeMatch",
    "match_insurance",
    "match_office",
    "place_words",
    "street_names",
]

# Place-name words too common to identify an office on their own.
_COMMON_PLACE_WORDS = frozenset(
    "north south east west downtown uptown lake lakes park gardens garden bay beach city town "
    "heights village hills grove center centre the of saint st new old round rock point spring "
    "springs river valley falls fort port mount cross".split()
)
# Words before a place ("I live in …", "near …") and after one ("the … office").
_PLACE_CUES_BEFORE = frozenset("in near at by".split())
_PLACE_CUES_AFTER = frozenset("office location area one".split())
_GENERIC_PLAN_WORDS = frozenset(
    "blue vision health care healthcare plan insurance medical dental first".split()
)


@dataclass(frozen=True)
class OfficeMatch:
    """An office the caller named, and how sure the match is (100+ is exact)."""

    office_id: str
    name: str
    heard: str
    score: float


@dataclass(frozen=True)
class InsuranceMatch:
    """What the caller said about insurance.

    ``value`` is the plan's profile name when matched, "none", "self-pay", "not sure", or the
    caller's own words when they named a plan the profile does not list (``matched`` False).
    """

    value: str
    matched: bool


def _threshold(target: str) -> float:
    return 85.0 if len(phonetic_key(target)) >= 6 else 90.0


def _windows(words: list[str], size: int):
    for start in range(0, max(0, len(words) - size + 1)):
        yield start, words[start : start + size]


def match_office(
    profile: BusinessProfile,
    text: str,
    *,
    exclude: frozenset[str] = frozenset(),
    expecting: bool = False,
    local: frozenset[str] = frozenset(),
) -> OfficeMatch | None:
    """The office whose name or alias the caller said (exactly or nearly), or None.

    Exact matches come first. When the caller names more than one office, the one named last
    wins ("Kendall, no wait, Coral Gables"; "I used to go to Hialeah but I live in
    Pflugerville now"), except one said after "not" ("Pflugerville, not Hialeah"); of two
    overlapping names the longer wins ("Miami Lakes" over "Miami"). The flow says the office
    back, so the caller hears which one was taken. Without an exact match, the best fuzzy
    match above a threshold that is stricter for short names ("oral" is not "Doral") wins.
    Where a place is expected (the agent asked for the office, or the words sit after "in",
    "near" … or before "office"), a word with the place's consonants in order also counts:
    recognizers hear "Doral" as "dorrell" (see ``_sounds_like_place``).

    Args:
        profile: The business.
        text: What the caller said.
        exclude: Words to ignore (e.g. the caller's name, so "Austin Miller" is not Austin).
        expecting: The agent just asked which office.
        local: The offices of the region the caller rang (``offices_for_line``). When the
            caller names one of them and, later in the same breath, an office of another
            region, with no word between that moves the visit ("actually", "instead", "now",
            "moved" …), the local one wins: a recognizer hears "Pinecrest would be easiest"
            as "pinecrest would be hughes for austin", and no Florida caller means both.
    """
    token_owner = place_words(profile)
    # "Hialeah's fine", "Round Rock's closer": the place, not its possessive
    words = [
        w[:-2] if w.endswith("'s") and w[:-2] in token_owner else w
        for w in normalize(text).split()
        if w not in exclude
    ]
    if not words:
        return None
    best: OfficeMatch | None = None
    exact: tuple[tuple[int, int], OfficeMatch] | None = None
    exacts: list[tuple[tuple[int, int], OfficeMatch]] = []

    def consider(match: OfficeMatch) -> None:
        nonlocal best
        if best is None or match.score > best.score:
            best = match

    places = [
        (office, place, normalize(place).split())
        for office in profile.offices
        for place in office.place_names()
    ]
    # "not Kendall, the Gables … Kendall was our old one": an office said after "not" is not
    # meant anywhere in the answer
    ruled_out = {
        office.id
        for office, _, target in places
        for start, window in _windows(words, len(target))
        if window == target and _negated(words, start)
    }
    # "I said Kendall, but it should be Hialeah": the office the caller says they said is the
    # one taken back, when they name another
    said = {
        office.id
        for office, _, target in places
        for start, window in _windows(words, len(target))
        if window == target and words[max(0, start - 2) : start] in (["i", "said"], ["said", "the"])
    }
    named = {
        office.id
        for office, _, target in places
        for _, window in _windows(words, len(target))
        if window == target
    }
    if said and named - said - ruled_out:
        ruled_out |= said

    def consider_exact(match: OfficeMatch, start: int, size: int) -> None:
        nonlocal exact
        if match.office_id in ruled_out or _said_as_past(words, start + size):
            return
        rank = (start + size, size)  # ends latest; of two ending together, the longer
        exacts.append((rank, match))
        if exact is None or rank > exact[0]:
            exact = (rank, match)

    for office, place, target in places:
        size = len(target)
        for sz in range(max(1, size - 1), size + 3):
            if sz < 1:
                continue
            for start, window in _windows(words, sz):
                heard = " ".join(window)
                if window == target:
                    consider_exact(
                        OfficeMatch(office.id, office.name, heard, 100.0 + size), start, size
                    )
                    continue
                if all(w in NOT_NAME or w in _COMMON_PLACE_WORDS for w in window):
                    continue
                score = fuzzy_score(heard, " ".join(target))
                threshold = _threshold(place)
                if score >= threshold and (
                    threshold < 90 or phonetic_key(heard)[:1] == phonetic_key(place)[:1]
                ):
                    consider(OfficeMatch(office.id, office.name, heard, score))
                elif (
                    sz <= size
                    and (expecting or _cued(words, start, sz))
                    and not any(w in NOT_NAME for w in window)
                    and _sounds_like_place(heard, place)
                ):
                    consider(OfficeMatch(office.id, office.name, heard, 86.0))
        # A distinctive word of a multi-word place ("Gables", "Pflugerville"'s "Cedar").
        for token in target:
            owners = token_owner.get(token, set())
            if (
                size > 1
                and len(token) >= 5
                and token not in _COMMON_PLACE_WORDS
                and owners == {office.id}
                and token in words
            ):
                consider(OfficeMatch(office.id, office.name, token, 95.0))
    if exact is not None:
        return _local_first(exact, exacts, words, local)
    return best or _street_match(profile, words)


# Words that move a visit from the office said first to one said after ("I used to go to
# Hialeah but I live in Pflugerville now"; "Kendall, no wait, Austin").
_MOVES_VISIT = frozenset(
    "actually instead now moved moving move live living stay staying but rather no wait "
    "sorry mean meant prefer better closer switch change visiting visit".split()
)


def _local_first(
    exact: tuple[tuple[int, int], OfficeMatch],
    exacts: list[tuple[tuple[int, int], OfficeMatch]],
    words: list[str],
    local: frozenset[str],
) -> OfficeMatch:
    """The office named last, or the local one named before it (see ``match_office``)."""
    (end, size), winner = exact
    if not local or winner.office_id in local:
        return winner
    before = [
        (rank, match)
        for rank, match in exacts
        if match.office_id in local and rank[0] <= end - size
    ]
    if not before:
        return winner
    (local_end, _), local_match = max(before, key=lambda item: item[0])
    if any(w in _MOVES_VISIT for w in words[local_end : end - size]):
        return winner
    return local_match


def street_names(profile: BusinessProfile) -> dict[str, str]:
    """Each office's street name as a caller says it ("congress", "ponce de leon"), by office
    id; offices on a street with no distinctive name ("SW 88th Street") are left out."""
    return {o.id: street for o in profile.offices if (street := o.street_name())}


def _street_match(profile: BusinessProfile, words: list[str]) -> OfficeMatch | None:
    """The office on the street the caller named ("the one on Congress Avenue"), when only one
    office is on it."""
    said = f" {' '.join(words)} "
    streets = [*street_names(profile).items(), *_highways(profile)]
    found = [(office_id, street) for office_id, street in streets if f" {street} " in said]
    if len({office_id for office_id, _ in found}) != 1:
        return None
    office_id, street = found[0]
    office = profile.office(office_id)
    assert office is not None
    return OfficeMatch(office.id, office.name, street, 96.0)


def _highways(profile: BusinessProfile) -> list[tuple[str, str]]:
    """The interstate each office's address is on, as callers say it ("IH-35" → "i 35",
    "ih 35", "interstate 35"), with the office id."""
    found = []
    for office in profile.offices:
        for number in re.findall(r"\b(?:IH|I)[- ]?(\d{1,3})\b", office.address, re.IGNORECASE):
            found += [(office.id, f"{lead} {number}") for lead in ("i", "ih", "interstate")]
    return found


def place_words(profile: BusinessProfile) -> dict[str, set[str]]:
    """Each word of the profile's office names and aliases, with the offices it belongs to."""
    owners: dict[str, set[str]] = {}
    for office in profile.offices:
        for place in office.place_names():
            for token in normalize(place).split():
                owners.setdefault(token, set()).add(office.id)
    return owners


def _cued(words: list[str], start: int, size: int) -> bool:
    """Do the words around ``words[start:start + size]`` say it is a place ("live in …")?"""
    before = words[start - 1] if start > 0 else ""
    after = words[start + size] if start + size < len(words) else ""
    return before in _PLACE_CUES_BEFORE or after in _PLACE_CUES_AFTER


def _sounds_like_place(heard: str, place: str) -> bool:
    """Has ``heard`` the consonants of ``place``, in order, with its first sound?

    "dorrell" and "Doral" share "drl"; so does "dorado" but for one consonant ("drd"), which
    counts when the spellings are also alike. "oral", "coral" and "moral" start with another
    sound. Places with fewer than three consonants ("Hialeah") are too short to tell.
    """
    a, b = consonant_key(heard), consonant_key(place)
    if len(b) < 3 or len(a) != len(b) or a[:1] != b[:1]:
        return False
    if a == b:
        return True
    differing = sum(x != y for x, y in zip(a, b, strict=True))
    return differing == 1 and fuzzy_score(heard, place) >= 70


def _negated(words: list[str], start: int) -> bool:
    """Is the place at ``words[start]`` said after "not" ("not Hialeah", "not the Kendall one")?"""
    before = words[max(0, start - 2) : start]
    if before[-2:] in (["instead", "of"], ["rather", "than"]):
        return True  # "make it Round Rock instead of Austin"
    return "not" in before and (before[-1] == "not" or before[-1] in ("the", "in", "at"))


#: After a place: it is the one the caller no longer means ("Kendall was our old one").
_PAST_PLACE_RE = re.compile(
    r"^(?:(?:office|one|location) )?(?:was|used to be|is) (?:our|my|the) (?:old|former|"
    r"previous|last|other)\b"
)


def _said_as_past(words: list[str], end: int) -> bool:
    """Is the place ending at ``words[end]`` said as a past one ("Kendall was our old one")?"""
    return _PAST_PLACE_RE.match(" ".join(words[end : end + 6])) is not None


_NONE_RE = re.compile(
    r"\b(?:no insurance|not insured|uninsured|don't have (?:any )?insurance|do not have "
    r"(?:any )?insurance|don't have any|without insurance|no longer have insurance|"
    r"don't have one|haven't got (?:any )?insurance|i have none|none)\b"
)
_SELF_PAY_RE = re.compile(
    r"\b(?:self pay|self paying|selfpay|pay(?:ing)? (?:in )?cash|cash|out of pocket|pay(?:ing)? "
    r"(?:for it )?myself|private pay)\b"
)
_NOT_SURE_RE = re.compile(r"\b(?:i don't know|not sure|don't remember|no idea|can't remember)\b")
#: An answer that opens by naming the plan as such ("we have …", "it's through …").
_PLAN_LEAD_RE = re.compile(
    r"^(?:(?:yes|yeah|um|uh|so|well|ok|okay)\s+)*(?:i have|i've got|we have|we've got|"
    r"my insurance is|the insurance is|insurance is|it's through|through|i'm with|we're with|"
    r"i'm on|we're on|he has|she has|he's on|she's on)\b"
)
_LEAD_IN_RE = re.compile(
    r"^(?:(?:yes|yeah|um|uh|so|well|ok|okay|i think|i believe)\s+)*(?:i have|i've got|i got|"
    r"it's|it is|we have|we've got|my insurance is|the insurance is|insurance is|through|with|"
    r"i'm with|we're with|i use|i'm on|i am on|we're on|he has|she has|he's on|she's on)?\s*"
)


#: Words that make a later plan in the same breath replace an earlier one ("I had Aetna but
#: now it's VSP"); without one, two plans heard are most often one plan and a misheard word.
_PLAN_CHANGE_WORDS = frozenset(
    "actually sorry mean now changed switched instead new anymore but wait oops rather "
    "correction scratch old used".split()
)


def _plan_meant(words: list[str], exact: list[tuple[int, int, str]]) -> str:
    """Of several plans said word for word (sorted by position), the one the caller means: the
    first, unless a change word comes between it and a later one, then the last such. A plan
    said after "not" is not meant ("VSP, but not Aetna"; "No wait, not Humana. I have
    Medicare now")."""
    said = [item for item in exact if not (item[0] > 0 and words[item[0] - 1] in ("not", "no"))]
    exact = said or exact
    meant_end, meant = exact[0][1], exact[0][2]
    for start, end, plan in exact[1:]:
        if plan != meant and _PLAN_CHANGE_WORDS.intersection(words[meant_end:start]):
            meant = plan
        if plan == meant:
            meant_end = max(meant_end, end)
    return meant


def match_insurance(
    profile: BusinessProfile, text: str, *, expecting: bool = False
) -> InsuranceMatch | None:
    """What the caller said about insurance, or None.

    Args:
        profile: The business (its ``insurance_plans`` are for matching and logging only).
        text: What the caller said.
        expecting: The agent just asked about insurance, so "none" or an unlisted plan counts.
    """
    low = normalize(text).replace("-", " ")
    if not low:
        return None
    words = low.split()
    best: tuple[float, str] | None = None
    exact: list[tuple[int, int, str]] = []  # (start, end, plan) of plans said word for word
    for plan in profile.insurance_plans:
        target = normalize(plan)
        target_words = target.split()
        target_flat = target.replace(" ", "")
        initials = "".join(w[0] for w in target_words) if len(target_words) > 2 else ""
        for size in range(1, min(len(words), len(target_words) + 2) + 1):
            for start, window in _windows(words, size):
                heard = " ".join(window)
                flat = heard.replace(" ", "")
                score = 0.0
                if window == target_words or flat == target_flat:
                    score = 100.0 + len(target_flat)
                    exact.append((start, start + size, plan))
                elif initials and flat == initials:
                    score = 99.0
                elif (
                    len(flat) >= 5
                    and target_flat.startswith(flat)
                    and (window[0] not in _GENERIC_PLAN_WORDS or len(window) > 1)
                    and not all(w in NOT_NAME for w in window)
                ):
                    score = 90.0 + len(flat) / 10
                elif not all(w in NOT_NAME for w in window):
                    fuzzy = fuzzy_score(heard, target)
                    if fuzzy >= _threshold(plan) and (
                        fuzzy >= 90 or phonetic_key(heard)[:1] == phonetic_key(target)[:1]
                    ):
                        score = fuzzy
                if score and (best is None or score > best[0]):
                    best = (score, plan)
    if len({plan for _, _, plan in exact}) > 1:
        return InsuranceMatch(_plan_meant(words, sorted(exact)), True)
    if best is not None:
        return InsuranceMatch(best[1], True)
    if _SELF_PAY_RE.search(low):
        return InsuranceMatch("self-pay", False)
    if _NONE_RE.search(low) and (expecting or "insurance" in low):
        return InsuranceMatch("none", False)
    if not expecting:
        return None
    if re.fullmatch(r"(?:no|nope|nah|nothing)(?: thanks| thank you)?", low):
        return InsuranceMatch("none", False)
    if _NOT_SURE_RE.search(low):
        return InsuranceMatch("not sure", False)
    # "Ambetter. Do y'all take that?", "Do you take Ambetter?": the plan, not the asking
    clauses = [normalize(c) for c in re.split(r"[.?!;,]+", text) if c.strip()]
    if len(clauses) > 1 and _PLAN_CHANGE_WORDS.intersection(words):
        # "Tricare. No wait, sorry, I'm out of the service now. We switched, it's Ambetter.":
        # the plan said last with its lead-in is the one meant
        for clause in reversed(clauses[1:]):
            if not re.match(r"(?:it's|it is|now it's|now)\b", clause) and not _PLAN_LEAD_RE.match(
                clause
            ):
                continue
            rest = re.sub(r"^now\b", "", _LEAD_IN_RE.sub("", clause, count=1)).split()
            rest = [w for w in rest if w not in ("now", "instead", "actually")]
            if 1 <= len(rest) <= 3 and not any(w in NOT_NAME for w in rest):
                return InsuranceMatch(" ".join(w.capitalize() for w in rest), False)
    asks = re.search(
        r"\b(?:take|takes|accept|accepted|cover|covered|in network)\b|\bis that (?:gonna be |"
        r"going to be )?(?:a problem|an issue|okay|ok|alright|all right|fine)\b",
        low,
    )
    # "We have Tricare. My husband's active duty.": a plan said with its lead-in opens the answer
    led = clauses[:1] if clauses and _PLAN_LEAD_RE.match(clauses[0]) else []
    for said in (low, *(clauses if asks else led)):
        rest = _LEAD_IN_RE.sub("", said, count=1)
        rest = re.sub(r"\b(?:insurance|plan|please|thanks|thank you)\b", " ", rest)
        rest = _ASKS_COVERAGE_RE.sub(" ", rest).split()
        if 1 <= len(rest) <= 4 and not all(w in NOT_NAME for w in rest):
            return InsuranceMatch(" ".join(w.capitalize() for w in rest), False)
    return None


#: Words that ask whether a plan is taken, around the plan's name.
_ASKS_COVERAGE_RE = re.compile(
    r"\bis that (?:gonna be |going to be )?(?:a problem|an issue|okay|ok|alright|all right|"
    r"fine)\b|"
    r"\b(?:do|does|would|will|can|is|are) (?:you|y'all|yall|you guys|you all|the office|"
    r"that|it|this)(?: take| accept| cover| work with| be)?(?: that| it| this)?\b|"
    r"\b(?:take|takes|accept|accepted|"
    r"covered|cover|in network|okay|ok|good) ?(?:that|it|this|there)?\b"
)
