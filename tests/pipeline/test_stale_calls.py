"""Open call records are completed only when no live call can own them: another server
process (or a second command on the same data directory) may be mid-call in the young ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from switchboard.pipeline.call import STALE_MARGIN_SECS, close_stale_calls
from switchboard.storage import repo
from switchboard.storage.db import transaction
from switchboard.storage.models import Call


async def _open_call(res, sid: str, *, age_secs: float) -> None:
    async with transaction(res.db) as s:
        await repo.create_call(
            s,
            call_sid=sid,
            account_sid="AC1",
            from_number="+13055550123",
            to_number="+13055550100",
            business_id="bayside-vision",
        )
        created = datetime.now(UTC) - timedelta(seconds=age_secs)
        await s.execute(update(Call).where(Call.call_sid == sid).values(created_at=created))


async def test_only_records_older_than_the_longest_call_are_completed(resources):
    limit = resources.settings.max_call_secs + STALE_MARGIN_SECS
    await _open_call(resources, "CAold", age_secs=limit + 5)
    await _open_call(resources, "CAlive", age_secs=limit - 30)
    assert await close_stale_calls(resources) == 1
    async with transaction(resources.db) as s:
        old = await repo.get_call(s, call_sid="CAold")
        live = await repo.get_call(s, call_sid="CAlive")
    assert (old.ended_by, old.end_reason) == ("system", "process_restart")
    assert old.ended_at is not None
    assert live.ended_at is None and live.ended_by is None
