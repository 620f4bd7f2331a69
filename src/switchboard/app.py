"""The FastAPI application: ``create_app(settings)`` builds everything in its lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from loguru import logger
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from switchboard.profiles import ProfileRegistry, default_profiles_dir
from switchboard.settings import Settings
from switchboard.storage.db import create_engine, migrate, session_factory
from switchboard.telephony.capacity import CapacityGate
from switchboard.telephony.rest import TwilioRest


@dataclass
class AppResources:
    """Everything a call needs that lives as long as the app."""

    settings: Settings
    profiles: ProfileRegistry
    engine: AsyncEngine
    db: async_sessionmaker[AsyncSession]
    capacity: CapacityGate
    http: httpx.AsyncClient
    rest: TwilioRest
    pool: Any = None  # DecoderPool when the embedded recognizer is in use
    outbox: Any = None  # OutboxWorker delivering to the CRM targets
    clock: Callable[[], datetime] | None = None  # overridden by the simulator's `now`
    sessions: dict[str, Any] = field(default_factory=dict)  # live CallSessions by CallSid
    ready: bool = False

    def now(self) -> datetime:
        if self.clock is not None:
            return self.clock()
        return datetime.now(ZoneInfo(self.profiles.default.timezone))


async def build_resources(settings: Settings, *, speech: bool = True) -> AppResources:
    """Load profiles, migrate the database, and (unless ``speech`` is off) check and start
    the speech engines. Text-mode simulation needs no engines."""
    profiles = ProfileRegistry.load_dir(settings.profiles_dir or default_profiles_dir())
    if speech:
        from switchboard.speech import engines  # lazy: engine packages load only when serving

        engines.check_engines(settings)
    await asyncio.to_thread(migrate, settings.resolved_database_url)
    engine = create_engine(settings.resolved_database_url)
    http = httpx.AsyncClient()
    res = AppResources(
        settings=settings,
        profiles=profiles,
        engine=engine,
        db=session_factory(engine),
        capacity=CapacityGate(settings.max_concurrent_calls),
        http=http,
        rest=TwilioRest(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.auth_token,
            base_url=settings.twilio_api_base_url,
            client=http,
        ),
    )
    try:
        if speech and settings.stt_engine == "pocketsphinx":
            from switchboard.speech.decoder_pool import DecoderPool

            domains = None
            if settings.stt_domain_lm:
                from switchboard.speech.domain_corpus import domain_sentences

                domains = {p.id: domain_sentences(p) for p in profiles}
            res.pool = DecoderPool(settings, domains=domains, sounds_like=profiles.sounds_like())
            await res.pool.start()
        if speech:
            # The VAD session every call shares, built now rather than in the first call.
            from switchboard.speech.silero_shared import shared_session

            await asyncio.to_thread(shared_session)
    except BaseException:
        await http.aclose()
        await engine.dispose()
        raise
    return res


async def close_resources(res: AppResources) -> None:
    """End live calls, then stop the engines and close connections."""
    for session in list(res.sessions.values()):
        session.shutdown()
    for _ in range(100):  # each call completes its record and releases its slot
        if not res.sessions:
            break
        await asyncio.sleep(0.1)
    if res.outbox is not None:
        await res.outbox.stop()
        res.outbox = None
    if res.pool is not None:
        await res.pool.close()
    await res.http.aclose()
    await res.engine.dispose()


STALE_SWEEP_SECS = 60.0


async def _sweep_stale_calls(res: AppResources) -> None:
    """Close, once a minute, records a dead process left open (see ``close_stale_calls``)."""
    from switchboard.pipeline.call import close_stale_calls

    while True:
        await asyncio.sleep(STALE_SWEEP_SECS)
        try:
            closed = await close_stale_calls(res)
        except Exception:
            logger.exception("closing stale call records failed; will retry")
            continue
        if closed:
            logger.warning(f"completed {closed} call record(s) left open by a dead process")


def create_app(settings: Settings, *, resources: AppResources | None = None) -> FastAPI:
    """Build the app. Passing ``resources`` lets a host (the simulator) share them."""
    from switchboard.pipeline.call import close_stale_calls
    from switchboard.telephony.routes import router

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = resources is None
        res = resources or await build_resources(settings)
        app.state.res = res
        if not settings.twilio_validate_signatures:
            logger.warning(
                "TWILIO_VALIDATE_SIGNATURES=false: anyone can place calls into this agent. "
                "Never run like this on a public address."
            )
        stale = await close_stale_calls(res)
        if stale:
            logger.warning(f"completed {stale} call record(s) left open by an earlier process")
        sweeper = asyncio.create_task(_sweep_stale_calls(res), name="stale-call-sweeper")
        if own and settings.run_outbox_worker:
            from switchboard.crm.outbox import OutboxWorker

            res.outbox = OutboxWorker(res.db, settings, http=res.http)
            res.outbox.start()
        res.ready = True
        try:
            yield
        finally:
            res.ready = False
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)
            if own:
                await close_resources(res)

    app = FastAPI(title="Switchboard", version="0.1.0", lifespan=lifespan)
    app.include_router(router)

    @app.get("/livez")
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        res: AppResources = app.state.res
        checks: dict[str, Any] = {"started": res.ready}
        try:
            async with res.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = True
        except Exception as exc:  # report, do not raise: this is a health probe
            checks["database"] = f"error: {type(exc).__name__}"
        if res.pool is not None:
            checks["recognizer"] = bool(getattr(res.pool, "healthy", True))
        checks["calls"] = f"{res.capacity.in_use}/{res.capacity.limit}"
        ok = all(v is True for k, v in checks.items() if k != "calls")
        return JSONResponse(checks, status_code=200 if ok else 503)

    return app
