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


def machine_seconds() -> float:
    """Busy CPU seconds of the whole machine, all cores, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / CLOCK_TICKS


def all_processes() -> dict[int, tuple[str, int]]:
    """pid → (command name, CPU ticks so far) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        head, tail = stat.rsplit(")", 1)
        fields = tail.split()
        found[int(entry.name)] = (head.split("(", 1)[1], int(fields[11]) + int(fields[12]))
    return found


@dataclass
class Snapshot:
    processes: dict[int, tuple[str, int]]
    machine_busy: float

    @classmethod
    def take(cls) -> "Snapshot":
        return cls(processes=all_processes(), machine_busy=machine_seconds())

    def seconds_since(self, earlier: "Snapshot") -> dict[int, tuple[str, float]]:
        """pid → (name, CPU seconds used between the two snapshots) of the processes alive now.

        A process that started and ended in between is not here: its CPU shows only in
        the machine's total.
        """
        used = {}
        for pid, (name, ticks) in self.processes.items():
            before = earlier.processes.get(pid, (name, 0))[1]
            used[pid] = (name, (ticks - before) / CLOCK_TICKS)
        return used
