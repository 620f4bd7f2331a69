"""Caller scenarios: the YAML format of ``shared/scenarios/README.md``, read exactly.

The format is a contract with people outside the project, so reading is strict: unknown keys
(a typo in an expectation) are refused rather than silently ignored, and every error names the
file and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import phonenumbers
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from switchboard.brain.flow import OUTCOMES
from switchboard.errors import ConfigError

STEP_KINDS = ("say", "silence", "hang_up")
# The scenario contract's outcomes are the flow's outcomes: one list, kept in the flow.
Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]
EndedBy = Literal["agent", "caller"]


class ScenarioError(ConfigError):
    """A scenario file is unreadable or invalid; the message names the file and the field."""

    def __init__(self, path: str, message: str, *, field: str | None = None) -> None:
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.field = field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SayStep(_Strict):
    """Speak a line when the agent has finished its turn (or ``barge_in`` seconds into it)."""

    say: str = Field(min_length=1)
    barge_in: float | None = Field(default=None, ge=0)

    @property
    def kind(self) -> str:
        return "say"


class SilenceStep(_Strict):
    """Stay silent this many seconds (after the agent's turn, like a ``say``)."""

    silence: float = Field(gt=0)

    @property
    def kind(self) -> str:
        return "silence"


class HangUpStep(_Strict):
    """The caller hangs up here."""

    hang_up: bool

    @field_validator("hang_up")
    @classmethod
    def _only_true(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("hang_up must be true (leave the step out otherwise)")
        return value

    @property
    def kind(self) -> str:
        return "hang_up"


def _step_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return getattr(value, "kind", None)
    if isinstance(value, dict):
        kinds = [k for k in STEP_KINDS if k in value]
        return kinds[0] if len(kinds) == 1 else None
    return None


Step = Annotated[
    Annotated[SayStep, Tag("say")]
    | Annotated[SilenceStep, Tag("silence")]
    | Annotated[HangUpStep, Tag("hang_up")],
    Discriminator(_step_tag),
]


def _as_list(value: Any) -> Any:
    # `agent_says: automated` is an easy slip for `[automated]`; a lone string means one phrase.
    if isinstance(value, str):
        return [value]
    return value


def _phrases(value: list[str]) -> list[str]:
    for phrase in value:
        if not phrase.strip():
            raise ValueError("phrases must not be empty")
    return value


class ExpectedRequest(_Strict):
    """Fields of the captured request the call must produce."""

    patient_name: str | None = None
    callback_number: str | None = None
    phone_confirmed: bool | None = None
    office: str | None = None
    reason_contains: list[str] | None = None
    insurance: str | None = None
    preferred_time_contains: list[str] | None = None
    resolved_date: dt.date | None = None

    _lists = field_validator("reason_contains", "preferred_time_contains", mode="before")(
        classmethod(lambda cls, v: _as_list(v))
    )

    @field_validator("reason_contains", "preferred_time_contains")
    @classmethod
    def _non_empty(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _phrases(value)

    @field_validator("callback_number", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> Any:
        return _e164(value, required=True)

    @field_validator("resolved_date", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            raise ValueError("expected a date like 2026-11-24, not a date and time")
        return value

    def fields_set(self) -> dict[str, Any]:
        """The fields the scenario sets, in declaration order."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Expect(_Strict):
    """What must be true of the call when it ends. Every key is optional."""

    ended_by: EndedBy | None = None
    outcome: Outcome | None = None
    request: ExpectedRequest | None = None
    agent_says: list[str] | None = None
    agent_never_says: list[str] | None = None
    max_agent_turns: int | None = Field(default=None, ge=0)
    max_silent_turns: int | None = Field(default=None, ge=0)
    replies_to_fillers: int | None = Field(default=None, ge=0)

    _lists = field_validator("agent_says", "agent_never_says", mode="before")(
        classmethod(lambda cls, v: _as_list(v))
    )

    @field_validator("agent_says", "agent_never_says")
    @classmethod
    def _non_empty(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _phrases(value)


def _e164(value: Any, *, required: bool) -> Any:
    """Normalize a phone number to E.164; YAML reads an unquoted +1305... as an integer."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("expected a phone number")
    if isinstance(value, int):
        value = f"+{value}"
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not required and text.lower() in ("", "anonymous", "unknown", "restricted"):
        return text
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {value!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a possible phone number: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Scenario(_Strict):
    """One scripted caller and what the call must achieve."""

    name: str = Field(min_length=1)
    business: str | None = None
    caller_id: str | None = None
    language: str = "en"
    caller: list[Step] = Field(min_length=1)
    expect: Expect | None = None
    now: dt.datetime | None = None
    # Where the scenario was read from (not part of the file format).
    source: str | None = Field(default=None, exclude=True)

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        value = value.strip()
        if not value or "\n" in value:
            raise ValueError("name must be one non-empty line")
        return value

    @field_validator("business", mode="before")
    @classmethod
    def _business_phone(cls, value: Any) -> Any:
        return _e164(value, required=True)

    @field_validator("caller_id", mode="before")
    @classmethod
    def _caller_phone(cls, value: Any) -> Any:
        return _e164(value, required=False)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("language must not be empty")
        return value

    @field_validator("caller", mode="before")
    @classmethod
    def _known_step_kinds(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        for index, step in enumerate(value):
            if isinstance(step, BaseModel):
                continue
            if not isinstance(step, dict):
                raise ValueError(
                    f"step {index + 1}: expected a mapping like `say: ...`, "
                    f"`silence: N` or `hang_up: true`, got {step!r}"
                )
            kinds = [k for k in STEP_KINDS if k in step]
            if len(kinds) != 1:
                keys = ", ".join(map(str, step)) or "nothing"
                raise ValueError(
                    f"step {index + 1}: unknown step kind with keys ({keys}); "
                    f"expected exactly one of {', '.join(STEP_KINDS)}"
                )
        return value

    @model_validator(mode="after")
    def _resolved_date_needs_now(self) -> Scenario:
        if self.expect and self.expect.request and self.expect.request.resolved_date:
            if self.now is None:
                raise ValueError("expect.request.resolved_date needs `now` to be set")
        return self

    @property
    def says(self) -> list[SayStep]:
        """The caller's spoken lines, in order."""
        return [s for s in self.caller if isinstance(s, SayStep)]


def _loc_for_humans(loc: tuple[int | str, ...]) -> str | None:
    """`caller[3].barge_in`: 1-based step numbers, without pydantic's union tags."""
    if not loc:
        return None
    parts = [str(p) for p in loc]
    if loc[0] == "caller" and len(loc) >= 2 and isinstance(loc[1], int):
        # loc is ("caller", index, <step kind tag>, field...): drop the tag.
        head = f"caller[{loc[1] + 1}]"
        rest = [str(p) for p in loc[3:]]
        return ".".join([head, *rest])
    return ".".join(parts)


def scenario_from_dict(data: Any, *, source: str = "<scenario>") -> Scenario:
    """Validate already-parsed YAML data as a scenario, raising ScenarioError."""
    if not isinstance(data, dict):
        raise ScenarioError(source, "expected a mapping of scenario keys at the top level")
    try:
        scenario = Scenario.model_validate({**data, "source": source})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _loc_for_humans(tuple(first["loc"]))
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown key (typo?)"
        elif first["type"] == "missing":
            message = "required key is missing"
        elif first["type"] == "literal_error" and "expected" in first.get("ctx", {}):
            message = f"{first['input']!r} is not one of {first['ctx']['expected']}"
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ScenarioError(source, message.removeprefix("Value error, "), field=field) from exc
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), "not UTF-8 text") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(str(path), f"bad YAML{where}: {problem}") from exc
    return scenario_from_dict(data, source=str(path))


def load_scenarios(paths: Iterable[str | Path] | str | Path) -> list[Scenario]:
    """Read scenario files; a directory contributes its ``*.yaml``/``*.yml`` files, sorted."""
    if isinstance(paths, str | Path):
        paths = [paths]
    files: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                raise ScenarioError(str(item), "no .yaml scenario files in this directory")
            files.extend(found)
        elif item.exists():
            files.append(item)
        else:
            raise ScenarioError(str(item), "no such file or directory")
    return [load_scenario(f) for f in files]
