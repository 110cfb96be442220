"""Each report's JSON as the last ``shenyue scan --json`` of a folder printed it, kept for the next run.

After one file of 10,000 changed, the output memo (:mod:`.output_memo`) no longer holds and the scan runs,
but the JSON of nearly every report is the same text as last time: making it again (188,000 findings'
messages, formatted and encoded, and 10,000 copy summaries) took over a second. So each report's JSON is
kept in two fragments, and the next run prints a fragment again when everything it was made from is the
same:

* the report up to and including its findings, found by a digest (:func:`~shenyue.cli.scan.fragment_inputs`)
  of the base (the command, its options, the folder, the language, the report cache's stamp and
  settings, the code's stamp: any change of code or catalogue makes every fragment new), the report's
  path, the sha256 of its bytes (with the base, the cached analysis it was loaded from), the fields the
  folder steps set (unit, year, kind) and every cross-report finding it got;
* its copy summary, found by the copy index's run and the report's path: a summary the similarity cache
  kept unchanged from an earlier run (:mod:`shenyue.analysis.similarity.summaries`) prints as that run's
  did, under the same common-wording threshold.

The run also keeps its ledger as a fragment (:mod:`.scan_light`): what each report printed was made from,
so that the next run need not load a report to know its JSON is the same.

The file (``cache_dir()/output/<memo name>.frags``, beside its memo) holds the base, then entries of a
16-byte key, a length and UTF-8 text, and a keyed blake2b MAC of all of it (the report cache's secret).
It is checked whole before any fragment is used; one that is damaged, truncated or of another base is
not used. A run writes the fragments it printed to a temporary file and renames it into place once the
whole JSON was written, so a killed run leaves the last good file.

The last file is checked in a thread while the reports load (:meth:`Fragments.open` with ``background``),
and the new one is summed and written by a thread, a megabyte at a time (hashing and writing leave the
interpreter lock): at 10,000 reports, 53 MB each way.
"""

from __future__ import annotations

import hashlib
import hmac
import mmap
import os
import queue
import struct
import threading
from pathlib import Path

from shenyue.analysis.report_cache import abandon
from shenyue.fsutil import hand_back

MAGIC = b"SHENYUE-FRAGMENTS-1\n"
MAC_SIZE = 32
BASE_SIZE = 32
KEY_SIZE = 16
HEAD = len(MAGIC) + MAC_SIZE + BASE_SIZE
LENGTH = struct.Struct("<I")
ENTRY = KEY_SIZE + LENGTH.size
MAX_FILE = 2 << 30  # a larger file is not read (a folder of 100,000 reports makes about 500 MB)
RELEASE = 32 << 20  # the file's pages read so far go back to the file cache every this many bytes
BLOCK = 1 << 22
FLUSH = 1 << 20  # fragments put are handed to the writer thread in pieces of about this size
IN_FLIGHT = 8  # pieces waiting for the writer at most
SUFFIX = ".frags"


