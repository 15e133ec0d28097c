"""The resident memory of a process and its descendants, read from /proc (Linux): sampled in a
thread while they work, and checked against the kernel's own peak (VmHWM) at the end."""

from __future__ import annotations

import os
import threading

SAMPLE_SECONDS = 0.1


def status_kib(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in KiB (VmRSS, VmHWM); 0 if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def process_tree(root: int) -> list[int]:
    """root and its descendants, from /proc (pool children, an embedded beat if any)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree += children
        frontier += children
    return tree


class MemorySampler(threading.Thread):
    """Samples the resident memory of every process of root's tree every SAMPLE_SECONDS: the
    largest single process and the largest sum."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.stop_event = threading.Event()
        self.peak_process_kib = 0
        self.peak_total_kib = 0
        self.samples = 0
        self.pids: set[int] = set()

    def sample(self) -> None:
        pids = process_tree(self.root)
        self.pids.update(pids)
        sizes = [status_kib(pid, "VmRSS") for pid in pids]
        self.peak_process_kib = max(self.peak_process_kib, *sizes)
        self.peak_total_kib = max(self.peak_total_kib, sum(sizes))
        self.samples += 1

    def run(self) -> None:
        while not self.stop_event.wait(SAMPLE_SECONDS):
            self.sample()

    def finish(self) -> int:
        """Stop sampling; return the kernel's peak RSS (VmHWM) of the largest live process."""
        self.stop_event.set()
        self.join()
        self.sample()
        return max(status_kib(pid, "VmHWM") for pid in process_tree(self.root))
