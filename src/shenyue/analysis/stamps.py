"""Code stamps: digests of the package's own modules (sizes and mtimes) that key the caches.

Kept apart from the caches themselves so that a command can compute them without importing numpy or the
checks (the output memo of ``shenyue scan`` does, before it knows whether anything must run).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """Changes whenever the code that shapes the cached data changes (sizes and mtimes of its modules).

    Computed once per process: the code a process runs does not change under it.
    """
    import shenyue

    # with their subpackages (model/tables/); scan.build_report: unit, year, chrome
    stamp = tree_stamp(
        ("analysis/similarity", "model", "reading"), ("data/statutory.toml", "data/t2s.txt", "analysis/scan.py")
    )
    return hashlib.blake2b((getattr(shenyue, "__version__", "") + stamp).encode(), digest_size=10).hexdigest()


def tree_stamp(folders: tuple[str, ...], files: tuple[str, ...] = ()) -> str:
    """A digest of the sizes and mtimes of the package's modules under ``folders`` and of ``files``."""
    import shenyue

    base = Path(shenyue.__file__).parent
    parts = []
    for sub in folders:
        for folder, dirs, names in sorted(os.walk(base / sub)):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
            for name in sorted(p for p in names if p.endswith((".py", ".toml", ".txt"))):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                rel = os.path.relpath(os.path.join(folder, name), base)
                parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
    for name in files:
        try:
            st = os.stat(base / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            pass
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=10).hexdigest()
