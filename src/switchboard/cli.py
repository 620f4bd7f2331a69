"""The ``switchboard`` command: serve, simulate, eval, db."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from switchboard.errors import ConfigError, SwitchboardError
from switchboard.settings import Settings, get_settings


def configure_logging(level: str) -> None:
    """One stderr sink at ``level``. Pipecat's DEBUG output quotes transcripts (personal data),
    so it is shown only when asked for explicitly."""
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level=level.upper())


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    return get_settings(**overrides)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from switchboard.app import create_app

    settings = _settings(args)
    configure_logging(settings.log_level)
    host = args.host or settings.bind_host
    port = args.port or settings.port
    print(f"Switchboard listening on http://{host}:{port}  (public URL {settings.public_url})")
    print(f"Point your Twilio number's voice webhook at  POST {settings.public_url}/twilio/voice")
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        ws="websockets-sansio",
        # Not uvloop: under it the speech pool's worker pipes stall for good once a burst of
        # utterances outgrows the preloaded decoders (12 at once; see `switchboard bench`).
        loop="asyncio",
    )
    return 0


def _load(paths: Sequence[str]) -> list:
    from switchboard.simulator.scenario import load_scenarios

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():  # a folder of scenario folders counts, as in tests/scenarios/
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
            files.extend(found or [path])
        else:
            files.append(path)
    return load_scenarios(files)


def cmd_simulate(args: argparse.Namespace) -> int:
    from switchboard.simulator.runner import simulate_many

    settings = _settings(args)
    configure_logging(args.log_level)
    scenarios = _load([args.scenario])

    def show(report) -> None:  # type: ignore[no-untyped-def]
        print(report.format_transcript())
        print()

    reports = asyncio.run(
        simulate_many(
            scenarios,
            mode=args.mode,
            settings=settings,
            max_seconds=args.max_seconds,
            on_report=show,
        )
    )
    if args.json:
        data = reports[0].to_dict() if len(reports) == 1 else [r.to_dict() for r in reports]
        Path(args.json).write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from switchboard.simulator.runner import simulate_many

    settings = _settings(args)
    configure_logging(args.log_level)
    scenarios = _load(args.paths or ["tests/scenarios"])

    def progress(report) -> None:  # type: ignore[no-untyped-def]
        mark = {True: "PASS", False: "FAIL", None: "----"}[report.passed]
        print(f"{mark}  {report.scenario}", flush=True)
        for reason in report.failures or []:
            print(f"        {reason}")

    reports = asyncio.run(
        simulate_many(
            scenarios,
            mode=args.mode,
            settings=settings,
            max_seconds=args.max_seconds,
            on_report=progress,
        )
    )
    checked = [r for r in reports if r.passed is not None]
    passed = sum(1 for r in checked if r.passed)
    print()
    print(
        f"{passed} passed, {len(checked) - passed} failed  ({args.mode} mode, "
        f"{len(reports)} scenarios)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False)
        )
    return 0 if passed == len(checked) else 1


def cmd_bench(args: argparse.Namespace) -> int:
    from switchboard.bench.load import BenchConfig, format_table, run_bench

    configure_logging(args.log_level)
    cfg = BenchConfig(
        calls=[int(n) for n in args.calls.split(",") if n.strip()],
        targets=[t for t in args.targets.split(",") if t.strip()],
        engines=args.engines,
        latency_calls=args.latency_calls,
        break_p95_ms=args.break_p95_ms,
        max_seconds=args.max_seconds,
        stt_workers=args.stt_workers,
    )
    if args.lines:
        cfg.lines = [line for line in args.lines.split("|") if line.strip()]
    report = asyncio.run(run_bench(cfg))
    print()
    print(format_table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from switchboard.storage.db import migrate

    settings = _settings(args)
    migrate(settings.resolved_database_url)
    print("database schema is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="switchboard", description=__doc__)
    parser.add_argument("--database-url", help="override DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the phone agent server")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("simulate", help="play one scenario against the agent")
    p.add_argument("scenario")
    p.add_argument("--mode", choices=["text", "audio"], default="text")
    p.add_argument("--json", help="write the JSON report here")
    p.add_argument("--max-seconds", type=float, default=180.0)
    p.add_argument("--log-level", default="WARNING")
    p.add_argument(
        "--server",
        help="audio mode: call this running server instead of one "
        "started in-process (it must share DATABASE_URL and TWILIO_AUTH_TOKEN)",
    )
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("eval", help="run scenarios and check their expectations")
    p.add_argument("paths", nargs="*", help="scenario files or directories")
    p.add_argument("--mode", choices=["text", "audio"], default="text")
    p.add_argument("--json", help="write all reports here")
    p.add_argument("--max-seconds", type=float, default=180.0)
    p.add_argument("--log-level", default="WARNING")
    p.add_argument("--server", help="audio mode: call this running server")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="latency and concurrent-call benchmark (vs plain Pipecat)")
    p.add_argument("--calls", default="1,10,25,50", help="concurrent calls to try, in order")
    p.add_argument("--targets", default="switchboard,plain", help="switchboard and/or plain")
    p.add_argument("--engines", choices=["embedded", "external"], default="embedded")
    p.add_argument("--latency-calls", type=int, default=3, help="calls one after another at N=1")
    p.add_argument("--break-p95-ms", type=float, default=3000.0)
    p.add_argument("--max-seconds", type=float, default=150.0)
    p.add_argument("--stt-workers", type=int, default=0, help="0: one per CPU core")
    p.add_argument("--lines", help="the caller's lines, separated by |")
    p.add_argument("--json", help="write the full report here")
    p.add_argument("--log-level", default="WARNING")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("db", help="database maintenance")
    dbsub = p.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="apply migrations")
    up.set_defaults(func=cmd_db_upgrade)

    from switchboard.crm.cli import add_cli

    add_cli(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"switchboard: configuration error: {exc}", file=sys.stderr)
        return exc.exit_code
    except SwitchboardError as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
