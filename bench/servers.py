"""Start the servers the benchmarks compare, and read their CPU time from /proc.

Our server runs as in production: `python -m config.serve`, on PostgreSQL and Redis when
DATABASE_URL / REDIS_URL are set (SQLite and no broker otherwise). moto runs as `moto_server`.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_TICK = os.sysconf("SC_CLK_TCK")
BENCH_KEY = ("AKIABENCHROOT0000001", "bench-root-secret-000000000000000000000000")


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` and every live descendant (the server's workers), in seconds."""
    return sum(cpu_seconds_by_process(pid).values())


def cpu_seconds_by_process(pid: int) -> dict[int, float]:
    """utime + stime of `pid` and of each live descendant, by process id, in seconds."""
    found = {}
    for proc in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        found[proc] = (int(fields[11]) + int(fields[12])) / _TICK  # fields 14 and 15 of stat(5)
    return found


def spent_by_process(before: dict[int, float], after: dict[int, float]) -> dict[int, float]:
    """CPU seconds each process spent between two readings (`cpu_seconds_by_process`): a process
    that ended meanwhile is left out (its spending is unknown), one that started counts from 0."""
    return {proc: after[proc] - before.get(proc, 0.0) for proc in after}


def busy_processes(spent: dict[int, float], share: float = 0.2) -> int:
    """How many processes spent at least `share` of the CPU the server spent (`spent_by_process`):
    for ours, the workers that served the calls."""
    total = sum(spent.values())
    return sum(1 for seconds in spent.values() if total > 0 and seconds >= share * total)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def our_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("ROOT_ACCESS_KEY_ID", BENCH_KEY[0])
    env.setdefault("ROOT_SECRET_ACCESS_KEY", BENCH_KEY[1])
    env["PORT"] = str(port)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.pop("DEBUG", None)
    return env


@contextmanager
def ours(port: int, workers: int, checkout: Path = ROOT, **settings: str):
    """The web server serving `checkout` (this one unless named) as `make run` does (migrated and
    bootstrapped first), with `settings` over the environment's (DATABASE_URL=..., say)."""
    env = dict(our_env(port), **settings)
    python = str(BIN / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=checkout, env=env, check=True)
    subprocess.run([python, "manage.py", "bootstrap"], cwd=checkout, env=env, check=True, stdout=subprocess.DEVNULL)
    env.update(WEB_CONCURRENCY=str(workers), WEB_LOG_LEVEL="warning")
    process = subprocess.Popen([python, "-m", "config.serve"], cwd=checkout, env=env)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


@contextmanager
def moto(port: int):
    """moto's server (requirements-dev.txt), in memory."""
    process = subprocess.Popen([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/moto-api/", process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
