import base64
import json

import pytest
from pipecat.frames.frames import InputAudioRawFrame
from pipecat.processors.frame_processor import FrameProcessorSetup

from switchboard.telephony.media_stream import HandshakeError, SafeTwilioSerializer, parse_start


def start_message(**start_overrides):
    start = {
        "accountSid": "AC1",
        "streamSid": "MZ1",
        "callSid": "CA1",
        "tracks": ["inbound"],
        "customParameters": {"token": "t"},
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
    } | start_overrides
    return {"event": "start", "sequenceNumber": "1", "start": start, "streamSid": "MZ1"}


def test_start_message_gives_call_stream_and_parameters():
    s = parse_start(start_message())
    assert (s.call_sid, s.stream_sid, s.custom_parameters) == ("CA1", "MZ1", {"token": "t"})


@pytest.mark.parametrize(
    "message",
    [
        {"event": "start"},
        start_message(callSid=""),
        start_message(customParameters=["x"]),
        start_message(mediaFormat={"encoding": "audio/l16"}),
        {"event": "start", "start": {"callSid": "CA1"}},  # no streamSid anywhere
    ],
)
def test_malformed_start_is_refused(message):
    with pytest.raises(HandshakeError):
        parse_start(message)


@pytest.fixture
async def serializer():
    s = SafeTwilioSerializer(stream_sid="MZ1", call_sid="CA1", account_sid="AC1")
    await s.setup(
        FrameProcessorSetup(
            clock=None, task_manager=None, pipeline_worker=None, audio_in_sample_rate=8000
        )
    )
    return s


def media(payload: str) -> str:
    return json.dumps({"event": "media", "streamSid": "MZ1", "media": {"payload": payload}})


async def test_valid_media_becomes_an_audio_frame(serializer):
    frame = await serializer.deserialize(media(base64.b64encode(b"\xff" * 160).decode()))
    assert isinstance(frame, InputAudioRawFrame)
    assert frame.sample_rate == 8000 and len(frame.audio) == 320
    assert serializer.counters.media == 1


@pytest.mark.parametrize(
    ("raw", "counter"),
    [
        ("not json", "malformed"),
        ("[1, 2, 3]", "malformed"),
        (b"\x00\x01", "malformed"),
        (media("@@@not-base64@@@"), "malformed"),
        (json.dumps({"event": "media", "media": "nope"}), "malformed"),
        (media(base64.b64encode(b"\xff" * 20000).decode()), "oversized"),
        (json.dumps({"event": "surprise"}), "unknown"),
    ],
)
async def test_bad_messages_are_dropped_and_counted_never_raised(serializer, raw, counter):
    assert await serializer.deserialize(raw) is None
    assert getattr(serializer.counters, counter) == 1


async def test_stop_and_mark_are_noticed(serializer):
    assert (
        await serializer.deserialize(json.dumps({"event": "mark", "mark": {"name": "x"}})) is None
    )
    assert await serializer.deserialize(json.dumps({"event": "stop", "stop": {}})) is None
    assert serializer.counters.marks == 1 and serializer.counters.stopped
