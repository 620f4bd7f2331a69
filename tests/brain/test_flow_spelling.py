"""When the recognizer has already failed once on a caller's name, the last name it heard since
is likely a guess, so the flow asks once for it letter by letter, and the recognizer listens
for letters. A spelling it cannot make out, or an answer that is something else, moves the
call on with the name as heard; nothing is asked twice."""

import pytest

from support import play_flow
from switchboard.brain.replies import expect_phrases
from switchboard.profiles import default_profiles_dir, load_profile

PROFILE = load_profile(default_profiles_dir() / "bayside-vision.yaml")
# The name asked, a miss, then a first name and a garbled last name: "Tyler When".
MISHEARD = ["I'd like to book an eye exam.", "Kendall.", "uh the", "tyler when"]


def _spelling_asks(replies) -> int:
    return sum(1 for r in replies if r.expect == "spelling")


@pytest.mark.parametrize(
    ("spelled", "last"),
    [
        ("n g u y e n", "Nguyen"),  # as the letter grammar hears it
        ("It's N. G. U. Y. E. N.", "Nguyen"),
        ("N-G-U-Y-E-N", "Nguyen"),
        ("Nguyen.", "Nguyen"),  # said, not spelled: taken as said
    ],
)
def test_a_misheard_last_name_is_asked_letter_by_letter(spelled, last):
    state, replies = play_flow([*MISHEARD, spelled])
    assert _spelling_asks(replies) == 1
    assert "spell your last name" in replies[-2].text
    assert state.request.patient_name == f"Tyler {last}"
    assert replies[-1].expect == "insurance"


def test_letters_not_made_out_keep_the_name_as_heard_and_move_on():
    state, replies = play_flow([*MISHEARD, "mm hmm the"])
    assert state.request.patient_name == "Tyler When"
    assert "check the spelling" in replies[-1].text and replies[-1].expect == "insurance"
    assert _spelling_asks(replies) == 1


def test_another_fact_at_the_spelling_question_is_kept_and_spelling_not_asked_again():
    state, replies = play_flow([*MISHEARD, "Medicare.", "Monday morning."])
    assert state.request.insurance == "Medicare"
    assert state.request.patient_name == "Tyler When"
    assert _spelling_asks(replies) == 1


def test_a_name_understood_at_once_is_never_asked_to_be_spelled():
    _, replies = play_flow(["I'd like to book an eye exam.", "Kendall.", "Tyler Nguyen."])
    assert _spelling_asks(replies) == 0


def test_a_common_full_name_after_a_miss_is_not_asked_to_be_spelled():
    lines = ["I'd like to book an eye exam.", "Kendall.", "come", "Lucas Fernandez."]
    state, replies = play_flow(lines)
    assert _spelling_asks(replies) == 0
    assert state.request.patient_name == "Lucas Fernandez"
    assert replies[-1].expect == "insurance"


def test_no_spelling_is_asked_when_no_first_name_was_heard():
    state, replies = play_flow(
        ["I'd like to book an eye exam.", "Kendall.", "roberto do you hours", "no thank you"]
    )
    assert _spelling_asks(replies) == 0
    assert "(name unclear)" in state.request.patient_name


def test_the_recognizer_listens_for_letters_when_a_spelling_is_asked():
    letters = expect_phrases(PROFILE, "spelling")
    assert letters[:3] == ["a", "b", "c"] and len(letters) == 26


def test_a_last_name_heard_after_a_missed_last_name_is_spelled_too():
    lines = ["I'd like to book an eye exam.", "Kendall.", "Tyler.", "when the", "win yen"]
    state, replies = play_flow([*lines, "N G U Y E N"])
    assert [r.expect for r in replies[-4:]] == ["last_name", "last_name", "spelling", "insurance"]
    assert state.request.patient_name == "Tyler Nguyen"


@pytest.mark.parametrize("expect", ["name", "last_name", "spelling"])
def test_a_two_word_fragment_at_a_name_question_is_no_question(expect):
    from switchboard.brain.understanding import understand

    assert not understand(PROFILE, "when the", expect=expect).question
    assert understand(PROFILE, "when are you open", expect=expect).question
    assert understand(PROFILE, "When?", expect=expect).question
