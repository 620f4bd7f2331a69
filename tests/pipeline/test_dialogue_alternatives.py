"""The dialogue acts on another recognition of the caller's words when only it answers."""

from __future__ import annotations

from dialogue_harness import Call
from pipecat.frames.frames import TranscriptionFrame

from switchboard.speech.recognizer import Recognition


def heard(text: str, *alternatives: str) -> TranscriptionFrame:
    result = Recognition(text, 0.5, 0, 1.0, 10, alternatives=alternatives)
    return TranscriptionFrame(text=text, user_id="caller", timestamp="", result=result)


async def _say(call: Call, frame: TranscriptionFrame) -> None:
    before = len(call.hooks.caller)
    await call.send(frame)
    await call.wait_for(lambda: len(call.hooks.caller) > before and not call.output.speaking, 5)


async def test_a_name_only_the_general_model_heard_is_taken():
    async with Call(deadline=None) as call:
        await _say(call, heard("I'd like to book an eye exam."))
        await _say(call, heard("Kendall."))
        assert call.dialogue.state.expect == "name"
        await _say(call, heard("roberto do you hours", "roberto diaz"))
        request = call.dialogue.state.request
        assert (request.first_name, request.last_name) == ("Roberto", "Diaz")
        assert call.hooks.caller[-1][0] == "roberto diaz"  # the record shows what was acted on
        assert call.dialogue.counters.alternatives_taken == 1


async def test_an_answer_the_recognizer_chose_is_kept_over_alternatives():
    async with Call(deadline=0.6) as call:
        await _say(call, heard("I'd like to book an eye exam."))
        await _say(call, heard("coral gables", "kendall"))
        assert call.dialogue.state.request.office_id == "coral-gables"
        assert call.dialogue.counters.alternatives_taken == 0
