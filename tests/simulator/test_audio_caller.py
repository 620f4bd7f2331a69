"""The audio caller plays scenarios over the real Twilio protocol against a stand-in app."""

from __future__ import annotations

import contextlib
import statistics
import wave

import numpy as np
import pytest
from standin_app import StandIn, StandInConfig

from switchboard.simulator import voice
from switchboard.simulator.audio_caller import CallerSideResult, place_call, read_twiml
from switchboard.simulator.carrier import FakeTwilio, serve_asgi
from switchboard.simulator.report import CallReport
from switchboard.simulator.scenario import scenario_from_dict

ACCOUNT = "AC" + "1" * 32
TOKEN = "0123456789abcdef0123456789abcdef"


async def tone_voice(text: str) -> voice.CallerSpeech:
    """A fast, deterministic caller 'voice': a tone as long as ~25 ms per character."""
    seconds = min(0.2 + 0.01 * len(text), 0.8)
    t = np.arange(int(seconds * 8000)) / 8000
    pcm = (7000 * np.sin(2 * np.pi * 300 * t)).astype("<i2").tobytes()
    return voice.CallerSpeech(voice.pcm16_to_ulaw(pcm), pcm, "tone")


def _scenario(*steps, **extra):
    data = {"name": "test call", "business": "+13055550100", "caller_id": "+13055550123",
            "caller": list(steps) or [{"say": "hello"}]}
    data.update(extra)
    return scenario_from_dict(data)


@contextlib.asynccontextmanager
async def rig(config: StandInConfig | None = None, *, token: str = TOKEN):
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        app = StandIn(auth_token=TOKEN, account_sid=ACCOUNT, carrier_url=carrier.base_url,
                      config=config)
        async with serve_asgi(app.app) as url:
            app.base_url = url
            yield carrier, app, url
            await carrier.settle()  # status callbacks land while the app still serves


async def _call(carrier, url, scenario, *, token=TOKEN, **kw) -> CallerSideResult:
    kw.setdefault("max_seconds", 15)
    return await place_call(scenario, server_url=url, auth_token=token, account_sid=ACCOUNT,
                            carrier=carrier, synthesize=tone_voice, **kw)


async def test_call_speaks_twilio_protocol_and_agent_hangs_up_through_rest(tmp_path):
    events = []
    async with rig() as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "hello"}),
                             on_event=lambda name, data: events.append(name),
                             save_audio=tmp_path / "call.wav")
    # The webhook: signed, Twilio's fields.
    form = app.voice_requests[0]
    assert form["CallSid"] == result.call_sid and len(result.call_sid) == 34
    assert form["From"] == "+13055550123" and form["To"] == "+13055550100"
    assert form["CallStatus"] == "ringing" and form["Direction"] == "inbound"
    assert form["AccountSid"] == ACCOUNT and form["ApiVersion"] == "2010-04-01"
    assert result.attempt == "connected"
    assert result.stream_parameters == {"token": f"tok-{result.call_sid}", "lang": "en"}
    assert result.fallback_dial == "+13055550100"
    # The stream: signed upgrade, connected, start, media..., stop.
    assert app.stream_signature_ok is True
    connected, start = app.messages[0], app.messages[1]
    assert connected == {"event": "connected", "protocol": "Call", "version": "1.0.0"}
    assert start["event"] == "start" and start["streamSid"].startswith("MZ")
    assert start["start"]["callSid"] == result.call_sid
    assert start["start"]["accountSid"] == ACCOUNT
    assert start["start"]["tracks"] == ["inbound"]
    assert start["start"]["customParameters"] == result.stream_parameters
    assert start["start"]["mediaFormat"] == {"encoding": "audio/x-mulaw", "sampleRate": 8000,
                                             "channels": 1}
    media = [m for m in app.messages if m["event"] == "media"]
    assert [int(m["media"]["chunk"]) for m in media] == list(range(1, len(media) + 1))
    assert [int(m["media"]["timestamp"]) for m in media[:3]] == [0, 20, 40]
    assert all(m["media"]["track"] == "inbound" for m in media)
    seqs = [int(m["sequenceNumber"]) for m in app.messages[1:]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert app.messages[-1]["event"] == "stop"
    assert app.messages[-1]["stop"]["callSid"] == result.call_sid
    echoed = [m["mark"]["name"] for m in app.messages if m["event"] == "mark"]
    assert echoed == ["greeting", "reply-1"]
    # Outcome: the agent hung up through the carrier's REST API; the callback was signed.
    assert result.ended_by == "agent" and result.end_reason == "hangup"
    assert app.rest_results == [200]
    [rest] = carrier.hang_ups(result.call_sid)
    assert rest.form == {"Status": "completed"} and rest.auth_ok
    [(callback, signed)] = app.status_callbacks
    assert signed and callback["CallStatus"] == "completed"
    assert callback["CallSid"] == result.call_sid and callback["From"] == "+13055550123"
    # The caller's log: the greeting and the reply were heard; one line, replied to quickly.
    assert len(result.agent_turns) == 2
    [step] = result.steps
    assert step.kind == "say" and step.agent_replied
    assert step.sent_at_s > result.agent_turns[0].end_s
    # stand-in VAD waits 0.3 s of silence, so never sooner; the upper bound leaves room for a
    # loaded CI machine (timing targets are checked by `switchboard bench`, not here).
    assert 280 <= step.reply_latency_ms <= 2000
    assert result.latencies_ms == [step.reply_latency_ms]
    assert result.media.burst_frames == 0 and result.media.max_buffer_ms <= 200
    # a paced sender leaves no audible gaps; scheduler noise on a busy machine may add one
    assert result.media.late_frames <= 2 and result.media.max_gap_ms < 400
    assert result.media.frames_received == int((0.4 + 0.4) * 50)
    assert events[:2] == ["twiml", "connected"] and events[-1] == "ended"
    with wave.open(str(tmp_path / "call.wav")) as wav:
        assert wav.getnchannels() == 2 and wav.getframerate() == 8000
        assert abs(wav.getnframes() / 8000 - result.media.frames_sent * 0.02) < 0.05


async def test_media_is_paced_in_real_time_like_twilio():
    async with rig(StandInConfig(greeting_s=0.2)) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "a line of some length"}))
    arrivals = np.array(app.media_arrivals)
    gaps = np.diff(arrivals) * 1000
    span = arrivals[-1] - arrivals[0]
    assert abs(span - (len(arrivals) - 1) * 0.02) < 0.2  # no drift
    assert statistics.median(gaps) == pytest.approx(20, abs=2)
    assert result.media.max_send_lag_ms < 250


