"""Business profiles: every fact the agent may say, and the phrasing it says it with.

A profile is one YAML file per business (``src/switchboard/profiles/*.yaml`` ships the demo
practice). Nothing business-specific lives in code: a second practice needs only a second file.
The agent's own phrasing has sensible English defaults here and can be overridden per profile,
but the overrides are checked on load against the promises the flow must keep (no "booked",
no "we accept", questions that end with a question mark), so a profile edit cannot break them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from switchboard.errors import ProfileError

__all__ = [
    "AgentIdentity",
    "BusinessProfile",
    "Emergency",
    "Faq",
    "Office",
    "Phrases",
    "ProfileRegistry",
    "Provider",
    "default_profiles_dir",
    "load_profile",
    "normalize_phone",
]

#: Words the agent must never use about an appointment or a plan. Checked on phrase overrides
#: here and on every reply by the flow.
FORBIDDEN_CLAIMS: tuple[str, ...] = (
    "booked",
    "scheduled",
    "confirmed",
    "we accept",
    "we take",
    "is accepted",
    "are accepted",
    "in network",
    "in-network",
    "is covered",
    "you're all set",
    "you are all set",
    "all set",
    "is set",
)


def normalize_phone(value: str, *, region: str = "US") -> str | None:
    """Return ``value`` as E.164, or None when it is not a valid phone number.

    Args:
        value: A number as written or heard ("+1 305 555 0100", "(305) 555-0100").
        region: The region assumed for numbers without a country code.
    """
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _area_code(number: str) -> str:
    """The country and area code of an E.164 number ("+1305"), or "" when it has none."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return ""
    size = phonenumbers.length_of_geographical_area_code(parsed)
    if not size:
        return ""
    national = phonenumbers.national_significant_number(parsed)
    return f"+{parsed.country_code}{national[:size]}"


def _e164(value: str) -> str:
    number = normalize_phone(str(value))
    if number is None:
        raise ValueError(f"not a valid phone number: {value!r} (use E.164, e.g. +13055550100)")
    return number


#: A phone number, validated and stored as E.164.
PhoneNumber = Annotated[str, BeforeValidator(lambda v: str(v)), AfterValidator(_e164)]


def _contains_forbidden(text: str) -> str | None:
    low = text.lower()
    for claim in FORBIDDEN_CLAIMS:
        if re.search(rf"\b{re.escape(claim)}\b", low):
            return claim
    return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AgentIdentity(_Model):
    """The agent's name: ``name`` for logs and the CRM, ``spoken_name`` for TTS."""

    name: str = Field(min_length=1)
    spoken_name: str = ""

    @model_validator(mode="after")
    def _spoken_defaults_to_name(self) -> AgentIdentity:
        if not self.spoken_name:
            object.__setattr__(self, "spoken_name", self.name)
        return self


class Office(_Model):
    """One office (location) of the business."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    state: str = ""
    aliases: list[str] = Field(default_factory=list)
    address: str = Field(min_length=1)
    phone: PhoneNumber
    hours: str = Field(min_length=1)

    def street_name(self) -> str:
        """The street of the address as a caller names it: lower case, without the number,
        the kind of street or a leading direction ("600 Congress Avenue" → "congress"); empty
        when no word of it is distinctive ("SW 88th Street", "West 49th Street")."""
        said = self.address.split(",")[0].lower().split()
        words = [w.strip(".") for w in said if not any(c.isdigit() for c in w)]
        while words and words[-1] in _STREET_TYPES:
            words.pop()
        while words and words[0] in _DIRECTIONS:
            words.pop(0)
        return " ".join(words) if any(len(w) >= 5 for w in words) else ""

    def place_names(self) -> list[str]:
        """The office's name followed by its aliases, without duplicates."""
        seen: dict[str, None] = {self.name: None}
        for alias in self.aliases:
            seen.setdefault(alias, None)
        return list(seen)


#: The kind of street after its name ("Congress Avenue"): callers often leave it out.
_STREET_TYPES = frozenset(
    "street st avenue ave boulevard blvd road rd drive dr lane ln way parkway pkwy highway hwy "
    "court ct place pl plaza circle trail frontage".split()
)
_DIRECTIONS = frozenset("n s e w ne nw se sw north south east west".split())


class Provider(_Model):
    """A doctor or other provider and the offices they work at."""

    name: str = Field(min_length=1)
    title: str = ""
    offices: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)


class Faq(_Model):
    """An approved question and answer; the only free-text facts the agent may say."""

    q: str = Field(min_length=1)
    a: str = Field(min_length=1)


