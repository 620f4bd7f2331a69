import pytest

from switchboard.errors import StreamTokenError
from switchboard.telephony import stream_token

SECRET = b"s3cret"


def test_token_verifies_for_its_call_before_expiry():
    token = stream_token.issue(SECRET, "CA1", ttl_secs=60, now=1000)
    stream_token.verify(SECRET, token, "CA1", now=1059)


@pytest.mark.parametrize(
    ("token_for", "verify_as", "secret", "now", "message"),
    [
        ("CA1", "CA2", SECRET, 1000, "does not match"),  # another call's token
        ("CA1", "CA1", b"other", 1000, "does not match"),  # forged with another key
        ("CA1", "CA1", SECRET, 1061, "expired"),
    ],
)
def test_wrong_or_expired_tokens_are_refused(token_for, verify_as, secret, now, message):
    token = stream_token.issue(SECRET, token_for, ttl_secs=60, now=1000)
    with pytest.raises(StreamTokenError, match=message):
        stream_token.verify(secret, token, verify_as, now=now)


@pytest.mark.parametrize("token", [None, "", "garbage", "abc.def", "1.2.3", 12])
def test_malformed_tokens_are_refused(token):
    with pytest.raises(StreamTokenError):
        stream_token.verify(SECRET, token, "CA1", now=1000)  # type: ignore[arg-type]