async def test_a_stall_in_the_agent_audio_counts_as_a_late_frame():
    config = StandInConfig(greeting_s=1.0, stall_after_frames=20, stall_s=0.25)
    async with rig(config) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "hello"}))
    assert result.media.late_frames >= 1
    assert 240 <= result.media.max_gap_ms < 1000


async def test_report_fields_come_from_the_caller_side():
    async with rig() as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "hello"}))
    report = result.apply_to(CallReport(scenario="x", mode="audio", outcome="no_request"))
    assert report.call_sid == result.call_sid and report.ended_by == "agent"
    assert report.outcome == "no_request"
    assert report.steps == result.steps and report.latencies_ms == result.latencies_ms
    assert report.metrics["caller_side"]["media"]["frames_sent"] == result.media.frames_sent
    assert [t.text for t in result.caller_turns()] == ["hello"]


async def test_transfer_through_rest_twiml_dial_is_reported():
    config = StandInConfig(end_with="transfer", transfer_to="+13055550111")
    async with rig(config) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "a person please"}))
    assert result.ended_by == "agent" and result.end_reason == "transfer"
    assert result.transfer_target == "+13055550111"
    assert app.messages[-1]["event"] == "stop"
    assert app.status_callbacks and app.status_callbacks[0][1]


async def test_app_closing_the_stream_means_twilio_dials_the_fallback():
    async with rig(StandInConfig(end_with="close")) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "hello"}))
    assert result.ended_by == "agent" and result.end_reason == "stream_closed"
    assert result.transfer_target == "+13055550100"
    assert carrier.calls[result.call_sid].status == "completed"
    assert carrier.hang_ups() == []


async def test_script_hang_up_sends_stop_and_completes_as_caller():
    async with rig(StandInConfig(end_with="never")) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "hello"}, {"hang_up": True}))
    assert result.ended_by == "caller" and result.end_reason == "hang_up"
    assert [s.kind for s in result.steps] == ["say", "hang_up"]
    assert result.steps[0].agent_replied
    assert app.messages[-1]["event"] == "stop"
    [(callback, signed)] = app.status_callbacks
    assert signed and callback["CallStatus"] == "completed"
    assert carrier.calls[result.call_sid].ended_by == "caller"


async def test_max_seconds_ends_a_call_that_never_ends_as_caller_hang_up():
    async with rig(StandInConfig(end_with="never")) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "hello"}), max_seconds=2.0)
    assert result.ended_by == "caller" and result.end_reason == "max_seconds"
    assert result.hit_max_seconds
    assert 2.0 <= result.duration_s < 4.0
    assert app.messages[-1]["event"] == "stop"


