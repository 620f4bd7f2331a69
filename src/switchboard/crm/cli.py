"""CLI commands: ``outbox run|list|retry`` and ``transcribe --since DATE``.

``add_cli(subparsers)`` adds them to the ``switchboard`` parser; each handler takes the parsed
namespace and returns an exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

from switchboard.errors import SwitchboardError


class CliError(SwitchboardError):
    exit_code = 1


def _settings(args: argparse.Namespace) -> Any:
    from switchboard.settings import get_settings

    overrides: dict[str, object] = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    return get_settings(**overrides)


@asynccontextmanager
async def _resources(settings: Any) -> AsyncIterator[tuple[Any, Any]]:
    import httpx

    from switchboard.storage.db import create_engine, migrate, session_factory

    url = settings.resolved_database_url
    await asyncio.to_thread(migrate, url)
    engine = create_engine(url)
    try:
        async with httpx.AsyncClient() as http:
            yield session_factory(engine), http
    finally:
        await engine.dispose()


def _run(coro_fn: Callable[[], Awaitable[int]]) -> int:
    return asyncio.run(coro_fn())  # type: ignore[arg-type]


# --- outbox --------------------------------------------------------------------------------


def cmd_outbox_run(args: argparse.Namespace) -> int:
    from switchboard.crm.outbox import OutboxWorker

    settings = _settings(args)

    async def main() -> int:
        async with _resources(settings) as (db, http):
            worker = OutboxWorker(db, settings, http=http)
            if args.once:
                delivered = await worker.run_once()
                print(f"delivered {delivered} row(s)")
                return 0
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            print(f"outbox worker {worker.worker_id} running; Ctrl-C to stop", flush=True)
            worker.start()
            try:
                await stop.wait()
            finally:
                await worker.stop()
            return 0

    return _run(main)


def _when(value: datetime | None) -> str:
    from switchboard.storage.outbox_repo import aware

    value = aware(value)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def format_rows(rows: list[Any], *, now: datetime | None = None) -> str:
    """The ``outbox list`` table: one row per line, the reason in full under failed rows."""
    from switchboard.storage.outbox_repo import aware

    now = now or datetime.now(UTC)
    header = f"{'ID':>6}  {'CALL':<36}  {'TARGET':<10}  {'STATE':<8}  {'TRIES':>5}  NEXT / DONE"
    lines = [header, "-" * len(header)]
    for row in rows:
        state = row.state
        lease = aware(row.lease_until)
        if state == "pending" and row.claimed_by and lease and lease > now:
            state = "sending"
        when = _when(row.delivered_at) if row.state == "done" else _when(row.next_attempt_at)
        if row.state == "dead":
            when = "-"
        lines.append(
            f"{row.id:>6}  {row.call_sid:<36}  {row.target:<10}  {state:<8}  "
            f"{row.attempts:>5}  {when}"
        )
        if row.last_error:
            kind = row.last_error_kind or "error"
            lines.append(f"{'':>8}{kind}: {row.last_error}")
    return "\n".join(lines)


def cmd_outbox_list(args: argparse.Namespace) -> int:
    from switchboard.storage import outbox_repo
    from switchboard.storage.db import transaction

    settings = _settings(args)

    async def main() -> int:
        async with _resources(settings) as (db, _http), transaction(db) as s:
            rows = await outbox_repo.list_rows(
                s, state=args.state, call_sid=args.call, limit=args.limit
            )
            counts = await outbox_repo.count_by_state(s)
        print(format_rows(rows))
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "empty"
        print(f"\noutbox: {summary}")
        return 0

    return _run(main)


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    from switchboard.storage import outbox_repo
    from switchboard.storage.db import transaction

    settings = _settings(args)

    async def main() -> int:
        async with _resources(settings) as (db, _http), transaction(db) as s:
            if args.all_dead:
                rows = await outbox_repo.list_rows(s, state="dead", limit=100_000)
                ids = [r.id for r in rows]
            else:
                ids = list(args.ids)
            if not ids:
                raise CliError("give a row ID (see `switchboard outbox list`) or --all-dead")
            now = datetime.now(UTC)
            for row_id in ids:
                row = await outbox_repo.retry_row(s, row_id=row_id, now=now)
                if row is None:
                    raise CliError(f"no outbox row {row_id}")
                print(f"row {row_id} ({row.key}) will be sent again now")
        return 0

    return _run(main)


# --- transcribe ----------------------------------------------------------------------------


def _progress_bar(done: int, total: int, sid: str, status: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "." * (width - filled)
    end = "\n" if done == total or status != "ok" else ""
    note = "" if status == "ok" else f"  {sid}: {status}"
    print(f"\r[{bar}] {done}/{total}{note}", end=end, file=sys.stderr, flush=True)


def cmd_transcribe(args: argparse.Namespace) -> int:
    from switchboard.crm.base import setting
    from switchboard.postcall.transcribe import transcribe_since

    settings = _settings(args)
    if str(setting(settings, "postcall_stt", "none")).lower() == "none":
        raise CliError("set POSTCALL_STT to whisper or openai to transcribe recordings")
    since = datetime.combine(args.since, datetime.min.time(), tzinfo=UTC)

    async def main() -> int:
        async with _resources(settings) as (db, http):
            done, failed = await transcribe_since(
                db,
                since=since,
                settings=settings,
                http=http,
                force=args.force,
                progress=_progress_bar,
            )
        print(f"transcribed {done} call(s), {failed} failed")
        return 1 if failed else 0

    return _run(main)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from exc


def add_cli(subparsers: Any) -> None:
    """Add ``outbox`` and ``transcribe`` to the ``switchboard`` command."""
    p = subparsers.add_parser("outbox", help="CRM deliveries: run the worker, list, retry")
    sub = p.add_subparsers(dest="outbox_command", required=True)
    run = sub.add_parser("run", help="deliver queued rows (until Ctrl-C, or --once)")
    run.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    run.set_defaults(func=cmd_outbox_run)
    ls = sub.add_parser("list", help="show rows with their state and last error")
    ls.add_argument("--state", choices=["pending", "done", "dead"])
    ls.add_argument("--call", help="only this CallSid")
    ls.add_argument("--limit", type=int, default=50)
    ls.set_defaults(func=cmd_outbox_list)
    retry = sub.add_parser("retry", help="send a row again now, with a fresh attempt budget")
    retry.add_argument("ids", nargs="*", type=int, metavar="ID")
    retry.add_argument("--all-dead", action="store_true", help="every dead row")
    retry.set_defaults(func=cmd_outbox_retry)

    t = subparsers.add_parser("transcribe", help="high-accuracy transcripts of recorded calls")
    t.add_argument("--since", type=_date, required=True, help="calls from this date (YYYY-MM-DD)")
    t.add_argument("--force", action="store_true", help="redo calls that have a transcript")
    t.set_defaults(func=cmd_transcribe)