class Emergency(_Model):
    """Signs that need the safety instruction at once, and the instruction itself."""

    signs: list[str] = Field(default_factory=list)
    instruction: str = Field(min_length=1)


class Phrases(_Model):
    """What the agent says, with English defaults; any line can be overridden per profile.

    Placeholders: ``{first_name}``, ``{office}``, ``{number}`` (digits as spoken),
    ``{heard}`` (the caller's words), ``{request}`` (the recap), ``{offices}``,
    ``{agent}`` (the spoken name), ``{business}``.
    """

    # Questions of the directed flow: each must end with a question mark.
    ask_reason: str = "What can I help you with today?"
    ask_visit_reason: str = "What would you like to come in for?"
    ask_office: str = "Which of our offices, or which area, is best for you?"
    ask_office_unmatched: str = "We have offices in {offices}. Which one works best for you?"
    offices_list: str = "We have offices in {offices}."
    ask_office_for_fact: str = "Which office would you like to know about?"
    ask_name: str = "May I have your first and last name?"
    ask_last_name: str = "Thanks, {first_name}, and what's your last name?"
    ask_patient_last_name: str = "And what's {first_name}'s last name?"
    ask_insurance: str = "What insurance do you have, if any?"
    ask_time: str = "What day and time would you prefer, {first_name}?"
    ask_anything_else: str = "Is there anything else I can help you with?"
    ask_what_else: str = "Sure, what else can I help you with?"
    ask_question: str = "Sure, what's your question?"
    ask_message: str = "What would you like me to pass on to our staff?"
    ask_message_office: str = "And which of our offices do you usually go to?"
    ask_callback_number: str = "What's the best number to reach you?"
    ask_rest_of_number: str = "Go ahead, what's the rest of the number?"
    ask_spell_last_name: str = "Could you spell your last name for me, letter by letter?"
    # Statements that come before a question (one sentence each).
    confirm_office: str = "Great, our {office} office."
    confirm_office_corrected: str = "Got it, our {office} office."
    thank_name: str = "Thank you, {first_name}."
    thank_patient_name: str = "Thank you, that's for {first_name}."  # a family member's name
    state_phone: str = (
        "I have your number as {number}; if that's not the best number to reach you, "
        "just let me know."
    )
    phone_updated: str = "Got it, I'll use {number}."
    recap: str = (
        "I've noted your request {request}, and our staff will call you at {number} to "
        "confirm; if that's not the best number to reach you, just let me know."
    )
    insurance_noted: str = "I've noted {plan}, and our staff will verify your coverage."
    insurance_verify: str = "Our staff will verify your coverage when they call you."
    noted_correction: str = "Got it, I've updated that."
    office_later: str = "No problem, our staff will confirm the office with you when they call."
    spelling_later: str = "No problem, our staff will check the spelling with you."
    already_noted: str = "I have that noted."
    question_noted: str = "I'll note your question for our staff, and they'll call you back."
    message_noted: str = "I've noted your message for our staff."
    message_taken: str = "Our staff will call you back."
    not_understood: str = 'Sorry, I heard "{heard}", but I didn\'t quite get that.'
    fallback_short: str = "Sorry, I didn't quite get that."
    not_understood_close: str = (
        "I'm sorry, I'm having trouble understanding, so our staff will call you back. Goodbye."
    )
    robot: str = "Yes, I'm {agent}, the practice's automated assistant."
    identity: str = "Yes, you've reached {business}."
    other_business: str = "You've reached {business}."
    hold: str = "Sure, take your time."
    pleasantry: str = "I'm doing well, thank you."
    line_check: str = "Yes, I'm here, and I can hear you."
    dates_deferred: str = "Our staff will check availability and confirm a time when they call."
    follow_up: str = "Yes. Our staff will call you to confirm the day and time."
    ask_new_time: str = "What day and time would work better for you, {first_name}?"
    # Call-level lines (the pipeline and telephony use these too).
    reprompt: str = "Are you still there?"
    close_after_silence: str = (
        "I haven't heard anything, so I'll end the call now. Please call us back anytime. Goodbye."
    )
    busy: str = (
        "Thank you for calling. All of our lines are busy right now; please call back in a few "
        "minutes. Goodbye."
    )
    fallback: str = "Sorry, I missed that. Could you say it again?"
    transfer: str = "Of course, I'll transfer you to our front desk now."
    failure_transfer: str = (
        "I'm sorry, I'm having technical trouble. I'll transfer you to our front desk now."
    )
    goodbye: str = "Thank you for calling. Goodbye."

    @model_validator(mode="after")
    def _keep_promises(self) -> Phrases:
        for name, text in self.model_dump().items():
            claim = _contains_forbidden(text)
            if claim:
                raise ValueError(f"phrase {name!r} contains the forbidden claim {claim!r}")
            if name.startswith("ask_") and not text.rstrip().endswith("?"):
                raise ValueError(f"phrase {name!r} must end with a question mark")
        return self


