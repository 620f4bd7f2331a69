"""Shared fixtures: settings on a temporary data dir, resources without speech engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from support import ACCOUNT_SID, AUTH_TOKEN
from switchboard.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path / "data",
        public_url="https://agent.example.test",
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        twilio_api_base_url="http://127.0.0.1:9",  # nothing listens: tests that need it set it
        hangup_delay_secs=0.2,
    )


@pytest.fixture
async def resources(settings: Settings) -> AsyncIterator[object]:
    """App resources with the database and profiles, no speech engines."""
    from switchboard.simulator.runner import text_resources

    async with text_resources(settings) as res:
        yield res
