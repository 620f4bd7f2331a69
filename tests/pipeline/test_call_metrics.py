from dataclasses import dataclass

import pytest
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.filters.identity_filter import IdentityFilter
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.tests.utils import SleepFrame, run_test

from switchboard.pipeline.call_metrics import (
    CallMetrics,
    CallMetricsObserver,
    counters_of,
    percentile,
)


def replied_turn(m: CallMetrics, *, start: float, voiced: float, text: str = "kendall") -> None:
    """Caller speaks from ``start`` for ``voiced`` s; VAD stop 0.6 s later; agent answers."""
    m.speech_started(start + 0.15, start_secs=0.15)
    stop = start + voiced + 0.6
    m.speech_stopped(stop, stop_secs=0.6)
    m.transcript(stop + 0.2, text)  # STT 200 ms
    m.reply_requested(stop + 0.21, "Which office?")  # flow 10 ms
    m.tts_audio(stop + 0.26)  # TTS 50 ms
    m.agent_started(stop + 0.27)  # 10 ms to the first frame sent


def test_turn_latency_runs_from_last_voiced_frame_to_first_agent_frame():
    m = CallMetrics()
    replied_turn(m, start=1.0, voiced=1.0)
    [turn] = m.turns
    assert turn.latency_ms == pytest.approx(870)  # 600 endpoint + 200 + 10 + 50 + 10
    assert turn.endpoint_ms == pytest.approx(600)
    assert turn.stt_ms == pytest.approx(200)
    assert turn.flow_ms == pytest.approx(10)
    assert turn.tts_ms == pytest.approx(50)
    assert turn.overhead_ms == pytest.approx(20)  # flow + output queue


def test_an_end_of_turn_hold_is_its_own_part_of_the_latency():
    m = CallMetrics()
    m.speech_stopped(2.0, stop_secs=0.2)
    m.transcript(2.1, "I'd like")
    m.speech_started(2.5)  # the caller went on after a pause
    m.speech_stopped(3.5, stop_secs=0.2)
    m.transcript(3.6, "an appointment")
    m.transcript(3.9, "I'd like an appointment", from_recognizer=False)  # the joined turn
    m.reply_requested(3.91)
    m.tts_audio(3.96)
    m.agent_started(3.97)
    [turn] = m.turns
    assert turn.latency_ms == pytest.approx(670)
    assert (turn.stt_ms, turn.turn_wait_ms) == (pytest.approx(100), pytest.approx(300))
    assert (turn.flow_ms, turn.tts_ms) == (pytest.approx(10), pytest.approx(50))
    assert turn.overhead_ms == pytest.approx(20)
    assert m.utterance_counts()["empty"] == 0  # the joined text is not a segment's transcript


@pytest.mark.parametrize(
    ("events", "turns"),
    [
        # a re-prompt long after an unreplied utterance is not a reply to it
        ([("stop", 2.0), ("started", 9.0)], 0),
        # the caller spoke again before the agent answered: only the second utterance counts
        ([("stop", 2.0), ("start", 2.5), ("stop", 3.5), ("started", 4.0)], 1),
        # the greeting (no caller utterance before it) is not a turn
        ([("started", 0.5)], 0),
        # one utterance, two agent starts (the second is the same turn resuming)
        ([("stop", 2.0), ("started", 2.5), ("started", 3.5)], 1),
    ],
)
def test_which_agent_starts_count_as_replies(events, turns):
    m = CallMetrics()
    for kind, t in events:
        if kind == "stop":
            m.speech_stopped(t, stop_secs=0.6)
        elif kind == "start":
            m.speech_started(t)
        else:
            m.agent_started(t)
    assert len(m.turns) == turns


@pytest.mark.parametrize(
    ("voiced", "text", "expect"),
    [
        (1.0, "kendall please", {"empty": 0, "very_short": 0, "filler_only": 0}),
        (1.0, None, {"empty": 1, "very_short": 0, "filler_only": 0}),
        (0.1, None, {"empty": 1, "very_short": 1, "filler_only": 0}),
        (0.5, "um", {"empty": 0, "very_short": 0, "filler_only": 1}),
        (0.5, "uh, hmm", {"empty": 0, "very_short": 0, "filler_only": 1}),
        (0.5, "uh kendall", {"empty": 0, "very_short": 0, "filler_only": 0}),
    ],
)
def test_utterances_are_classified(voiced, text, expect):
    m = CallMetrics(fillers=frozenset({"um", "uh", "hmm"}))
    m.speech_started(1.15, start_secs=0.15)
    m.speech_stopped(1.0 + voiced + 0.6, stop_secs=0.6)
    if text is not None:
        m.transcript(2.0 + voiced, text)
    assert m.utterance_counts() == {"total": 1, **expect}


