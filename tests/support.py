"""Constants shared by tests (importable as ``support``; tests/ is on the path)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "tests" / "scenarios"
REAL_SPEECH = REPO / "tests" / "fixtures" / "real-speech"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "1" * 32


def play_flow(lines: list[str], *, caller_id: str = "+13055550123", called_number: str = ""):
    """Run caller lines through the demo practice's flow; returns (state, replies spoken).

    Starts on Saturday 2026-11-21 10:15 in the practice's time zone, like the other flow tests.
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from switchboard.brain import flow
    from switchboard.profiles import ProfileRegistry, default_profiles_dir

    profile = ProfileRegistry.load_dir(default_profiles_dir()).default
    now = datetime(2026, 11, 21, 10, 15, tzinfo=ZoneInfo("America/New_York"))
    state, reply = flow.start(profile, caller_id=caller_id, now=now, called_number=called_number)
    replies = [reply]
    for line in lines:
        state, reply = flow.step(profile, state, line)
        if reply is not None:
            replies.append(reply)
    return state, replies
