import pytest

from switchboard.telephony.signature import is_valid_signature, public_url_for, sign

TOKEN = "12345"


@pytest.mark.parametrize(
    ("public", "path", "query", "ws", "expected"),
    [
        ("https://a.example", "/twilio/voice", "", False, "https://a.example/twilio/voice"),
        ("https://a.example/", "/twilio/voice", "x=1", False, "https://a.example/twilio/voice?x=1"),
        ("https://a.example/sb", "/twilio/voice", "", False, "https://a.example/sb/twilio/voice"),
        ("https://a.example", "/twilio/stream", "", True, "wss://a.example/twilio/stream"),
        ("http://127.0.0.1:8200", "/twilio/stream", "", True, "ws://127.0.0.1:8200/twilio/stream"),
    ],
)
def test_public_url_is_rebuilt_from_the_configured_origin(public, path, query, ws, expected):
    assert public_url_for(public.rstrip("/"), path, query, websocket=ws) == expected


def test_signature_made_like_twilio_validates():
    url = "https://a.example/twilio/voice"
    params = {"CallSid": "CA1", "From": "+13055550123"}
    assert is_valid_signature(TOKEN, url, params, sign(TOKEN, url, params))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url, p, s: (url + "x", p, s),  # other URL (a proxy's internal host)
        lambda url, p, s: (url, p | {"From": "+1999"}, s),  # altered parameter
        lambda url, p, s: (url, p, None),  # missing header
        lambda url, p, s: (url, p, ""),
        lambda url, p, s: (url, p, s[:-2] + "AA"),
    ],
)
def test_tampered_or_missing_signature_is_refused(tamper):
    url = "https://a.example/twilio/voice"
    params = {"CallSid": "CA1", "From": "+13055550123"}
    good = sign(TOKEN, url, params)
    url2, params2, sig2 = tamper(url, params, good)
    assert not is_valid_signature(TOKEN, url2, params2, sig2)


def test_no_auth_token_never_validates():
    url = "https://a.example/twilio/voice"
    assert not is_valid_signature("", url, {}, sign(TOKEN, url, {}))
