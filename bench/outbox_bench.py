"""How many deliveries per second the outbox sustains against the local Odoo-protocol server.

    python bench/outbox_bench.py [--calls 300] [--protocol xmlrpc|json2] [--target odoo|file]
                                 [--concurrency 8] [--workers 1] [--database-url URL]

Queues ``--calls`` finished calls (finalize in the call-closing transaction, as in production),
then times the workers draining the outbox. An Odoo delivery is four or five round trips
(search lead, create lead, search note, post note; no recording here), so the number is leads
per second, end to end, database writes included.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from crm.fake_odoo import FakeOdoo  # noqa: E402
from crm.helpers import Cfg, finished_call, odoo_cfg  # noqa: E402
from switchboard.crm.outbox import OutboxWorker  # noqa: E402
from switchboard.settings import Settings  # noqa: E402
from switchboard.storage.db import create_engine, migrate, session_factory  # noqa: E402


async def bench(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="outbox-bench-"))
    base = Settings(_env_file=None, environment="test", data_dir=tmp)  # type: ignore[call-arg]
    url = args.database_url or base.resolved_database_url
    migrate(url)
    engine = create_engine(url)
    db = session_factory(engine)
    with FakeOdoo() as odoo:
        cfg = (
            odoo_cfg(base, odoo, odoo_protocol=args.protocol)
            if args.target == "odoo"
            else Cfg(base, crm_targets="file")
        )
        cfg.outbox_concurrency = args.concurrency
        t0 = time.perf_counter()
        for i in range(args.calls):
            await finished_call(db, cfg, sid=f"CA{i:032d}")
        queued = time.perf_counter() - t0
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(limits=limits) as http:
            workers = [OutboxWorker(db, cfg, http=http) for _ in range(args.workers)]
            t0 = time.perf_counter()
            counts = await asyncio.gather(*(w.run_once() for w in workers))
            elapsed = time.perf_counter() - t0
        delivered = sum(counts)
        leads = len(odoo.leads())
    await engine.dispose()
    print(
        f"target={args.target} protocol={args.protocol} db={url.split(':')[0]} "
        f"workers={args.workers} concurrency={args.concurrency}"
    )
    print(f"queued {args.calls} calls in {queued:.2f}s ({args.calls / queued:.0f} finalizes/s)")
    print(
        f"delivered {delivered} in {elapsed:.2f}s: {delivered / elapsed:.1f} deliveries/s"
        + (f" ({leads} leads in the server)" if args.target == "odoo" else "")
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=300)
    p.add_argument("--protocol", choices=["xmlrpc", "json2"], default="xmlrpc")
    p.add_argument("--target", choices=["odoo", "file"], default="odoo")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--database-url", default="")
    asyncio.run(bench(p.parse_args()))


if __name__ == "__main__":
    main()
