"""Reading a file where it can be abandoned: a forked child with a wall-clock
timeout and an address-space limit.

PDFium parses a page's content (nested form XObjects and all) in C, where no
Python check can interrupt it; a hostile 3 KB PDF can keep it busy for ever.
So every file of a container format is read in a child process: the child
sets ``RLIMIT_AS`` on itself, reads the file, and sends the Document (or the
Unreadable) back through a pipe; the parent waits at most ``timeout_s``, then
kills the child and reports the file as unreadable with a plain reason. The
rest of the folder goes on, and the app can always quit: the scan's
``cancelled`` kills the child at once, Ctrl-C too, and a child whose parent
was killed ends by its CPU-time limit (``RLIMIT_CPU``, just above the
timeout).

Forking costs about 2 ms (measured with the scan's modules loaded), so small
text files are still read in the process itself: their decoding is linear in
their size, which ``max_file_mb`` bounds.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from shenyue.config import ReadLimits
from shenyue.reading.base import Document, Unreadable

# Formats whose readers are not linear in the file's size, or run native code.
GUARDED_EXTENSIONS = frozenset({".pdf", ".docx", ".htm", ".html", ".mhtml", ".mht"})

_PRELOAD = {".pdf": ("pypdfium2", "pypdfium2.raw")}


def can_fork() -> bool:
    return hasattr(os, "fork")


def read_guarded(
    path: Path,
    rel: str,
    limits: ReadLimits,
    read: Callable[[Path, str, ReadLimits], Document | Unreadable],
    module: str,
    cancelled: Callable[[], bool] | None = None,
) -> Document | Unreadable:
    """``read(path, rel, limits)`` run in a child process, bounded in time and memory.

    ``cancelled`` is asked a few times a second while the child reads: when it
    says True (the reviewer quits), the child is killed at once."""
    # Import the reader before forking, so each child does not import it anew.
    import_module(module)
    for name in _PRELOAD.get(path.suffix.lower(), ()):
        try:
            import_module(name)
        except ImportError:
            pass
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process left to fork: read in this process
        os.close(r)
        os.close(w)
        return read(path, rel, limits)
    if pid == 0:  # the child: never returns
        _child(w, r, path, rel, limits, read)
    os.close(w)
    data, timed_out = b"", True
    try:
        data, timed_out = _collect(r, limits.timeout_s, cancelled)
    finally:  # also on Ctrl-C in the parent: the child never outlives the read
        os.close(r)
        status = _reap(pid, kill=timed_out)
    if timed_out and cancelled is not None and cancelled():
        return Unreadable(path, rel, "read_cancelled")
    if timed_out:
        return Unreadable(path, rel, "read_timeout", {"seconds": f"{limits.timeout_s:g}"})
    try:
        outcome = pickle.loads(data) if data else None
    except Exception:
        outcome = None
    if isinstance(outcome, (Document, Unreadable)):
        return outcome
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
        # the usual ends of a native allocation refused by RLIMIT_AS
        return Unreadable(path, rel, "read_memory", {"limit_mb": limits.memory_mb})
    detail = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit status {os.WEXITSTATUS(status)}"
    return Unreadable(path, rel, "read_crashed", {"detail": detail})


def _child(w: int, r: int, path: Path, rel: str, limits: ReadLimits, read) -> None:
    code = 0
    try:
        os.close(r)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child with the parent
        limit = limits.memory_mb * 1024 * 1024
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass
        try:  # CPU time never exceeds wall time: a child orphaned by a killed parent still ends
            cpu = int(limits.timeout_s) + 5
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        except (ValueError, OSError):
            pass
        try:
            outcome = read(path, rel, limits)
        except MemoryError:
            outcome = Unreadable(path, rel, "read_memory", {"limit_mb": limits.memory_mb})
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(Unreadable(path, rel, "read_memory", {"limit_mb": limits.memory_mb}))
        view = memoryview(payload)
        while view:
            n = os.write(w, view[:1 << 20])
            view = view[n:]
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        code = 1
    finally:
        os._exit(code)


def _collect(fd: int, timeout_s: float, cancelled: Callable[[], bool] | None) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe, or (b"", True) after
    ``timeout_s`` or once ``cancelled()``."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or (cancelled is not None and cancelled()):
            return b"", True
        try:
            ready, _, _ = select.select([fd], [], [], min(left, 0.2) if cancelled is not None else left)
        except InterruptedError:
            continue
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _reap(pid: int, kill: bool) -> int:
    """The child's exit status; it is killed first when it is to be abandoned."""
    try:
        if kill:
            os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    except (ChildProcessError, ProcessLookupError):
        return 0
