"""C2.4 spoken-text normalization: table-driven, plus the Pipecat processor."""

from __future__ import annotations

import pytest
from pipecat.frames.frames import TextFrame, TranscriptionFrame, TTSSpeakFrame
from pipecat.tests.utils import run_test

from switchboard.pipeline.spoken_text_normalizer import SpokenTextNormalizer, text_transform
from switchboard.pipeline.tts_normalizer import normalize_for_speech

PHONE = "three zero five, five five five, zero one two three"

CASES = [
    # US phone numbers: digit by digit, country code dropped, no dash or parentheses
    ("+1 (305) 555-0123", PHONE),
    ("(305) 555-0123", PHONE),
    ("305-555-0123", PHONE),
    ("305.555.0123", PHONE),
    ("305 555 0123", PHONE),
    ("3055550123", PHONE),
    ("+13055550123", PHONE),
    ("1-305-555-0123", PHONE),
    ("Call us at +1 (305) 555-0123.", f"Call us at {PHONE}."),
    ("I have you at 305-555-0123, is that right?", f"I have you at {PHONE}, is that right?"),
    # seed failures: local numbers read as cardinals with "dash", model-mangled digits
    ("983-4969", "nine eight three, four nine six nine"),
    ("197-three five seven three", "one nine seven, three five seven three"),
    # 4-5 digit runs: street numbers and ZIP codes digit by digit
    ("12500 SW 88th Street", "one two five zero zero SW 88th Street"),
    ("Miami, FL 33186", "Miami, FL three three one eight six"),
    ("Suite 210", "Suite 210"),  # 1-3 digits stay natural
    ("Account 123456789", "Account one two three four five six seven eight nine"),
    # times and dates stay natural
    ("3:30 PM", "3:30 PM"),
    ("at 8 AM", "at 8 AM"),
    ("Monday the 5th", "Monday the 5th"),
    ("November 24", "November 24"),
    ("November 24, 2025", "November 24, 2025"),
    ("in 2026", "in 2026"),
    ("$1200 or 1,200 dollars or 4.5 stars", "$1200 or 1,200 dollars or 4.5 stars"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_numbers_are_spoken_the_way_a_receptionist_says_them(text: str, spoken: str) -> None:
    assert normalize_for_speech(text) == spoken


def test_no_dash_parenthesis_or_digit_survives_in_a_phone_number() -> None:
    out = normalize_for_speech("Reach us at +1 (305) 555-0123 or 786.555.0199 today.")
    assert not any(ch.isdigit() or ch in "()-+" for ch in out)


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (
            "Hi, this is AVA from Advanced Vision Care.",
            "Hi, this is Eva from Advanced Vision Care.",
        ),
        ("AVA here. AVA will help.", "Eva here. Eva will help."),
        ("Avalon is a town", "Avalon is a town"),  # whole words only
    ],
)
def test_all_caps_agent_name_is_respelled(text: str, spoken: str) -> None:
    assert normalize_for_speech(text, agent_name="AVA", spoken_name="Eva") == spoken


def test_agent_name_without_spoken_form_is_said_as_a_word() -> None:
    assert normalize_for_speech("This is AVA.", agent_name="AVA") == "This is Ava."


async def test_processor_rewrites_speak_and_text_frames_but_not_transcripts() -> None:
    normalizer = SpokenTextNormalizer(agent_name="AVA", spoken_name="Eva")
    transcript = TranscriptionFrame(text="305-555-0123", user_id="", timestamp="")
    down, _ = await run_test(
        normalizer,
        frames_to_send=[
            TTSSpeakFrame(text="AVA has 305-555-0123."),
            TextFrame(text="ZIP 33186"),
            transcript,
        ],
        expected_down_frames=[TTSSpeakFrame, TextFrame, TranscriptionFrame],
    )
    assert down[0].text == f"Eva has {PHONE}."
    assert down[1].text == "ZIP three three one eight six"
    assert down[2].text == "305-555-0123"


async def test_text_transform_matches_the_pure_function() -> None:
    transform = text_transform(agent_name="AVA", spoken_name="Eva")
    assert await transform("AVA: 3055550123", "sentence") == f"Eva: {PHONE}"