async def test_bad_signature_is_refused_and_reported():
    async with rig() as (carrier, app, url):
        result = await _call(carrier, url, _scenario(), token="f" * 32)
    assert result.attempt == "rejected" and result.voice_status == 403
    assert result.ended_by is None and result.errors
    assert app.messages == []


@pytest.mark.parametrize(
    ("twiml", "attempt", "target"),
    [
        ("<Response><Say>We are busy.</Say><Hangup/></Response>", "busy", None),
        ("<Response><Dial>+13055550999</Dial></Response>", "overflow", "+13055550999"),
        ("<Response><Dial><Number>+13055550998</Number></Dial></Response>", "overflow",
         "+13055550998"),
    ],
)
async def test_busy_answers_are_the_outcome_of_the_attempt(twiml, attempt, target):
    async with rig(StandInConfig(busy_twiml=twiml)) as (carrier, app, url):
        result = await _call(carrier, url, _scenario())
    assert result.attempt == attempt and result.end_reason == attempt
    assert result.transfer_target == target
    assert result.ended_by == "agent"
    assert app.status_callbacks and app.status_callbacks[0][1]


def test_twiml_reading_keeps_every_parameter_and_the_fallback():
    result = CallerSideResult(scenario="s", call_sid="CA", account_sid="AC", from_="a", to="b",
                              voice="v")
    read_twiml(result, '<?xml version="1.0"?><Response><Connect><Stream url="wss://x/s">'
                       '<Parameter name="a" value="1"/><Parameter name="b" value="2"/></Stream>'
                       '</Connect><Dial><Number>+1305</Number></Dial></Response>')
    assert result.attempt == "connected" and result.stream_url == "wss://x/s"
    assert result.stream_parameters == {"a": "1", "b": "2"}
    assert result.fallback_dial == "+1305"


async def test_burst_and_clear_on_barge_in():
    config = StandInConfig(greeting_s=3.0, burst_greeting=True, clear_on_speech=True)
    async with rig(config) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "wait", "barge_in": 0.5}))
    assert result.media.burst_frames > 0 and result.media.max_buffer_ms > 2000
    assert result.media.clears_received == 1
    # The mark queued behind the cleared audio is echoed at once, as Twilio does.
    assert [m["mark"]["name"] for m in app.messages if m["event"] == "mark"][0] == "greeting"
    greeting = result.agent_turns[0]
    step = result.steps[0]
    assert step.sent_at_s == pytest.approx(greeting.start_s + 0.5, abs=0.2)
    assert greeting.end_s < step.sent_at_s + 0.6  # the agent audio stopped when cleared
    assert step.agent_replied


@pytest.mark.slow
async def test_unanswered_line_waits_four_seconds_then_goes_on():
    config = StandInConfig(end_after=2, silent_for={1})
    async with rig(config) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"say": "um"}, {"say": "Kendall please"},
                                                     {"say": "thanks"}))
    first, second, third = result.steps
    assert not first.agent_replied and first.reply_latency_ms is None
    assert second.sent_at_s - first.speech_end_s == pytest.approx(4.0, abs=0.1)
    assert second.agent_replied
    assert result.ended_by == "agent"
    assert third.sent_at_s is None  # the agent ended the call before the third line


@pytest.mark.slow
async def test_silence_step_keeps_the_line_quiet_after_the_agent_turn():
    async with rig(StandInConfig(end_with="never")) as (carrier, app, url):
        result = await _call(carrier, url, _scenario({"silence": 2}, {"say": "hello"},
                                                     {"hang_up": True}))
    silence, say, _ = result.steps
    assert silence.sent_at_s >= result.agent_turns[0].end_s
    assert say.sent_at_s - silence.sent_at_s == pytest.approx(2.0, abs=0.1)
    assert say.agent_replied


@pytest.mark.slow
async def test_flite_speech_is_heard_as_one_utterance():
    if not voice.has_flite():
        pytest.skip("flite is not installed: the caller would speak with espeak-ng")
    async with rig() as (carrier, app, url):
        result = await place_call(
            _scenario({"say": "Hi, I'd like to book an eye exam at the Kendall office."}),
            server_url=url, auth_token=TOKEN, account_sid=ACCOUNT, carrier=carrier,
            max_seconds=20)
    assert result.voice == "flite:rms"
    assert app.utterances == 1  # pauses between words stay under the stand-in's VAD gap
    assert result.steps[0].agent_replied and result.ended_by == "agent"
