"""Which decoder's words an utterance keeps: general LM, domain LM or the question's grammar.

The decoders are stand-ins with fixed hypotheses and path scores, so the choice rules in
``Utterance.finish`` are checked exactly; ``test_hints.py`` checks them on real speech.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from switchboard.speech.recognizer import Utterance

FRAMES = 100


@dataclass
class _Hyp:
    hypstr: str
    score: float


class _LogMath:
    def log(self, value: float) -> int:
        return int(value)

    def get_zero(self) -> int:
        return -(10**9)


class _Decoder:
    """Enough of pocketsphinx.Decoder for Utterance: a fixed hypothesis with a log score."""

    def __init__(self, text: str, log_score: int) -> None:
        self._hyp = _Hyp(text, float(log_score)) if text else None

    def set_cmn(self, cmn: str) -> None: ...
    def start_utt(self) -> None: ...
    def process_raw(self, audio: bytes, no_search: bool, full: bool) -> None: ...
    def end_utt(self) -> None: ...

    def get_cmn(self, update: bool) -> str:
        return "45"

    def hyp(self) -> _Hyp | None:
        return self._hyp

    def n_frames(self) -> int:
        return FRAMES

    def get_logmath(self) -> _LogMath:
        return _LogMath()


# Scores are positive stand-ins for pocketsphinx log scores: higher is better, and the hint
# here always beats the free decoders by 10 per frame, far past the margin.
CASES = [
    pytest.param(
        "okay i'd like to come in for an eye exam",
        "okay i'd like two two oh nine four two nine two",
        "okay i'd like to come in for an eye exam",
        id="a sentence with no digits is not read as a number",
    ),
    pytest.param(
        "call me at three oh five two two two nine eight seven six",
        "three oh five two two two nine eight seven six",
        "three oh five two two two nine eight seven six",
        id="a number the free decoders heard is read by the grammar",
    ),
    pytest.param(
        "call me at three to five to two nine",
        "three oh five two two two nine eight seven six",
        "three oh five two two two nine eight seven six",
        id="a number half heard by the free decoders is still read by the grammar",
    ),
    pytest.param(
        "the weather",
        "okay thank you",
        "okay thank you",
        id="a short phrase answer is read by the grammar",
    ),
]


@pytest.mark.parametrize(("free", "grammar", "kept"), CASES)
def test_the_grammar_may_not_invent_a_number_the_free_decoders_did_not_hear(
    free: str, grammar: str, kept: str
) -> None:
    general = _Decoder(free, 1000)
    hint = _Decoder(grammar, 1000 + 10 * FRAMES)
    utt = Utterance(general, hint, phrases=["thank you"])
    assert utt.finish().text == kept


def test_digits_heard_by_the_domain_lm_count_as_heard() -> None:
    general = _Decoder("free my yes", 1000)
    domain = _Decoder("three oh five two two two", 1000)
    hint = _Decoder("three oh five two two two nine eight seven six", 1000 + 10 * FRAMES)
    utt = Utterance(general, hint, phrases=["okay"], domain=domain)
    assert utt.finish().source == "hint"


@pytest.mark.parametrize(
    ("grammar", "kept"),
    [
        ("three oh five two", "three oh five two"),
        ("oh five five five", "oh five five five"),
        ("uh kendall", "kendall"),
        ("oh the kendall office", "the kendall office"),
        ("um no thank you oh", "no thank you"),
    ],
)
def test_the_grammar_result_drops_hesitations_but_keeps_oh_read_as_zero(
    grammar: str, kept: str
) -> None:
    utt = Utterance(_Decoder("", 0), _Decoder(grammar, 1000), phrases=["kendall"])
    assert utt.finish().text == kept


def test_the_general_models_words_come_back_as_an_alternative_to_the_domain_models() -> None:
    general = _Decoder("roberto diaz", 1000)
    domain = _Decoder("roberto do you hours", 1000 + 5 * FRAMES)
    result = Utterance(general, None, domain=domain).finish()
    assert (result.text, result.source) == ("roberto do you hours", "domain")
    assert result.alternatives == ("roberto diaz",)


def test_the_grammar_result_is_never_an_alternative() -> None:
    general = _Decoder("the weather", 1000)
    hint = _Decoder("kendall", 1000 - 10 * FRAMES)  # far worse: not chosen
    result = Utterance(general, hint, phrases=["kendall"]).finish()
    assert result.text == "the weather" and result.alternatives == ()


def test_the_domain_models_rejected_words_are_never_an_alternative() -> None:
    general = _Decoder("the mariners and pancakes", 1000)
    domain = _Decoder("been an urgent in kids", 1000 - 10 * FRAMES)
    result = Utterance(general, None, domain=domain).finish()
    assert result.source == "lm" and result.alternatives == ()


@pytest.mark.parametrize(
    ("lead", "offered"),
    [(0.98, True), (0.5, False), (-2.0, False)],
    ids=["a near miss is offered", "a tie is not", "a worse path is not"],
)
def test_a_grammar_result_that_nearly_won_is_offered_as_an_alternative(lead, offered) -> None:
    general = _Decoder("gingrich", 1000)
    hint = _Decoder("pinecrest", 1000 + int(lead * FRAMES))
    result = Utterance(general, hint, phrases=["pinecrest"]).finish()
    assert result.text == "gingrich"
    assert result.alternatives == (("pinecrest",) if offered else ())


ANYTHING_ELSE = ["no", "thank you", "that's all", "eight", "nine", "two"]


def test_a_lone_digit_in_the_free_words_does_not_stop_the_closing_grammar() -> None:
    general = _Decoder("okay eight and you", 1000)
    hint = _Decoder("okay thank you", 1000 + 10 * FRAMES)
    assert Utterance(general, hint, phrases=ANYTHING_ELSE).finish().text == "okay thank you"


def test_a_whole_number_in_the_free_words_is_kept_over_the_grammar() -> None:
    heard = "call me at three oh five two two two nine eight seven six"
    general = _Decoder(heard, 1000)
    hint = _Decoder("two eight oh three eight three oh five two two two nine", 1000 + 10 * FRAMES)
    assert Utterance(general, hint, phrases=ANYTHING_ELSE).finish().text == heard


@pytest.mark.parametrize(
    ("lead", "kept"),
    [(20.0, "r e y e s"), (16.0, "r e y e s"), (13.0, "thursday"), (5.0, "thursday")],
    ids=["a spelled name's lead", "the margin's edge", "a word's lead", "a small lead"],
)
def test_letters_replace_the_free_words_only_when_they_fit_far_better(lead, kept) -> None:
    """The letter grammar fits any short word ("Thursday." as "h r c", measured leads
    3.7..12.9 per frame); spelled names led by 16.9..22.7."""
    letters = "r e y e s" if kept == "r e y e s" else "h r c"
    general = _Decoder("thursday", 1000)
    hint = _Decoder(letters, 1000 + int(lead * FRAMES))
    phrases = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    assert Utterance(general, hint, phrases=phrases, kind="spelling").finish().text == kept
    # another question's grammar, with the same lead, wins
    other = Utterance(_Decoder("thursday", 1000), _Decoder(letters, 1000 + int(lead * FRAMES)))
    assert other.finish().text == letters


@pytest.mark.parametrize(
    ("free", "grammar", "kept"),
    [
        pytest.param(
            "i was grinding middle at work in dieting to em dreams again my height it's really "
            "read and it hurts alot",
            "i'm would round rock location i'd",
            "i was grinding middle at work in dieting to em dreams again my height it's really "
            "read and it hurts alot",
            id="a few grammar words stretched over a long sentence are no reading of it",
        ),
        pytest.param(
            "i'd like to go to the kendle office please",
            "i'd like the kendall office please",
            "i'd like the kendall office please",
            id="a grammar reading of most of a sentence still wins",
        ),
        pytest.param(
            "to christian", "pinecrest", "pinecrest", id="a short answer is read by the grammar"
        ),
    ],
)
def test_a_grammar_result_must_cover_a_fair_part_of_a_long_sentence(free, grammar, kept):
    general = _Decoder(free, 1000)
    hint = _Decoder(grammar, 1000 + 19 * FRAMES)  # the measured lead: 18.9 per frame
    assert Utterance(general, hint, phrases=["kendall", "pinecrest"]).finish().text == kept


@pytest.mark.parametrize(
    ("free", "grammar"),
    [
        ("no thanks", "no to and austin"),
        ("hannah right", "have doral i'd"),
        ("gingrich", "pinecrest"),
        ("", "the kendall office"),
    ],
)
def test_office_and_plan_grammars_are_offered_beside_the_free_words_never_in_their_place(
    free, grammar
):
    """Measured: the office grammar beat the free decoders for 60 of 223 answers that name no
    office; the dialogue takes its reading only when the free words answer nothing."""
    general = _Decoder(free, 1000)
    hint = _Decoder(grammar, 1000 + 10 * FRAMES)
    result = Utterance(general, hint, phrases=["kendall", "pinecrest"], kind="office").finish()
    assert (result.text, result.source, result.alternatives) == (free, "lm", (grammar,))
    # the plan question's and the closing question's grammars too; the spelling's replaces them
    for kind in ("insurance", "anything_else"):
        other = Utterance(_Decoder(free, 1000), _Decoder(grammar, 1000 + 10 * FRAMES), kind=kind)
        assert other.finish().alternatives == (grammar,)
    lead = 1000 + 20 * FRAMES
    spelling = Utterance(_Decoder(free, 1000), _Decoder(grammar, lead), kind="spelling")
    assert spelling.finish().text == grammar


def test_after_anything_else_a_whole_number_read_by_the_grammar_replaces_the_free_words():
    """A new callback number said after the read-back; "you you bye you" for "Do you guys do
    LASIK?" is only offered (the dialogue takes it only when the free words answer nothing)."""
    general = _Decoder("call me at three to five to two nine", 1000)
    hint = _Decoder("three oh five two two two nine eight seven six", 1000 + 10 * FRAMES)
    utt = Utterance(general, hint, phrases=ANYTHING_ELSE, kind="anything_else")
    assert utt.finish().text == "three oh five two two two nine eight seven six"
    question = Utterance(
        _Decoder("do you guys you lost it", 1000),
        _Decoder("you you bye you", 1000 + 10 * FRAMES),
        phrases=ANYTHING_ELSE,
        kind="anything_else",
    ).finish()
    assert question.text == "do you guys you lost it"
    assert question.alternatives == ("you you bye you",)
