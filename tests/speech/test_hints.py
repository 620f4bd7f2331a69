"""Recognition hints: flite-voiced answers through the phone path, with and without hints."""

from __future__ import annotations

import pytest

from switchboard.speech.evaluation import HINT_OFFICES as OFFICES
from switchboard.speech.evaluation import HINT_PLANS as PLANS
from switchboard.speech.evaluation import flite_available, flite_say, phone_path, word_errors
from switchboard.speech.recognizer import words_of

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(not flite_available(), reason="flite is not installed (apt install flite)"),
]

# (kind, what the caller says, the phrase that must be understood)
ANSWERS = [
    ("office", "Coral Gables", "coral gables"),
    ("office", "Round Rock", "round rock"),
    ("office", "Hialeah", "hialeah"),
    ("office", "the one in Kendall", "kendall"),
    ("office", "Pflugerville please", "pflugerville"),
    ("office", "I would like the Coral Gables office please", "coral gables"),
    ("insurance", "Blue Cross Blue Shield", "blue cross blue shield"),
    ("insurance", "I have Humana", "humana"),
    ("insurance", "Aetna", "aetna"),
    ("insurance", "WellCare", "wellcare"),
]

# Answers outside the expected set must keep the general model's words.
OFF_SCRIPT = [
    ("office", "I need to talk to a real person"),
    ("insurance", "what time do you close today"),
]


def _phrases(kind: str) -> list[str]:
    return OFFICES if kind == "office" else PLANS


def _heard(expected: str, text: str) -> bool:
    return f" {expected} " in f" {' '.join(words_of(text))} "


@pytest.mark.slow
async def test_hints_improve_recognition_of_office_and_plan_names(pool):
    plain_hits = hinted_hits = 0
    for kind, said, expected in ANSWERS:
        pcm = phone_path(*flite_say(said))
        plain = await pool.recognize(pcm)
        hinted = await pool.recognize(pcm, kind=kind, phrases=_phrases(kind))
        plain_hits += _heard(expected, plain.text)
        # The office and plan grammars' words come as an alternative reading, which the
        # dialogue acts on when the chosen words answer nothing (choose_heard).
        hinted_hits += any(_heard(expected, t) for t in (hinted.text, *hinted.alternatives))
        print(
            f"{said!r:48} plain={plain.text!r:40} hinted={hinted.text!r} ({hinted.source}) "
            f"alternatives={hinted.alternatives}"
        )
    n = len(ANSWERS)
    print(f"phrase recognized: without hints {plain_hits}/{n}, with hints {hinted_hits}/{n}")
    print(
        f"hint words spelled from pieces {pool.stats.hint_words_compound}, "
        f"skipped {pool.stats.hint_words_skipped}"
    )
    assert hinted_hits > plain_hits
    assert hinted_hits >= n - 2


@pytest.mark.slow
async def test_off_script_answers_fall_back_to_the_general_model(pool):
    for kind, said in OFF_SCRIPT:
        pcm = phone_path(*flite_say(said))
        plain = await pool.recognize(pcm)
        hinted = await pool.recognize(pcm, kind=kind, phrases=_phrases(kind))
        print(f"{said!r}: plain={plain.text!r} hinted={hinted.text!r} ({hinted.source})")
        assert hinted.source == "lm"
        errors, words = word_errors(said, hinted.text)
        assert errors / words <= 0.5


async def test_flite_phrase_through_the_phone_path_is_recognized(pool):
    said = "I would like to make an appointment"
    result = await pool.recognize(phone_path(*flite_say(said)))
    errors, words = word_errors(said, result.text)
    print(f"{said!r} -> {result.text!r}")
    assert errors / words <= 0.34


@pytest.mark.slow
async def test_a_plan_said_as_the_profile_says_it_sounds_is_heard_at_the_plan_question(settings):
    """The dictionary has Cigna as SIG-nah; said SIG-nuh, alone, the plan grammar loses it to
    the general model ("should've") unless the profile's sounds-like spelling is a pronunciation.
    """
    from switchboard.simulator.voice import synthesize_caller_sync, ulaw_to_pcm16
    from switchboard.speech.decoder_pool import DecoderPool

    pcm = ulaw_to_pcm16(synthesize_caller_sync("Cigna.").ulaw)  # as a simulated caller sends it
    heard = {}
    for sounds_like in (None, {"cigna": ["signa"]}):
        async with DecoderPool(settings, workers=1, sounds_like=sounds_like) as pool:
            result = await pool.recognize(pcm, kind="insurance", phrases=PLANS)
        heard[bool(sounds_like)] = (result.text, *result.alternatives)
        print(f"sounds_like={sounds_like}: {heard[bool(sounds_like)]} ({result.source})")
    assert any(_heard("cigna", reading) for reading in heard[True])
    assert not any(_heard("cigna", reading) for reading in heard[False])


@pytest.mark.slow
async def test_answers_that_name_no_reason_stay_so_at_the_reason_question(settings):
    """A reason grammar (short words: "eye", "red", "dry") had fitted these as reasons."""
    from switchboard.brain.replies import expect_phrases
    from switchboard.brain.understanding import reason_is_known
    from switchboard.profiles import ProfileRegistry, default_profiles_dir
    from switchboard.simulator.voice import synthesize_caller_sync, ulaw_to_pcm16
    from switchboard.speech.decoder_pool import DecoderPool

    profile = ProfileRegistry.load_dir(default_profiles_dir()).default
    phrases = expect_phrases(profile, "reason")
    async with DecoderPool(settings, workers=1) as pool:
        for said in ("Kendall.", "No thanks.", "Hannah Wright.", "Thursday."):
            pcm = ulaw_to_pcm16(synthesize_caller_sync(said).ulaw)
            result = await pool.recognize(pcm, kind="reason", phrases=phrases)
            print(f"{said!r} -> {result.text!r} ({result.source})")
            assert not reason_is_known(profile, result.text), (said, result.text)
