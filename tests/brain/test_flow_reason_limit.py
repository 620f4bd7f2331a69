"""A caller whose visit reason never comes through (a weak line, a vague caller) is not asked
for it forever: after two asks the flow moves on and the request is still captured."""

from support import play_flow


def test_visit_reason_is_asked_at_most_twice_then_the_flow_moves_on():
    state, replies = play_flow(
        [
            "I'd like to make an appointment.",
            "hmm something",
            "Kendall.",
            "Maria Gonzalez.",
            "Aetna.",
            "Tuesday morning.",
        ]
    )
    asks = [r for r in replies if r.expect == "reason"]
    assert len(asks) <= 2
    assert state.request.office == "Kendall" and state.request.patient_name == "Maria Gonzalez"
    assert state.outcome == "request_captured"
    assert replies[-1].expect == "anything_else"


def test_a_reason_given_later_is_still_kept():
    state, _ = play_flow(["I need an appointment.", "Kendall.", "It's for a glaucoma check."])
    assert "glaucoma" in state.request.reason