_ONE_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")
_SPELLING_RE = re.compile(r"[A-Za-z][A-Za-z' -]*")


def _default_fillers() -> dict[str, list[str]]:
    # "uh-huh" and "mhm"/"mm-hmm" are deliberately absent: on a phone line they mean "yes".
    return {
        "en": ["um", "umm", "uh", "uhh", "hmm", "hm", "mm", "mmm", "er", "erm", "ah", "uhm"],
        "es": ["eh", "em", "mmm", "ehm", "este", "pues"],
    }


class BusinessProfile(_Model):
    """Everything the agent knows about one business."""

    id: str = Field(default="", pattern=r"^$|^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    called_numbers: list[PhoneNumber] = Field(default_factory=list)
    timezone: str = "America/New_York"
    agent: AgentIdentity
    greeting: str = Field(min_length=1)
    front_desk: PhoneNumber
    offices: list[Office] = Field(min_length=1)
    services: list[str] = Field(default_factory=list)
    providers: list[Provider] = Field(default_factory=list)
    insurance_plans: list[str] = Field(default_factory=list)  # for logging only
    # Words callers use for visit reasons beyond the service names ("itchy", "glasses").
    reason_keywords: list[str] = Field(default_factory=list)
    faqs: list[Faq] = Field(default_factory=list)
    emergency: Emergency
    languages: list[str] = Field(default_factory=lambda: ["en"])
    voice: str = ""
    default: bool = False  # the profile for calls to numbers no profile claims
    echo_gate: bool = True
    max_reprompts: int = Field(default=2, ge=0)
    phrases: Phrases = Field(default_factory=Phrases)
    fillers: dict[str, list[str]] = Field(default_factory=_default_fillers)
    #: How callers say a word the recognizer's dictionary pronounces otherwise, spelled in
    #: ordinary words ("Cigna": ["signa"], said SIG-nuh where the dictionary has SIG-nah).
    #: Only the recognizer uses it: each spelling becomes another pronunciation of the word.
    sounds_like: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("sounds_like")
    @classmethod
    def _sounds_like(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for word, spellings in value.items():
            if not _ONE_WORD_RE.fullmatch(word):
                raise ValueError(f"{word!r}: give one word (letters and apostrophes only)")
            if not spellings or not all(_SPELLING_RE.fullmatch(s) for s in spellings):
                raise ValueError(
                    f"{word!r}: give a list of spellings in ordinary words, e.g. [signa]"
                )
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @model_validator(mode="after")
    def _cross_checks(self) -> BusinessProfile:
        ids = [o.id for o in self.offices]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"duplicate office ids: {sorted(dupes)}")
        for index, provider in enumerate(self.providers):
            for office_id in provider.offices:
                if office_id not in ids:
                    raise _FieldError(
                        f"providers.{index}.offices",
                        f"unknown office id {office_id!r} (known: {', '.join(ids)})",
                    )
        approved = [
            ("greeting", self.greeting),
            ("emergency.instruction", self.emergency.instruction),
        ]
        approved += [(f"faqs.{i}.a", faq.a) for i, faq in enumerate(self.faqs)]
        for field, text in approved:
            claim = _contains_forbidden(text)
            if claim:
                raise _FieldError(field, f"contains the forbidden claim {claim!r}")
        if len(set(self.called_numbers)) != len(self.called_numbers):
            raise ValueError("called_numbers lists a number twice")
        return self

    def office(self, office_id: str) -> Office | None:
        """The office with ``office_id``, or None."""
        return next((o for o in self.offices if o.id == office_id), None)

    def offices_for_line(self, called_number: str | None) -> frozenset[str]:
        """The ids of the offices whose phone shares the called line's area code (the
        region the caller rang), or none when the line tells nothing (no number, or every
        office or none shares it)."""
        area = _area_code(called_number or "")
        if not area:
            return frozenset()
        local = frozenset(o.id for o in self.offices if _area_code(o.phone) == area)
        return local if len(local) < len(self.offices) else frozenset()

    def fillers_for(self, language: str = "en") -> list[str]:
        """Filler words for ``language`` (falls back to English)."""
        return self.fillers.get(language) or self.fillers.get("en", [])

    @property
    def zone(self) -> ZoneInfo:
        """The business time zone."""
        return ZoneInfo(self.timezone)


class _FieldError(ValueError):
    """A cross-field check that knows which field is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _format_loc(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_profile(path: str | Path) -> BusinessProfile:
    """Load and validate one profile file.

    Raises:
        ProfileError: naming the file and, when known, the field at fault.
    """
    path = Path(path)
    where = str(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(where, f"cannot read the file: {exc}") from exc
    try:
        data = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        raise ProfileError(where, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(where, "the file must hold a mapping of profile fields")
    data.setdefault("id", re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-"))
    try:
        return BusinessProfile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        ctx_error = (first.get("ctx") or {}).get("error")
        if isinstance(ctx_error, _FieldError):
            raise ProfileError(where, str(ctx_error), field=ctx_error.field) from exc
        count = exc.error_count()
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        message = first["msg"].removeprefix("Value error, ")
        raise ProfileError(where, message + more, field=_format_loc(first["loc"])) from exc


def default_profiles_dir() -> Path:
    """The directory of profiles shipped inside the package."""
    return Path(__file__).resolve().parent / "profiles"


class ProfileRegistry:
    """All loaded profiles, found by id or by the number the caller dialled."""

    def __init__(self, profiles: Iterable[BusinessProfile], *, default_id: str | None = None):
        """Build a registry; the default is ``default_id``, a profile marked default, or the first.

        Raises:
            ProfileError: when there are no profiles, ids repeat, or two claim one number.
        """
        self._by_id: dict[str, BusinessProfile] = {}
        self._by_number: dict[str, BusinessProfile] = {}
        for profile in profiles:
            if profile.id in self._by_id:
                raise ProfileError(profile.id, "two profiles share this id", field="id")
            self._by_id[profile.id] = profile
            for number in profile.called_numbers:
                other = self._by_number.get(number)
                if other is not None:
                    raise ProfileError(
                        profile.id,
                        f"{number} is already routed to profile {other.id!r}",
                        field="called_numbers",
                    )
                self._by_number[number] = profile
        if not self._by_id:
            raise ProfileError("(registry)", "no business profiles were loaded")
        if default_id is None:
            marked = [p for p in self._by_id.values() if p.default]
            default_id = marked[0].id if marked else next(iter(self._by_id))
        if default_id not in self._by_id:
            raise ProfileError("(registry)", f"no profile with id {default_id!r}", field="default")
        self._default = self._by_id[default_id]

    @classmethod
    def load_dir(cls, path: str | Path, *, default_id: str | None = None) -> ProfileRegistry:
        """Load every ``*.yaml`` file in ``path`` (sorted by name).

        Raises:
            ProfileError: for any invalid file, duplicate called numbers, or an empty directory.
        """
        directory = Path(path)
        if not directory.is_dir():
            raise ProfileError(str(directory), "not a directory of profiles")
        files = sorted(directory.glob("*.yaml"))
        if not files:
            raise ProfileError(str(directory), "no *.yaml profiles in this directory")
        profiles = [load_profile(f) for f in files]
        try:
            return cls(profiles, default_id=default_id)
        except ProfileError as exc:
            raise ProfileError(str(directory), str(exc), field=exc.field) from exc

    @property
    def default(self) -> BusinessProfile:
        """The profile used for numbers no profile claims."""
        return self._default

    def get(self, profile_id: str) -> BusinessProfile:
        """The profile with ``profile_id``.

        Raises:
            KeyError: when there is none.
        """
        return self._by_id[profile_id]

    def __iter__(self):
        return iter(self._by_id.values())

    def sounds_like(self) -> dict[str, list[str]]:
        """Every profile's ``sounds_like``, merged: lower-case word -> its spellings.

        The recognizer's pronunciations are shared by all calls, so a word said two ways at
        two businesses gets both.
        """
        merged: dict[str, list[str]] = {}
        for profile in self:
            for word, spellings in profile.sounds_like.items():
                known = merged.setdefault(word.lower(), [])
                known.extend(s for s in spellings if s not in known)
        return merged

    def __len__(self) -> int:
        return len(self._by_id)

    def for_called_number(self, number: str | None) -> BusinessProfile:
        """The profile for the dialled number; unknown or missing numbers get the default."""
        normalized = normalize_phone(number) if number else None
        if normalized is None:
            return self._default
        return self._by_number.get(normalized, self._default)
