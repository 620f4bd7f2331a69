#!/usr/bin/env python3
"""Newcomer's path: `python3 dev.py run` starts the agent, `python3 dev.py test` runs the tests.

Creates ./.venv on first use and installs Switchboard into it (nothing else is needed but
Python >= 3.11). `test` also installs flite (the simulator's caller voice) where apt-get is
available and permitted; without it, recognition tests say they were skipped and why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit("Switchboard needs Python 3.11 or newer")
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    pyproject = ROOT / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    print("installing Switchboard and its dependencies into .venv ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "-e", target], check=True, cwd=ROOT)
    stamp.touch()


def ensure_flite() -> None:
    if shutil.which("flite"):
        return
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("installing flite (simulated caller voice) ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        ok = subprocess.run([apt, "install", "-y", "-q", "flite"], env=env,
                            capture_output=True).returncode == 0
        if not ok:
            subprocess.run([apt, "update", "-q"], env=env, capture_output=True)
            subprocess.run([apt, "install", "-y", "-q", "flite"], env=env, capture_output=True)
    if not shutil.which("flite"):
        print("note: flite is not installed; tests that need recognizable caller speech will "
              "be skipped (install the 'flite' package to run them)", flush=True)


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "help"
    rest = argv[1:]
    if cmd == "run":
        ensure_venv("")
        return subprocess.call([str(BIN / "switchboard"), "serve", *rest], cwd=ROOT)
    if cmd == "test":
        ensure_venv("dev")
        ensure_flite()
        return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
    print(__doc__)
    return 0 if cmd == "help" else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
