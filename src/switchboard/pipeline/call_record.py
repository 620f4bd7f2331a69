"""Keeps a call's record as it happens: turns, request, outcome, through one owned writer task.

Database writes never run inside the audio path: the dialogue hands them to :class:`RecordWriter`,
whose single task applies them in order. ``close()`` drains what is queued and stops the task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from loguru import logger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.brain.dialogue import state_as_dict
from switchboard.brain.flow import staff_notes
from switchboard.storage import repo
from switchboard.storage.db import transaction

Op = Callable[[AsyncSession], Awaitable[Any]]


class RecordWriter:
    """Applies database operations for one call, in order, off the audio path."""

    def __init__(self, db: async_sessionmaker[AsyncSession], *, call_sid: str) -> None:
        self._db = db
        self._call_sid = call_sid
        self._queue: asyncio.Queue[Op | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.failures = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"record-writer-{self._call_sid}")

    def submit(self, op: Op) -> None:
        self._queue.put_nowait(op)

    async def _run(self) -> None:
        while True:
            op = await self._queue.get()
            if op is None:
                return
            try:
                async with transaction(self._db) as session:
                    await op(session)
            except Exception:
                # Logged with the call id only; the rest of the record keeps being written.
                self.failures += 1
                logger.exception(f"call record write failed (call {self._call_sid})")

    async def close(self) -> None:
        """Apply everything queued, then stop."""
        if self._task is None:
            return
        self._queue.put_nowait(None)
        try:
            await asyncio.shield(self._task)
        finally:
            self._task = None


class CallRecordHooks:
    """DialogueHooks that write to the call record and delegate call control."""

    def __init__(
        self,
        writer: RecordWriter,
        *,
        call_sid: str,
        end_call: Callable[[str], Awaitable[None]],
        transfer: Callable[[], Awaitable[None]],
        expect: Callable[[str | None, list[str]], None] | None = None,
    ) -> None:
        self._writer = writer
        self._call_sid = call_sid
        self._end_call = end_call
        self._transfer = transfer
        self._expect = expect
        self._seq = 0
        self.turns: list[dict[str, Any]] = []
        self.state: Any = None

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _add_turn(
        self, speaker: str, text: str, *, start_s: float, end_s: float | None, meta: dict[str, Any]
    ) -> int:
        seq = self._next_seq()
        self.turns.append(
            {
                "seq": seq,
                "speaker": speaker,
                "text": text,
                "start_s": start_s,
                "end_s": end_s,
                "meta": meta,
            }
        )
        self._writer.submit(
            lambda s: repo.add_turn(
                s,
                call_sid=self._call_sid,
                seq=seq,
                speaker=speaker,
                text=text,
                start_s=start_s,
                end_s=end_s,
                meta=meta,
            )
        )
        return seq

    def caller_said(self, text: str, *, start_s: float, end_s: float, meta: dict[str, Any]) -> None:
        self._add_turn("caller", text, start_s=start_s, end_s=end_s, meta=meta)

    def agent_said(self, text: str, *, start_s: float, meta: dict[str, Any]) -> int:
        return self._add_turn("agent", text, start_s=start_s, end_s=None, meta=meta)

    def agent_finished(self, handle: int, *, end_s: float) -> None:
        for turn in self.turns:
            if turn["seq"] == handle:
                turn["end_s"] = end_s
        self._writer.submit(
            lambda s: repo.set_turn_end(s, call_sid=self._call_sid, seq=handle, end_s=end_s)
        )

    def state_changed(self, state: Any) -> None:
        self.state = state
        request = state_as_dict(state.request)
        outcome = state.outcome
        questions = staff_notes(state)
        self._writer.submit(
            lambda s: repo.update_call(
                s, call_sid=self._call_sid, request=request, outcome=outcome, questions=questions
            )
        )

    def expect(self, kind: str | None, phrases: list[str]) -> None:
        if self._expect is not None:
            self._expect(kind, phrases)

    async def end_call(self, reason: str) -> None:
        await self._end_call(reason)

    async def transfer(self) -> None:
        await self._transfer()
