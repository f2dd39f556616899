"""API worker processes, each listening on its own socket of the one port (``SO_REUSEPORT``).

uvicorn's supervisor hands all its workers one shared listening socket. Whichever process
wakes first accepts a whole burst of new connections (asyncio accepts up to the backlog per
wake-up), and handhelds keep theirs alive, so one worker can hold almost all of them: 64
connections opened at once split 0/64, 11/53 and 17/47 between two workers, and a 1 → 2 worker
sweep stopped at 1.13× when 29 of 34 handhelds sat on one worker. With ``SO_REUSEPORT`` every
worker listens on a socket of its own bound to the same port and the kernel spreads new
connections over them by a hash of their addresses (Linux), whichever worker is awake.

The supervisor (uvicorn's, for its health checks, restarts and signals) keeps every socket
open, so a connection hashed to a worker that died waits in that socket's backlog for its
replacement instead of being refused. Where the platform has no ``SO_REUSEPORT`` the workers
share one socket as before.

With ``pin`` (``VISITGIS_PIN_WORKERS``) worker ``i`` runs on core ``i`` of those the server
may use (its replacements too). A worker is one GIL: it never uses more than a core, yet left
free its threads wander between the cores and queue behind each other's wake-ups and the
other worker's (issue 19: two unpinned workers on a 2-core box waited 37–44 ms per check-in
for a core with the box 37 % idle).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
from pathlib import Path

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from gql.connection_balance import ConnectionBalancer, SharedCounts, install_balancer

logger = logging.getLogger("uvicorn.error")


class PortUnavailable(Exception):
    """The address cannot be listened on (taken, not local, not permitted)."""


LISTEN_BACKLOG = 2048
"""uvicorn's default backlog, which its worker passes to ``listen`` again when it starts."""


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` sockets bound to one ``host``:``port`` (port 0: the first one's free port).

    Raises ``PortUnavailable`` when the port is taken, also by another server of the same user
    (which ``SO_REUSEPORT`` alone would let this one join silently, taking half its connections).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        if port:
            with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((host, port))
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            # Listening from the start puts every socket in the port's group at once: a
            # socket a worker has yet to listen on is outside it, and a burst that arrives
            # while that worker imports the app would all go to the others. Connections
            # hashed to a worker still starting wait in its backlog, as for a replacement.
            sock.listen(LISTEN_BACKLOG)
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sockets


class _WorkerProcess(Process):
    """A worker that evens out the split of connections with its siblings.

    With ``counts`` given it publishes how many it holds there (:mod:`gql.connection_balance`).
    """

    def __init__(
        self,
        config: Config,
        sock: socket.socket,
        index: int,
        counts: Path | None,
        workers: int,
        core: int | None = None,
    ) -> None:
        self.index, self.counts, self.workers, self.core = index, counts, workers, core
        super().__init__(config, [sock])

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover
        """In the worker process: pin it, install its balancer, then serve (uvicorn's target)."""
        if self.core is not None:
            pin_to_core(self.core)
        if self.counts is not None:
            state = self.server.server_state
            shared = SharedCounts(self.counts, self.workers)
            install_balancer(ConnectionBalancer(shared, self.index, lambda: len(state.connections)))
        super().target(sockets)


class ReusePortSupervisor(Multiprocess):
    """uvicorn's supervisor, worker ``i`` always serving socket ``i`` (its replacements too)."""

    def __init__(
        self,
        config: Config,
        sockets: list[socket.socket],
        counts: Path | None = None,
        cores: list[int] | None = None,
    ) -> None:
        super().__init__(config, sockets)
        self.processes_num = len(sockets)
        self.counts = counts
        self.cores = cores

    def _process(self, index: int) -> Process:
        core = None if not self.cores else self.cores[index % len(self.cores)]
        return _WorkerProcess(
            self.config, self.sockets[index], index, self.counts, self.processes_num, core
        )

    def init_processes(self) -> None:
        """Start worker ``i`` on socket ``i``."""
        for index in range(self.processes_num):
            process = self._process(index)
            process.start()
            self.processes.append(process)

    def restart_all(self) -> None:
        """SIGHUP: replace each worker once its replacement serves the same socket."""
        for index, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._process(index)
            new.start()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                logger.error("New worker [%s] not ready in time; restart aborted.", new.pid)
                return
            old.terminate()
            old.join()
            self.processes[index] = new

    def keep_subprocess_alive(self) -> None:
        """Replace a dead or hung worker by one on the same socket (stop on a start-up failure)."""
        for index, process in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                logger.error("Worker [%s] failed to start; stopping.", process.pid)
                self.should_exit.set()
                return
            logger.info("Worker [%s] died; starting its replacement.", process.pid)
            replacement = self._process(index)
            replacement.start()
            self.processes[index] = replacement

    def handle_ttin(self) -> None:
        """SIGTTIN would add a worker without a socket of its own: ignored."""
        logger.info("SIGTTIN ignored: the worker count is fixed by --workers (one socket each).")

    def handle_ttou(self) -> None:
        """SIGTTOU would leave a socket nobody accepts on: ignored."""
        logger.info("SIGTTOU ignored: the worker count is fixed by --workers (one socket each).")


def usable_cores() -> list[int]:
    """The cores this process may run on, in order (every core where affinity is unknown)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))  # pragma: no cover - Linux has affinity


def pin_to_core(core: int) -> None:
    """Run every thread of this process on ``core`` alone; threads started later inherit it."""
    if not hasattr(os, "sched_setaffinity"):  # pragma: no cover - Linux has affinity
        return
    tasks = Path("/proc/self/task")
    threads = [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [0]
    for thread in threads:
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
            os.sched_setaffinity(thread, {core})


def serve_workers(config: Config, *, balance: bool = True, pin: bool = False) -> None:
    """Run ``config.workers`` API workers on ``config.host``:``config.port`` until a signal.

    ``balance``: the workers keep their keep-alive connections evenly split
    (:mod:`gql.connection_balance`). ``pin``: worker ``i`` runs on usable core ``i`` (modulo
    their number). Raises ``PortUnavailable`` before starting any worker when the port cannot
    be listened on.
    """
    if not hasattr(socket, "SO_REUSEPORT"):  # pragma: no cover - Linux and the BSDs have it
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    sockets = listening_sockets(config.host, config.port, config.workers)
    logger.info(
        "Serving on %s:%d from %d workers, one socket each",
        config.host,
        sockets[0].getsockname()[1],
        config.workers,
    )
    cores = usable_cores() if pin else None
    if cores is not None:
        logger.info(
            "Worker i runs on core i of %s%s",
            ",".join(map(str, cores)),
            "" if config.workers <= len(cores) else " (more workers than cores: some share one)",
        )
    with tempfile.TemporaryDirectory(prefix="visitgis-connections-") as folder:
        counts = None
        if balance:
            counts = Path(folder) / "counts"
            SharedCounts.create(counts, config.workers)
        try:
            ReusePortSupervisor(config, sockets, counts, cores).run()
        finally:
            for sock in sockets:
                sock.close()
