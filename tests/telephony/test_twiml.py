from xml.etree import ElementTree as ET

from switchboard.telephony import twiml


def test_connect_stream_carries_token_and_dials_front_desk_after_connect():
    root = ET.fromstring(
        twiml.connect_stream(
            stream_url="wss://a.example/twilio/stream",
            parameters={"token": "123.abc"},
            fallback_number="+13055550110",
        )
    )
    assert [c.tag for c in root] == ["Connect", "Dial"]
    stream = root.find("Connect/Stream")
    assert stream is not None and stream.get("url") == "wss://a.example/twilio/stream"
    assert "?" not in stream.get("url", "")  # Twilio forbids query strings on stream URLs
    param = stream.find("Parameter")
    assert param is not None and (param.get("name"), param.get("value")) == ("token", "123.abc")
    assert root.find("Dial").text == "+13055550110"


def test_busy_says_message_and_hangs_up_without_overflow():
    root = ET.fromstring(twiml.busy(message="All lines are busy.", overflow_number=None))
    assert [c.tag for c in root] == ["Say", "Hangup"]
    assert root.find("Say").text == "All lines are busy."


def test_busy_forwards_to_overflow_number_when_set():
    root = ET.fromstring(twiml.busy(message="x", overflow_number="+13055550999"))
    assert [c.tag for c in root] == ["Dial"]
    assert root.find("Dial").text == "+13055550999"


def test_dial_transfers_to_number():
    root = ET.fromstring(twiml.dial("+13055550110"))
    assert root.find("Dial/Number").text == "+13055550110"
