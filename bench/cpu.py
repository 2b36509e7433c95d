"""CPU use from /proc: who was busy during a run (the server, PostgreSQL, everything)."""

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far (gone ones count 0)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / CLOCK_TICKS


def pids_named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def machine_seconds() -> float:
    """Busy CPU seconds of the whole machine, all cores, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / CLOCK_TICKS


@dataclass
class Snapshot:
    postgres: float
    machine_busy: float

    @classmethod
    def take(cls) -> "Snapshot":
        return cls(postgres=process_seconds(pids_named("postgres")), machine_busy=machine_seconds())