class Fragments:
    """The last run's fragments of one memo's command on one folder, and the file this run writes."""

    def __init__(self, path: Path, secret: bytes, base: bytes) -> None:
        self.path = path
        self.secret = secret
        self.base = base
        self.old: dict[bytes, tuple[int, int]] = {}  # key -> (offset, length) in the last file
        self._map: mmap.mmap | None = None
        self._released = 0  # the pages before this offset were handed back (fragments are read in order)
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        self.writer: _Writer | None = None
        self.failed = False  # writing failed or was given up: no file this run
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._loading: threading.Thread | None = None

    @classmethod
    def open(cls, path: Path, secret: bytes, base: bytes, *, background: bool = False) -> Fragments:
        """The fragments at ``path`` when the file is whole, vouched for by its MAC and of ``base``; none
        otherwise (every report's JSON is made again). With ``background`` the file is checked in a
        thread; the first :meth:`get` waits for it."""
        fragments = cls(path, secret, base)
        if background:
            fragments._loading = threading.Thread(target=fragments._load, name="shenyue-fragments", daemon=True)
            fragments._loading.start()
        else:
            fragments._load()
        return fragments

    def _loaded(self) -> None:
        if self._loading is not None:
            self._loading.join()
            self._loading = None

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < HEAD or size > MAX_FILE:
                    return
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return
        view = memoryview(data)
        try:
            ok = (
                data[: len(MAGIC)] == MAGIC
                and data[len(MAGIC) + MAC_SIZE : HEAD] == self.base
                and hmac.compare_digest(data[len(MAGIC) : len(MAGIC) + MAC_SIZE], self._mac_of(view[len(MAGIC) + MAC_SIZE :]))
            )  # fmt: skip
            old: dict[bytes, tuple[int, int]] = {}
            at = HEAD
            while ok and at < size:
                if at + ENTRY > size:
                    ok = False
                    break
                key = data[at : at + KEY_SIZE]
                (length,) = LENGTH.unpack_from(data, at + KEY_SIZE)
                at += ENTRY
                if at + length > size:
                    ok = False
                    break
                old[key] = (at, length)
                at += length
        finally:
            view.release()
        if not ok:
            data.close()
            return
        self.old = old
        self._map = data

    def _mac_of(self, body: memoryview) -> bytes:
        mac = hashlib.blake2b(key=self.secret, digest_size=MAC_SIZE)
        for i in range(0, len(body), BLOCK):
            mac.update(body[i : i + BLOCK])
        return mac.digest()

    def key(self, inputs: str) -> bytes:
        """The key of a fragment made from ``inputs`` (see :func:`shenyue.cli.scan.fragment_inputs`)."""
        return hashlib.blake2b(self.base + inputs.encode("utf-8", "surrogatepass"), digest_size=KEY_SIZE).digest()

    def has(self, key: bytes) -> bool:
        """Whether the last run kept a fragment of ``key``."""
        self._loaded()
        return self._map is not None and key in self.old

    def get(self, key: bytes) -> str | None:
        """The last run's fragment of ``key``; None when there is none (or it does not decode)."""
        data = self.get_bytes(key)
        if data is None:
            return None
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None

    def get_bytes(self, key: bytes) -> bytes | None:
        """:meth:`get` as the file holds it (UTF-8), not decoded."""
        self._loaded()
        found = self.old.get(key)
        if found is None or self._map is None:
            return None
        at, length = found
        data = self._map[at : at + length]
        if at - self._released > RELEASE:  # the process does not keep the whole file's pages (500 MB at 100,000)
            self._released = hand_back(self._map, self._released, at)
        return data

    def put(self, key: bytes, text: str) -> None:
        """Keep ``text`` as the fragment of ``key`` for the next run (in the file :meth:`commit` keeps)."""
        if not self.failed:
            self.put_bytes(key, text.encode("utf-8", "surrogatepass"))

    def put_bytes(self, key: bytes, data: bytes) -> None:
        """:meth:`put` of a fragment's UTF-8 bytes."""
        if self.failed:
            return
        self._pending += (key + LENGTH.pack(len(data)), data)
        self._pending_size += ENTRY + len(data)
        if self._pending_size >= FLUSH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        piece = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        if self.writer is None:
            self.writer = _Writer(self.tmp, self.secret, self.base)
        self.writer.pieces.put(piece)

    def commit(self) -> None:
        """The fragments put this run become the file the next run reads (once the JSON was written whole)."""
        self.close_old()
        if self.failed:
            return
        self._flush()
        writer, self.writer = self.writer, None
        if writer is None:
            return
        handle = writer.finish()
        if handle is None:
            self.failed = True
            return
        try:
            handle.seek(len(MAGIC))
            handle.write(writer.mac.digest())
            handle.seek(0)
            handle.write(MAGIC)
            handle.close()
            os.replace(self.tmp, self.path)
        except OSError:
            abandon(handle, str(self.tmp))
            self.failed = True

    def discard(self) -> None:
        """Nothing of this run is kept (an error, a closed pipe); the last file stays."""
        self.close_old()
        self.failed = True
        self._pending, self._pending_size = [], 0
        writer, self.writer = self.writer, None
        if writer is not None:
            handle = writer.finish()
            if handle is not None:
                abandon(handle, str(self.tmp))

    def close_old(self) -> None:
        self._loaded()
        if self._map is not None:
            self._map.close()
            self._map = None
        self.old = {}


class _Writer(threading.Thread):
    """Sums and writes the new file's pieces as they come (a full disk ends the file, not the run)."""

    def __init__(self, tmp: Path, secret: bytes, base: bytes) -> None:
        super().__init__(name="shenyue-fragments-writer", daemon=True)
        self.tmp, self.base = tmp, base
        self.mac = hashlib.blake2b(key=secret, digest_size=MAC_SIZE)
        self.pieces: queue.Queue[bytes | None] = queue.Queue(IN_FLIGHT)
        self.handle = None
        self.failed = False
        self.start()

    def run(self) -> None:
        try:
            self.handle = open(self.tmp, "xb")  # noqa: SIM115 (closed by the commit or the discard)
            self.handle.write(bytes(len(MAGIC) + MAC_SIZE) + self.base)
            self.mac.update(self.base)
        except OSError:
            self.failed = True
        while (piece := self.pieces.get()) is not None:
            if self.failed:
                continue  # taken and dropped: the run goes on
            try:
                self.handle.write(piece)
            except OSError:
                self.failed = True
                continue
            self.mac.update(piece)

    def finish(self):
        """The file, written whole and still open; None when writing failed (what was made is removed)."""
        self.pieces.put(None)
        self.join()
        if self.failed:
            if self.handle is not None:
                abandon(self.handle, str(self.tmp))
            return None
        return self.handle
