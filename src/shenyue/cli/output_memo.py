"""A command's printed output, kept for the next run of the same command on a folder that has not changed.

A warm ``shenyue scan`` of 10,000 unchanged reports still loads every cached report, finds the copies and
runs the cross-report checks only to print what it printed last time (about 3 s). When nothing it depends
on has changed, the memo prints the same characters again instead.

The memo's key is a digest of everything the output depends on:

* the command and its options as given (``--json``, ``--only``, ``--no-similar``, ``--max-size``), the
  folder as given and as resolved, the language, and the settings (the whole config file's data);
* the code: the sizes and mtimes of every module of the package and the report cache's stamp (the
  Python version and the reading libraries' versions);
* every file of the folder as the scan walks it: each report's path and the sha256 of its bytes (from the
  report cache's stat memo: a file whose size, times and inode are unchanged is not read again), the
  files of other types by name, what the walk skipped (links, special files) and why;
* the folder's units.toml, and statutory.toml in the folder and in the config folder (the copy index's
  common wording), byte for byte.

Output is memoised only when it cannot depend on anything else: every report file was read (a file left
unreadable by a time or memory limit may read next time), units.toml was usable, and the output was
written whole. A file that could not be hashed, ``--no-cache``, or a cache folder others can write to
means no memo at all.

The memo file (``cache_dir()/output/<name>.memo``, one per folder, command, options and language) holds
the key and a keyed blake2b MAC of key and output (the report cache's secret). It is written to a
temporary file and renamed into place, so a run killed midway leaves nothing that is trusted; a file whose
key differs, that is truncated or that fails its MAC is not used. At most :data:`MAX_MEMOS` memo files
and :data:`MAX_TOTAL` bytes are kept, the least recently used going first. Beside a JSON memo, the
reports' JSON fragments (:mod:`.json_fragments`) let a run after an edit print the reports the edit did not
touch without making their JSON again; they go with their memo.
"""

from __future__ import annotations

import codecs
import hashlib
import hmac
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from shenyue.analysis.report_cache import ReportCache, _unlink, _user_owns, abandon, output_root
from shenyue.cli.json_fragments import SUFFIX as FRAGMENTS_SUFFIX
from shenyue.cli.json_fragments import Fragments
from shenyue.model.units import UNITS_FILE
from shenyue.paths import config_dir
from shenyue.reading import FolderListing, relative

MAGIC = b"SHENYUE-OUTPUT-1\n"
KEY_SIZE = 32
MAC_SIZE = 32
HEAD = len(MAGIC) + KEY_SIZE + MAC_SIZE
BLOCK = 1 << 22  # bytes read or written at a time
MAX_MEMOS = 8  # memo files kept (all folders and commands)
MAX_TOTAL = 2 << 30  # their bytes together
STALE_TEMP = 3600  # a temporary file older than this was left by a killed run
STATUTORY_FILE = "statutory.toml"  # the copy index's common wording (analysis/similarity/statutory.py)


def memo_root() -> Path:
    return output_root()  # `shenyue cache` counts and clears it with the rest


