"""TwiML builders (the official SDK's VoiceResponse)."""

from __future__ import annotations

from twilio.twiml.voice_response import Connect, Dial, VoiceResponse


def connect_stream(
    *, stream_url: str, parameters: dict[str, str], fallback_number: str | None
) -> str:
    """<Connect><Stream> with parameters; after </Connect>, dial the front desk.

    When the stream ends without the agent ending the call (the agent crashed), Twilio
    continues with the next verb, so the caller reaches a person instead of a dead line.
    """
    response = VoiceResponse()
    connect = Connect()
    stream = connect.stream(url=stream_url)
    for name, value in parameters.items():
        stream.parameter(name=name, value=value)
    response.append(connect)
    if fallback_number:
        response.dial(fallback_number)
    return str(response)


def busy(*, message: str, overflow_number: str | None) -> str:
    """Over capacity: forward to the overflow number, or say a short busy message and hang up."""
    response = VoiceResponse()
    if overflow_number:
        response.dial(overflow_number)
    else:
        response.say(message)
        response.hangup()
    return str(response)


def dial(number: str, *, say_first: str | None = None) -> str:
    """Transfer: (optionally say a line, then) dial ``number``."""
    response = VoiceResponse()
    if say_first:
        response.say(say_first)
    d = Dial()
    d.number(number)
    response.append(d)
    return str(response)
