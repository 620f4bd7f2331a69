"""Shared fixtures for the speech tests: one decoder pool per module (workers take ~1 s)."""

from __future__ import annotations

import pytest
import pytest_asyncio

from switchboard.settings import Settings
from switchboard.speech.decoder_pool import DecoderPool


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(environment="test", max_concurrent_calls=12, stt_workers=2)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def pool(settings: Settings):
    pool = DecoderPool(settings, workers=2, preload=1)
    await pool.start()
    yield pool
    await pool.close()
