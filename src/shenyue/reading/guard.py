"""Reading a file where it can be abandoned: a forked reader process with a
wall-clock timeout and an address-space limit.

PDFium parses a page's content (nested form XObjects and all) in C, where no
Python check can interrupt it; a hostile 3 KB PDF can keep it busy for ever.
So every file of a container format is read in a reader process: it runs
with ``RLIMIT_AS`` set, reads the file, and sends the Document (or the
Unreadable) back through a pipe; the caller waits at most ``timeout_s``,
then kills the reader and reports the file as unreadable with a plain
reason. The rest of the folder goes on, and the app can always quit: the
scan's ``cancelled`` kills the reader at once, Ctrl-C too, and a reader
whose parent was killed ends by its CPU-time limit (``RLIMIT_CPU``, set to
the time it has used plus the timeout before each file).

The reader is forked once and reused for the next files (one per scanning
process): a fork per file cost 12 ms for a small web page (the fork, and
copy-on-write faults in a fresh child that cannot keep its warm caches),
against well under 1 ms to send a request to a running reader. It is
replaced after a file that killed it, timed out, or ran out of memory.
Plain-text files are read in the calling process: their decoding is linear
in their size, which ``max_file_mb`` bounds.
"""

from __future__ import annotations

import codecs
import os
import pickle
import resource
import select
import signal
import struct
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from shenyue.config import ReadLimits
from shenyue.reading.base import Document, Unreadable

# Formats whose readers are not linear in the file's size, or run native code.
GUARDED_EXTENSIONS = frozenset({".pdf", ".docx", ".htm", ".html", ".mhtml", ".mht"})

_PRELOAD = {".pdf": ("pypdfium2", "pypdfium2.raw")}
_CODECS = ("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "utf-16", "utf-32", "hz", "iso2022_jp", "cp1252", "latin-1")
_HEADER = struct.Struct("!Q")
_PROGRESS = struct.Struct("!II")  # a progress message: b"P" + (done, total), e.g. OCR pages

Reader = Callable[[Path, str, ReadLimits], "Document | Unreadable"]


def can_fork() -> bool:
    return hasattr(os, "fork")


class _Process:
    """A running reader: its pid, the pipe to send requests on, the pipe to read results from."""

    def __init__(self, read: Reader, key: tuple[int, str]):
        self.owner = os.getpid()
        self.key = key
        memory_mb = key[0]
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the reader: never returns
            os.close(req_w)
            os.close(res_r)
            _serve(req_r, res_w, read, memory_mb)
        os.close(req_r)
        os.close(res_w)
        self.pid, self.requests, self.results = pid, req_w, res_r

    def close(self, kill: bool) -> int:
        """End the reader (killed, or told by the closed pipe) and return its exit status."""
        for fd in (self.requests, self.results):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.owner != os.getpid():
            return 0  # a copy inherited by a forked worker: the reader is not ours to wait for
        try:
            if kill:
                os.kill(self.pid, signal.SIGKILL)
            return os.waitpid(self.pid, 0)[1]
        except (ChildProcessError, ProcessLookupError):
            return 0


_process: _Process | None = None


def _reader(read: Reader, memory_mb: int) -> _Process:
    """The running reader, started anew when there is none, when it was
    inherited from the process this one was forked from, or when the memory
    limit or the cache folder (an environment setting) changed."""
    from shenyue.paths import cache_dir  # noqa: PLC0415

    global _process
    key = (memory_mb, str(cache_dir()))
    if _process is not None and (_process.owner != os.getpid() or _process.key != key):
        stop_reader()
    if _process is None:
        _process = _Process(read, key)
    return _process


def stop_reader() -> None:
    """End the reader process, if any (the next guarded read starts a new one)."""
    global _process
    if _process is not None:
        _process.close(kill=_process.owner == os.getpid())
        _process = None


def read_guarded(
    path: Path,
    rel: str,
    limits: ReadLimits,
    read: Reader,
    module: str,
    cancelled: Callable[[], bool] | None = None,
) -> Document | Unreadable:
    """``read(path, rel, limits)`` run in the reader process, bounded in time and memory.

    ``cancelled`` is asked a few times a second while the reader works: when
    it says True (the reviewer quits), the reader is killed at once."""
    global _process
    # Import the reader before forking, so a new reader process has it already (and the codecs
    # a page may name, so the reader never needs to import one near its memory limit).
    import_module(module)
    for codec in _CODECS:
        try:
            codecs.lookup(codec)
        except LookupError:
            pass
    for name in _PRELOAD.get(path.suffix.lower(), ()):
        try:
            import_module(name)
        except ImportError:
            pass
    try:
        process = _reader(read, limits.memory_mb)
    except OSError:  # no process left to fork: read here
        return read(path, rel, limits)
    request = pickle.dumps((path, rel, limits), protocol=pickle.HIGHEST_PROTOCOL)
    outcome: object = None
    done = False
    try:
        try:
            _write_all(process.requests, _HEADER.pack(len(request)) + request)
            data, timed_out = _collect(process.results, limits.timeout_s, cancelled, _ParentProgress())
        except OSError:  # the reader is gone (broken pipe)
            data, timed_out = None, False
        if data is not None:
            try:
                outcome = pickle.loads(data)
            except Exception:
                outcome = None
        done = isinstance(outcome, (Document, Unreadable))
    finally:  # also on Ctrl-C here: a reader left mid-file is ended
        if not done or (isinstance(outcome, Unreadable) and outcome.reason_key == "read_memory"):
            status = process.close(kill=True if not done else False)
            _process = None
        else:
            status = 0
    if done:
        return outcome  # type: ignore[return-value]
    if timed_out and cancelled is not None and cancelled():
        return Unreadable(path, rel, "read_cancelled")
    if timed_out:
        return Unreadable(path, rel, "read_timeout", {"seconds": f"{limits.timeout_s:g}"})
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (
        signal.SIGSEGV,
        signal.SIGABRT,
        signal.SIGBUS,
        signal.SIGKILL,
    ):
        # the usual ends of a native allocation refused by RLIMIT_AS
        return Unreadable(path, rel, "read_memory", {"limit_mb": limits.memory_mb})
    detail = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit status {os.WEXITSTATUS(status)}"
    return Unreadable(path, rel, "read_crashed", {"detail": detail})


# ---------------------------------------------------------------- the reader process


def _serve(requests: int, results: int, read: Reader, memory_mb: int) -> None:
    """Read files as they are asked for until the request pipe closes; never returns."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the reader with its parent
        # A native library that runs out of memory prints its last words (std::bad_alloc,
        # a fault handler's dump): not onto the reviewer's terminal or the app's screen.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
        # the limit is on top of what the process already maps (a parent that loaded a large
        # native library must not leave the reader without room to import a codec)
        _set_limit(resource.RLIMIT_AS, _mapped_bytes() + memory_mb * 1024 * 1024)
        current: dict[str, float] = {"timeout_s": 60.0}

        def progress(done: int, total: int) -> None:
            # a long OCR run reports each page: the CPU limit and the parent's wait restart per page
            used = resource.getrusage(resource.RUSAGE_SELF)
            _set_limit(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + current["timeout_s"]) + 5)
            _write_all(results, _HEADER.pack(_PROGRESS.size + 1) + b"P" + _PROGRESS.pack(done, total))

        from shenyue.reading import ocr

        ocr.set_progress(progress)
        while True:
            head = _read_exact(requests, _HEADER.size)
            if head is None:
                break  # the parent is gone or done
            payload = _read_exact(requests, _HEADER.unpack(head)[0])
            if payload is None:
                break
            path, rel, limits = pickle.loads(payload)
            current["timeout_s"] = limits.timeout_s
            used = resource.getrusage(resource.RUSAGE_SELF)
            _set_limit(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + limits.timeout_s) + 5)
            try:
                outcome = read(path, rel, limits)
            except MemoryError:
                outcome = Unreadable(path, rel, "read_memory", {"limit_mb": memory_mb})
            try:
                blob = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                outcome = Unreadable(path, rel, "read_memory", {"limit_mb": memory_mb})
                blob = pickle.dumps(outcome)
            _write_all(results, _HEADER.pack(len(blob)) + blob)
            if isinstance(outcome, Unreadable) and outcome.reason_key == "read_memory":
                break  # a heap that ran out is not reused
    except BaseException:  # noqa: BLE001 - the reader must never return into its parent's code
        code = 1
    finally:
        os._exit(code)


def _mapped_bytes() -> int:
    """Virtual memory this process maps now (0 when the system does not say)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _set_limit(kind: int, value: int) -> None:
    try:
        soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, hard))
    except (ValueError, OSError):
        pass


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[: 1 << 20]) :]


