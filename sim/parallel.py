"""Process pools whose workers die with their parent.

geosim runs replications (the mesa path of ``geosim run``) and sweep chunks in pools
of worker processes started by a ``forkserver``: mesa 3.3 forces the ``spawn``
start method at import, and a fork server starts each worker from a process that
has already imported geosim.  The workers of such a pool are children of the fork
server, not of the process that made the pool, so a parent killed by SIGKILL would
leave them (and the server) running; every worker of :func:`pool` therefore runs a
daemon thread that watches the parent and ends the worker within
:data:`PARENT_POLL_S` of its death.  The fork server exits by itself once no process
holds its end of the pipe.

Workers ignore SIGINT: a Ctrl-C at a terminal reaches every process of the
foreground group, and only the parent should answer it (with one line, not one
traceback per worker).  When the block of a :class:`Pool` raises (an error, or the
parent's Ctrl-C), its workers are stopped at once instead of finishing every queued
task.

May import: nothing of geosim.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

PARENT_POLL_S = 0.5
"""How often a pool worker checks that its parent process is still alive (s)."""


def process_token(pid: int) -> str | None:
    """What tells a live process apart from a later one with the same pid: its start time.

    From ``/proc/PID/stat`` where there is one (Linux); None elsewhere, or if the process
    is gone or a zombie.

    Parameters
    ----------
    pid : int
        A process id.

    Returns
    -------
    str or None
        The process's start time (field 22 of ``/proc/PID/stat``, in clock ticks since
        boot) as text, or None.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def parent_alive(pid: int, token: str | None) -> bool:
    """Whether process ``pid``, recorded with ``token`` (:func:`process_token`), still runs.

    Parameters
    ----------
    pid : int
        The process id to watch.
    token : str or None
        Its :func:`process_token` when it was recorded: the process is alive while
        its pid has that same token.  None (no ``/proc``): alive while signal 0 can
        be sent to the pid, which a reused pid would fool.

    Returns
    -------
    bool
        True while the process runs.
    """
    if token is not None:
        return process_token(pid) == token
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_with_parent(pid: int, token: str | None) -> None:
    while parent_alive(pid, token):
        time.sleep(PARENT_POLL_S)
    os._exit(1)  # no cleanup: the parent that would collect the results is gone


def _start(parent: int, token: str | None, initializer: Callable | None, args: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent answers Ctrl-C
    watcher = threading.Thread(
        target=_exit_with_parent, args=(parent, token), name="geosim-parent-watch", daemon=True
    )
    watcher.start()
    if initializer is not None:
        initializer(*args)


class Pool(ProcessPoolExecutor):
    """A process pool whose workers are stopped, not waited for, when its block raises.

    ``ProcessPoolExecutor.__exit__`` waits for every queued task, so that an error or a
    Ctrl-C in the parent would wait for the whole remaining work; this pool cancels
    the queued tasks and terminates its workers instead (:meth:`terminate`).
    """

    def __exit__(self, exc_type, exc_val, exc_tb):
        """Shut down normally, or :meth:`terminate` if the block raised."""
        if exc_type is None:
            return super().__exit__(exc_type, exc_val, exc_tb)
        self.terminate()
        return False

    def terminate(self) -> None:
        """Cancel the queued tasks and terminate the workers (SIGTERM), then reap them.

        A task cut short this way leaves at most a temporary file of an atomic write
        behind (:func:`sim.analysis.store.atomic_parquet`).
        """
        processes = list((getattr(self, "_processes", None) or {}).values())
        self.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


def pool(workers: int, initializer: Callable[..., Any] | None = None, initargs: tuple = ()) -> Pool:
    """A process pool of ``workers`` forkserver workers that exit when this process dies.

    ``initializer(*initargs)`` runs once in each worker (e.g. to install the data every
    task shares), after the parent watch has started.

    Parameters
    ----------
    workers : int
        Most worker processes.
    initializer : callable, optional
        Run once in each worker as ``initializer(*initargs)``.
    initargs : tuple
        Arguments of ``initializer``; they must pickle.

    Returns
    -------
    Pool
        The pool (a ``concurrent.futures.ProcessPoolExecutor``); use it as a context
        manager so that its workers are shut down, or terminated if the block raises.
    """
    me = os.getpid()
    return Pool(
        max_workers=workers,
        mp_context=mp.get_context("forkserver"),
        initializer=_start,
        initargs=(me, process_token(me), initializer, initargs),
    )