def test_outbound_gaps_within_a_turn_count_as_late_frames():
    m = CallMetrics()
    m.agent_started(0.0)
    for t in (0.02, 0.04, 0.06, 0.20, 0.22):  # a 140 ms hole after 0.06
        m.agent_frame_sent(t)
    m.agent_stopped()
    m.agent_started(5.0)  # the silence between turns is not a gap
    m.agent_frame_sent(5.02)
    assert m.frames_out == 6
    assert m.out_late_frames == 1
    assert m.out_max_gap_ms == pytest.approx(140)


def test_reprompts_are_counted_by_their_phrase():
    m = CallMetrics(reprompt_prefix="Are you still there?")
    m.reply_requested(1.0, "Which office would you like?")
    m.reply_requested(9.0, "Are you still there? Which office would you like?")
    assert (m.replies, m.reprompts) == (2, 1)


def test_summary_has_percentiles_and_per_turn_breakdown():
    m = CallMetrics()
    for i in range(10):
        replied_turn(m, start=10.0 * i, voiced=1.0)
    s = m.summary()
    assert s["turn_latency"]["n"] == 10
    assert s["turn_latency"]["p50"] == pytest.approx(870, abs=0.2)
    assert s["engines"]["stt"]["p95"] == pytest.approx(200, abs=0.2)
    assert s["overhead"]["max"] == pytest.approx(20, abs=0.2)
    assert s["utterances"]["total"] == 10 and len(s["turns"]) == 10


def test_percentile_is_nearest_rank():
    assert percentile([], 0.95) is None
    assert percentile([5.0], 0.5) == 5.0
    assert percentile([float(i) for i in range(1, 101)], 0.95) == 95.0


@dataclass
class _Counters:
    frames_gated: int = 3
    label: str = "not a number"


class EchoGate(FrameProcessor):
    def __init__(self) -> None:
        super().__init__()
        self.counters = _Counters()


def test_counters_are_read_from_processors_that_have_them():
    got = counters_of([EchoGate(), FrameProcessor()])
    assert got == {"echo_gate": {"frames_gated": 3}}


async def test_observer_times_a_turn_from_pipeline_frames():
    m = CallMetrics()
    frames = [
        VADUserStartedSpeakingFrame(start_secs=0.15),
        SleepFrame(0.3),
        VADUserStoppedSpeakingFrame(stop_secs=0.2),
        SleepFrame(0.05),
        TranscriptionFrame("kendall", "", "now"),
        TTSSpeakFrame("Which office?"),
        SleepFrame(0.05),
        BotStartedSpeakingFrame(),
        SleepFrame(0.05),
    ]
    await run_test(
        IdentityFilter(),
        frames_to_send=frames,
        expected_down_frames=None,
        observers=[CallMetricsObserver(m)],
    )
    [turn] = m.turns
    # the VAD's 0.2 s wait + ~0.1 s of sleeps, timed at the pushes (not when observed)
    assert 290 <= turn.latency_ms <= 1200
    # pushed by the test's source, not a recognizer: the final transcript, not a segment's
    assert turn.stt_ms is None and turn.flow_ms is not None and turn.flow_ms < 500
    assert m.utterance_counts()["total"] == 1


def test_a_calls_metrics_use_its_profiles_fillers_and_reprompt_line():
    from types import SimpleNamespace

    from switchboard.pipeline.call_metrics import for_profile

    profile = SimpleNamespace(
        fillers={"en": ["um"], "es": ["este"]},
        phrases=SimpleNamespace(reprompt="Are you still there?"),
    )
    m = for_profile(profile)
    assert m.fillers == {"um", "este"} and m.reprompt_prefix == "Are you still there?"
    assert "uh" in for_profile(SimpleNamespace()).fillers  # defaults without a profile's list
