"""File target: one JSON line per call appended to ``EXPORT_FILE`` (the always-there fallback).

Each line is written with one ``write`` on an ``O_APPEND`` descriptor and fsynced, under an
exclusive ``flock`` so two workers (or two processes) never interleave or both append the same
key; a key already in the file is skipped, so a retry after a crash never duplicates a line.
A torn last line (power cut mid-write) is closed with a newline before the next one.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
from pathlib import Path
from typing import Any

from switchboard.crm.base import Delivery, DeliveryError, setting


def export_path(settings: Any) -> Path:
    configured = setting(settings, "export_file", None)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "data_dir", "data")) / "requests.jsonl"


class _KeyIndex:
    """Keys already in the file, read incrementally (only the bytes appended since last time)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.offset = 0
        self.ends_with_newline = True
        self.inode: tuple[int, int] | None = None

    def refresh(self, fd: int) -> None:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != self.inode or st.st_size < self.offset:
            self.__init__()  # type: ignore[misc]  # file replaced or truncated: start over
            self.inode = (st.st_dev, st.st_ino)
        if st.st_size == self.offset:
            return
        os.lseek(fd, self.offset, os.SEEK_SET)
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        complete, _, tail = data.rpartition(b"\n")
        for line in complete.split(b"\n") if complete else []:
            self._add(line)
        if tail:  # a line without its newline: count it, remember to close it
            self._add(tail)
        self.offset += len(data)
        self.ends_with_newline = data.endswith(b"\n") if data else self.ends_with_newline

    def _add(self, line: bytes) -> None:
        try:
            key = json.loads(line).get("idempotency_key")
        except (ValueError, AttributeError):
            return
        if key:
            self.keys.add(key)


class FileTarget:
    name = "file"

    def __init__(self, settings: Any) -> None:
        self.path = export_path(settings)
        self._index = _KeyIndex()
        self._lock = asyncio.Lock()

    def _append(self, key: str, line: bytes) -> dict[str, Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._index.refresh(fd)
            if key in self._index.keys:
                return {"file": str(self.path), "already": True}
            data = line if self._index.ends_with_newline else b"\n" + line
            written = os.write(fd, data)
            if written != len(data):
                raise DeliveryError(f"short write to {self.path} ({written}/{len(data)} bytes)")
            os.fsync(fd)
            self._index.keys.add(key)
            self._index.offset += written
            self._index.ends_with_newline = True
            return {"file": str(self.path), "bytes": written}
        finally:
            os.close(fd)  # also releases the lock

    async def deliver(self, delivery: Delivery) -> dict[str, Any]:
        record = {
            "idempotency_key": delivery.key,
            **{k: v for k, v in delivery.payload.items()},
        }
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        async with self._lock:
            try:
                return await asyncio.to_thread(self._append, delivery.key, line)
            except OSError as exc:
                raise DeliveryError(f"could not write {self.path}: {exc}") from exc