class _ParentProgress:
    """Pages the reader reports (OCR), passed on to whoever reports OCR progress in this process."""

    def __init__(self) -> None:
        self.report: Callable[[int, int], None] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.report is None:
            from shenyue.reading import ocr

            self.report = ocr.progress_reporter()
        self.report(done, total)


def _collect(
    fd: int,
    timeout_s: float,
    cancelled: Callable[[], bool] | None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes | None, bool]:
    """One length-prefixed result from the reader: ``(data, False)``; ``(None, True)``
    after ``timeout_s`` without a result or a progress message, or once ``cancelled()``;
    ``(None, False)`` when the reader died. Progress messages (``P`` + done, total) go to
    ``on_progress`` and restart the wait: ``timeout_s`` bounds the time without progress."""
    buffer = bytearray()
    need = _HEADER.size
    deadline = time.monotonic() + timeout_s
    while True:
        if len(buffer) >= need:
            if need == _HEADER.size:
                need += _HEADER.unpack(bytes(buffer[: _HEADER.size]))[0]
                continue
            message = bytes(buffer[_HEADER.size : need])
            if message[:1] == b"P" and len(message) == _PROGRESS.size + 1:
                del buffer[:need]
                need = _HEADER.size
                deadline = time.monotonic() + timeout_s
                if on_progress is not None:
                    on_progress(*_PROGRESS.unpack(message[1:]))
                continue
            return message, False
        left = deadline - time.monotonic()
        if left <= 0 or (cancelled is not None and cancelled()):
            return None, True
        try:
            ready, _, _ = select.select([fd], [], [], min(left, 0.2) if cancelled is not None else left)
        except InterruptedError:
            continue
        if not ready:
            continue
        chunk = os.read(fd, max(need - len(buffer), 1 << 16))
        if not chunk:
            return None, False
        buffer += chunk
