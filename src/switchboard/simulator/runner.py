"""Runs scenarios in text or audio mode and turns each call into a :class:`CallReport`.

Audio mode starts the real server in-process on loopback (or targets ``server_url``), with a
local fake Twilio for the REST side, and places each call over the real Media Streams
protocol. Either way the report's turns, outcome and request come from the call record in the
database: the simulator checks what staff would see, not what it hoped to have said.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn
from pydantic import SecretStr

from switchboard.app import AppResources, build_resources, close_resources, create_app
from switchboard.profiles import BusinessProfile
from switchboard.settings import Settings
from switchboard.simulator.expectations import check
from switchboard.simulator.report import CallReport, StepLog, Turn
from switchboard.simulator.scenario import Scenario
from switchboard.storage import repo
from switchboard.storage.db import session_factory, transaction


def scenario_now(scenario: Scenario, profile: BusinessProfile) -> datetime:
    if scenario.now is not None:
        return scenario.now
    return datetime.now(ZoneInfo(profile.timezone))


async def report_from_record(
    res: AppResources, scenario: Scenario, *, mode: str, call_sid: str
) -> CallReport:
    """Fill a report from the stored call record."""
    async with transaction(res.db) as session:
        call = await repo.get_call(session, call_sid=call_sid, with_turns=True)
        if call is None:
            return CallReport(scenario=scenario.name, mode=mode, call_sid=call_sid)
        turns = [
            Turn(
                speaker="agent" if t.speaker == "agent" else "caller",
                text=t.text,
                start_s=round(t.start_s, 3),
                end_s=round(t.end_s if t.end_s is not None else t.start_s, 3),
            )
            for t in call.turns
        ]
        return CallReport(
            scenario=scenario.name,
            mode=mode,
            call_sid=call_sid,
            ended_by=call.ended_by,
            outcome=call.outcome,
            duration_s=(call.metrics or {}).get("duration_s"),
            turns=turns,
            request=dict(call.request or {}),
            metrics=dict(call.metrics or {})
            | {
                "end_reason": call.end_reason,
                "hangup_result": call.hangup_result,
                "transfer_result": call.transfer_result,
            },
            recording_path=call.recording_path,
        )


def finish_report(
    report: CallReport, scenario: Scenario, profile: BusinessProfile, steps: list[StepLog]
) -> CallReport:
    report.steps = steps
    fillers = profile.fillers.get(scenario.language, []) if hasattr(profile, "fillers") else []
    if scenario.expect is not None:
        report.set_result(check(scenario, report, filler_words=list(fillers)))
    return report


# --- text mode ---------------------------------------------------------------------------
@asynccontextmanager
async def text_resources(settings: Settings) -> AsyncIterator[AppResources]:
    """Profiles and the database only: text mode needs no speech engines."""
    res = await build_resources(settings, speech=False)
    try:
        yield res
    finally:
        await close_resources(res)


async def run_text(
    res: AppResources, scenario: Scenario, *, max_seconds: float = 180.0
) -> CallReport:
    from switchboard.simulator.text_mode import run_text_call

    profile = res.profiles.for_called_number(scenario.business)
    result = await run_text_call(
        res, scenario, profile, now=scenario_now(scenario, profile), max_seconds=max_seconds
    )
    report = await report_from_record(res, scenario, mode="text", call_sid=result.call_sid)
    report.duration_s = round(result.duration_s, 3)
    return finish_report(report, scenario, profile, result.steps)


# --- audio mode --------------------------------------------------------------------------
def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def serve_in_process(settings: Settings) -> AsyncIterator[tuple[str, AppResources, Any]]:
    """The real app on a loopback port, with a local fake Twilio for its REST calls.

    Yields (server_url, resources, carrier).
    """
    from switchboard.simulator.carrier import FakeTwilio

    token = settings.auth_token or secrets.token_hex(16)
    sock = _free_socket()
    port = sock.getsockname()[1]
    server_url = f"http://127.0.0.1:{port}"
    async with FakeTwilio(
        auth_token=token,
        account_sid=settings.twilio_account_sid,
        status_callback_url=(f"{server_url}/twilio/status"),
    ) as carrier:
        settings = settings.model_copy(
            update={
                "public_url": server_url,
                "twilio_api_base_url": carrier.base_url,
                "twilio_auth_token": SecretStr(token),
                "twilio_validate_signatures": True,
            }
        )
        res = await build_resources(settings)
        app = create_app(settings, resources=res)
        config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="websockets-sansio")
        server = uvicorn.Server(config)
        serve_task = asyncio.create_task(server.serve(sockets=[sock]), name="sim-server")
        try:
            for _ in range(200):
                if server.started:
                    break
                if serve_task.done():
                    await serve_task  # raises the start-up error
                await asyncio.sleep(0.05)
            yield server_url, res, carrier
        finally:
            server.should_exit = True
            await asyncio.gather(serve_task, return_exceptions=True)
            await close_resources(res)
            sock.close()


async def run_audio(
    res: AppResources,
    scenario: Scenario,
    *,
    server_url: str,
    carrier: Any,
    max_seconds: float = 180.0,
    echo_gain: float = 0.0,
) -> CallReport:
    from switchboard.simulator.audio_caller import place_call

    profile = res.profiles.for_called_number(scenario.business)
    now = scenario_now(scenario, profile)
    res.clock = (lambda: now) if scenario.now is not None else None
    result = await place_call(
        scenario,
        server_url=server_url,
        auth_token=res.settings.auth_token,
        account_sid=res.settings.twilio_account_sid,
        carrier=carrier,
        max_seconds=max_seconds,
        default_business=(profile.called_numbers or ["+15555550100"])[0],
        echo_gain=echo_gain,
    )
    # The server completes the record right after the stream closes; wait for it briefly.
    for _ in range(100):
        async with transaction(res.db) as session:
            call = await repo.get_call(session, call_sid=result.call_sid)
            if call is None or call.ended_at is not None:
                break
        await asyncio.sleep(0.1)
    report = await report_from_record(res, scenario, mode="audio", call_sid=result.call_sid)
    report.duration_s = round(result.duration_s, 3)
    result.apply_to(report)
    return finish_report(report, scenario, profile, list(result.steps))


@asynccontextmanager
async def external_server(
    settings: Settings, server_url: str
) -> AsyncIterator[tuple[str, AppResources, Any]]:
    """Target a server started elsewhere (``--server URL``) that shares this machine's settings.

    The report is read from the database in DATABASE_URL, so the server must use the same one,
    and its TWILIO_API_BASE_URL must point at the fake carrier printed here for the agent's
    hang-ups to reach the simulated caller (otherwise calls end at --max-seconds).
    """
    from switchboard.simulator.carrier import FakeTwilio

    async with (
        text_resources(settings) as res,
        FakeTwilio(
            auth_token=settings.auth_token or None,
            account_sid=settings.twilio_account_sid,
            status_callback_url=f"{server_url.rstrip('/')}/twilio/status",
        ) as carrier,
    ):
        print(f"fake Twilio REST API for this run: TWILIO_API_BASE_URL={carrier.base_url}")
        yield server_url.rstrip("/"), res, carrier


async def simulate_many(
    scenarios: list[Scenario],
    *,
    mode: str,
    settings: Settings,
    max_seconds: float = 180.0,
    on_report: Callable[[CallReport], None] | None = None,
    server_url: str | None = None,
) -> list[CallReport]:
    """Run scenarios one after another in ``mode``; returns their reports."""
    reports: list[CallReport] = []
    if mode == "text":
        async with text_resources(settings) as res:
            for sc in scenarios:
                report = await run_text(res, sc, max_seconds=max_seconds)
                reports.append(report)
                if on_report:
                    on_report(report)
        return reports
    if server_url:
        groups = [(None, list(enumerate(scenarios)))]
    else:
        # A caller who talks over the agent tests barge-in mode, which needs the echo gate
        # off; those scenarios get a server of their own with ECHO_GATE=false.
        talks_over = [(i, sc) for i, sc in enumerate(scenarios) if _talks_over(sc)]
        rest = [(i, sc) for i, sc in enumerate(scenarios) if not _talks_over(sc)]
        groups = [(settings, rest), (settings.model_copy(update={"echo_gate": False}), talks_over)]
    done: list[tuple[int, CallReport]] = []
    for group_settings, group in groups:
        if not group:
            continue
        host = (
            serve_in_process(group_settings)
            if group_settings is not None
            else external_server(settings, server_url or "")
        )
        async with host as (url, res, carrier):
            for index, sc in group:
                report = await run_audio(
                    res, sc, server_url=url, carrier=carrier, max_seconds=max_seconds
                )
                done.append((index, report))
                if on_report:
                    on_report(report)
    reports.extend(report for _, report in sorted(done, key=lambda item: item[0]))
    return reports


def _talks_over(scenario: Scenario) -> bool:
    """Whether the scripted caller speaks while the agent is still talking (barge-in)."""
    return any(getattr(step, "barge_in", None) is not None for step in scenario.caller)


__all__ = ["simulate_many", "run_text", "run_audio", "serve_in_process", "session_factory"]
