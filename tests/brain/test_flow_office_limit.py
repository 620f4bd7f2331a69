"""An office the recognizer cannot make out is not asked for forever: after the offices have
been listed and the answer still names none, the flow says staff will confirm the office and
moves on; the request is still captured, with the office marked missing for staff."""

from support import play_flow


def test_office_is_asked_at_most_twice_then_the_flow_moves_on():
    state, replies = play_flow(
        [
            "I'd like to book a diabetic eye exam.",
            "to christian",  # a misheard "Pinecrest"
            "pine chris",  # and again
            "Peter Brown.",
            "UnitedHealthcare.",
            "Thursday morning.",
        ]
    )
    offices = [r for r in replies if r.expect == "office"]
    assert len(offices) == 2
    assert "staff will confirm the office" in replies[3].text
    assert replies[3].expect == "name"
    assert state.request.office_id == "" and state.request.patient_name == "Peter Brown"
    assert state.outcome == "request_captured"
    assert " office" not in replies[-1].text.split("request")[1].split(",")[0]
    assert replies[-1].expect == "anything_else"


def test_an_office_named_later_is_still_taken():
    state, _ = play_flow(
        [
            "I'd like to book an eye exam.",
            "to christian",
            "pine chris",
            "Peter Brown, Kendall office.",
        ]
    )
    assert state.request.office_id == "kendall" and state.request.last_name == "Brown"


def test_one_unmatched_answer_lists_the_offices_and_asks_again():
    state, replies = play_flow(["I'd like to book an eye exam.", "Orlando"])
    assert replies[-1].expect == "office" and "Coral Gables" in replies[-1].text
    assert state.office_misses == 1