class OutputMemo:
    """The memo of one command on one folder: :meth:`replay` what was printed, or :meth:`recorder` it."""

    def __init__(
        self, path: Path, key: bytes, store: ReportCache, reports: int, listing: FolderListing, base: bytes = b""
    ) -> None:
        self.path = path
        self.key = key
        self.base = base  # the digest of the command, options, folder, language and code: not of the files
        self.secret = store.secret
        self.reports = reports  # report files in the folder (each must have been read for a memo)
        # the walk the key was made of and the report cache that hashed its files, still open: the scan that
        # follows a miss walks, loads the stat memo and hashes nothing again (it closes the cache); a hit
        # closes it (:meth:`replay`), keeping the digests just computed
        self.listing = listing
        self.store = store

    @classmethod
    def open(cls, command: str, folder: Path, options: object, store: ReportCache, max_bytes: int) -> OutputMemo | None:
        """The memo for ``command`` with ``options`` (a repr-able value) on ``folder``; None when the folder's
        inputs cannot all be vouched for or the memo folder is not safe. ``store`` is the report cache of
        the scan's settings (its stamp, its secret and its stat memo); it is closed here when there is no
        memo, and otherwise handed on as :attr:`store`."""
        from shenyue.analysis.stamps import tree_stamp
        from shenyue.i18n import current_language

        root = memo_root()
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            root = None
        if root is None or not _user_owns(root):
            store.close()
            return None
        head = "\x1f".join((command, repr(options), os.fspath(folder), os.path.realpath(folder), current_language()))
        key = hashlib.blake2b(digest_size=KEY_SIZE)
        key.update(MAGIC + head.encode("utf-8", "surrogatepass"))
        key.update(f"\x1e{store.prefix}\x1e{tree_stamp(('',))}".encode())
        base = key.copy().digest()
        listing = FolderListing.walk(folder)
        reports = 0
        for path, supported in listing.files:
            rel = relative(path, folder)
            if supported:
                sha = store.file_digest(path, max_bytes)
                if sha is None:
                    store.close()
                    return None
                listing.digests[path] = sha
                reports += 1
                key.update(f"\x1ef\x1f{rel}\x1f{sha}".encode("utf-8", "surrogatepass"))
            else:
                key.update(f"\x1eo\x1f{rel}".encode("utf-8", "surrogatepass"))
        for u in listing.skipped:
            key.update(f"\x1es\x1f{u.rel}\x1f{u.reason_key}\x1f{sorted(u.params.items())!r}".encode(
                "utf-8", "surrogatepass"))  # fmt: skip
        extra = [_file_digest(Path(folder) / UNITS_FILE)]
        extra += [_file_digest(place / STATUTORY_FILE) for place in (config_dir(), Path(folder))]
        if None in extra:
            store.close()
            return None
        key.update(b"\x1eu" + b"".join(extra))
        name = hashlib.blake2b(head.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return cls(root / f"{name}.memo", key.digest(), store, reports, listing, base)

    # ------------------------------------------------------------ reading

    def replay(self, out: TextIO) -> bool:
        """Write the memoised output to ``out`` and return True (the report cache is closed: no scan
        follows); False (nothing written) when there is no memo for this key, or it is damaged."""
        if not self._replay(out):
            return False
        self.store.close()
        return True

    def _replay(self, out: TextIO) -> bool:
        try:
            with open(self.path, "rb") as handle:
                head = handle.read(HEAD)
                if len(head) != HEAD or not head.startswith(MAGIC):
                    return False
                if not hmac.compare_digest(head[len(MAGIC) : len(MAGIC) + KEY_SIZE], self.key):
                    return False
                mac = hashlib.blake2b(self.key, key=self.secret, digest_size=MAC_SIZE)
                while block := handle.read(BLOCK):  # checked whole before anything is written
                    mac.update(block)
                if not hmac.compare_digest(head[len(MAGIC) + KEY_SIZE :], mac.digest()):
                    return False
                handle.seek(HEAD)
                sink = byte_sink(out)
                if sink is not None:  # a UTF-8 stream: the bytes as they are (neither decoded nor encoded)
                    while block := handle.read(BLOCK):
                        sink(block)
                    return self._used()
                decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
                while block := handle.read(BLOCK):
                    out.write(decoder.decode(block))
                out.write(decoder.decode(b"", final=True))
        except (OSError, UnicodeDecodeError):
            return False
        return self._used()

    def _used(self) -> bool:
        now = time.time()
        try:
            os.utime(self.path, (now, now))  # recently used
        except OSError:
            pass
        return True

    # ------------------------------------------------------------ writing

    def recorder(self, out: TextIO) -> Recorder:
        return Recorder(self, out)

    def fragments(self) -> Fragments:
        """The reports' JSON fragments of this command's last run on the folder (:mod:`.json_fragments`),
        checked in a thread (the first fragment asked for waits for it)."""
        return Fragments.open(self.path.with_suffix(FRAGMENTS_SUFFIX), self.secret, self.base, background=True)


class Recorder:
    """A text stream that writes to ``out`` and into the memo; :meth:`commit` makes the memo, once the
    output was written whole. Without a commit (an error, a closed pipe) nothing is kept. A memo that
    cannot be written (a full disk) costs nothing but the memo."""

    def __init__(self, memo: OutputMemo, out: TextIO) -> None:
        self.memo = memo
        self.out = out
        self.mac = hashlib.blake2b(memo.key, key=memo.secret, digest_size=MAC_SIZE)
        self.size = 0
        self.tmp = memo.path.with_name(f".{memo.path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            self.handle = open(self.tmp, "xb")  # noqa: SIM115 (closed by commit or discard)
            self.handle.write(bytes(HEAD))  # the head is written last
        except OSError:
            self.handle = None

    def write(self, text: str) -> int:
        written = self.out.write(text)
        if self.handle is not None:
            self._keep(text.encode("utf-8", "surrogatepass"))
        return written

    def write_bytes(self, data: bytes) -> None:
        """:meth:`write` of UTF-8 bytes: written to ``out`` as they are when it is a UTF-8 stream."""
        sink = byte_sink(self.out)
        if sink is None:
            self.out.write(data.decode("utf-8", "surrogatepass"))
        else:
            sink(data)
        self._keep(data)

    def _keep(self, data: bytes) -> None:
        if self.handle is None:
            return
        try:
            self.handle.write(data)
            self.mac.update(data)
            self.size += len(data)
            if self.size > MAX_TOTAL // 2:  # one output may not push every other memo out
                self.discard()
        except OSError:
            self.discard()

    def flush(self) -> None:
        self.out.flush()

    def commit(self) -> None:
        if self.handle is None:
            return
        try:
            self.out.flush()  # a closed pipe raises here, before the memo is kept
            self.handle.seek(0)
            self.handle.write(MAGIC + self.memo.key + self.mac.digest())
            self.handle.close()
            self.handle = None
            os.replace(self.tmp, self.memo.path)
        except OSError:
            self.discard()
            return
        prune(keep=self.memo.path.name)

    def discard(self) -> None:
        abandon(self.handle, str(self.tmp))
        self.handle = None


def byte_sink(out: TextIO) -> Callable[[bytes], None] | None:
    """A way to write UTF-8 bytes to the text stream ``out`` as they are (what it buffered written first):
    a :class:`Recorder`'s, or its binary stream's when it encodes UTF-8; None otherwise. Bytes holding a
    lone surrogate go through the stream's text layer, which prints them as its error handler says."""
    write_bytes = getattr(out, "write_bytes", None)
    if write_bytes is not None:
        return write_bytes
    buffer = getattr(out, "buffer", None)
    try:
        utf8 = codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        utf8 = False
    if buffer is None or not utf8:
        return None

    def write(data: bytes) -> None:
        if b"\xed" in data and _SURROGATE.search(data) is not None:
            # a lone surrogate (a file name's undecodable byte): printed as the stream's error handler says
            out.write(data.decode("utf-8", "surrogatepass"))
            return
        out.flush()
        buffer.write(data)

    return write


_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")  # U+D800-U+DFFF encoded with surrogatepass


def _file_digest(path: Path) -> bytes | None:
    """A file the output depends on, byte for byte (units.toml, statutory.toml); a fixed value when there is
    none, None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(1 << 24)
    except FileNotFoundError:
        return bytes(32)
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=32).digest()


def prune(keep: str = "", max_memos: int | None = None, max_total: int | None = None) -> None:
    """At most ``max_memos`` memo files and ``max_total`` bytes, the least recently used going first (never
    ``keep``); temporary files that killed runs left are removed."""
    max_memos = MAX_MEMOS if max_memos is None else max_memos
    max_total = MAX_TOTAL if max_total is None else max_total
    root = memo_root()
    now = time.time()
    memos = []
    fragments: dict[str, tuple[int, str]] = {}  # memo path -> its fragments file's size and path
    try:
        with os.scandir(root) as it:
            for item in it:
                try:
                    st = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                if item.name.endswith(".tmp"):
                    if now - st.st_mtime > STALE_TEMP:
                        _unlink(item.path)
                elif item.name.endswith(".memo"):
                    memos.append((item.name != keep, -st.st_mtime, st.st_size, item.path))
                elif item.name.endswith(FRAGMENTS_SUFFIX):
                    fragments[item.path[: -len(FRAGMENTS_SUFFIX)] + ".memo"] = (st.st_size, item.path)
    except OSError:
        return
    total = 0
    for i, (_, _, size, path) in enumerate(sorted(memos)):
        frag_size, frag_path = fragments.pop(path, (0, None))
        total += size + frag_size
        if i >= max_memos or total > max_total:
            _unlink(path)
            if frag_path is not None:
                _unlink(frag_path)
    for _, orphan in fragments.values():  # its memo is gone (pruned, or never kept)
        _unlink(orphan)
