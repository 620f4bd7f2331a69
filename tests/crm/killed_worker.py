"""Child process for the kill test: finalize a call, start delivering it, wait to be killed.

argv: DATABASE_URL ODOO_URL DATA_DIR. Prints ``finalized`` once the call and its outbox row
are committed, ``claimed`` once the worker holds the row (Odoo never answers), then blocks.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from crm.fake_odoo import API_KEY, DB, LOGIN
from crm.helpers import Cfg, all_rows, finished_call
from switchboard.crm.outbox import OutboxWorker
from switchboard.settings import Settings
from switchboard.storage.db import create_engine, migrate, session_factory


async def main(url: str, odoo_url: str, data_dir: str) -> None:
    base = Settings(_env_file=None, environment="test", data_dir=Path(data_dir))  # type: ignore[call-arg]
    cfg = Cfg(
        base,
        crm_targets="odoo",
        odoo_url=odoo_url,
        odoo_db=DB,
        odoo_username=LOGIN,
        odoo_api_key=API_KEY,
        odoo_timeout_secs=600,
        outbox_lease_secs=1.0,
    )
    migrate(url)
    engine = create_engine(url)
    db = session_factory(engine)
    await finished_call(db, cfg)
    print("finalized", flush=True)
    async with httpx.AsyncClient() as http:
        worker = OutboxWorker(db, cfg, http=http)
        worker.start()
        for _ in range(400):
            if (await all_rows(db))[0].claimed_by:
                break
            await asyncio.sleep(0.05)
        print("claimed", flush=True)
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
