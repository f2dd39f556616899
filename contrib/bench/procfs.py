"""Linux ``/proc`` readings of a running server: its processes and whose connections are whose.

Shared by the scale benchmark and the tests of ``visitgis serve --workers``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def process_tree(root_pid: int) -> list[int]:
    """The process and all its descendants."""
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def api_workers(root_pid: int) -> list[int]:
    """uvicorn's worker processes: spawned children (not multiprocessing's resource tracker)."""
    found = []
    for pid in Path(f"/proc/{root_pid}/task/{root_pid}/children").read_text().split():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in command:
            found.append(int(pid))
    return found


def connection_holders(pids: list[int], port: int) -> dict[tuple[str, int], int]:
    """Established client connections on local ``port`` held by ``pids``: each client's
    address (as ``/proc/net`` writes it) and port, and the process holding it."""
    inodes: dict[str, int] = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            with contextlib.suppress(OSError):  # a descriptor closed since the listing
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes[target[8:-1]] = pid
    held: dict[tuple[str, int], int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cells = line.split()
                local_port = int(cells[1].rsplit(":", 1)[1], 16)
                if local_port == port and cells[3] == "01" and cells[9] in inodes:
                    address, client_port = cells[2].rsplit(":", 1)
                    held[(address, int(client_port, 16))] = inodes[cells[9]]
    return held


def established_connections(pids: list[int], port: int) -> dict[int, int]:
    """Established client connections on local ``port`` held by each of ``pids``."""
    held = dict.fromkeys(pids, 0)
    for pid in connection_holders(pids, port).values():
        held[pid] += 1
    return held
