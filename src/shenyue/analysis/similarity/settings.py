"""Engine settings; every one of them is part of the cache key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from shenyue.model.normalize import NORMALIZE_VERSION

ENGINE_VERSION = 3  # bump when fingerprints, spans or cached entries change meaning (2: paragraph-level masking, statutory anywhere; 3: entries keep their non-prose spans)


@dataclass(frozen=True, slots=True)
class Settings:
    k: int = 10  # characters per k-gram (a Chinese character carries about a Latin word's weight)
    w: int = 5  # winnowing window: every shared run of >= k + w - 1 characters is seen
    gap: int = 12  # shared stretches closer than this many characters merge (a changed number or name)
    min_len: int = 20  # shorter merged spans are dropped (matching-copy characters)
    snap: int = 3  # span edges move to a clause start / sentence end at most this many characters away
    short_line: int = (
        30  # pieces (paragraphs, headings, table rows) shorter than this without sentence punctuation are masked
    )
    simplify: bool = True  # Traditional -> Simplified before matching

    def key(self, statutory_digest: str = "") -> str:
        """A short digest of these settings, the engine version and the statutory list."""
        data = asdict(self) | {
            "engine": ENGINE_VERSION,
            "normalize": NORMALIZE_VERSION,
            "statutory": statutory_digest,
        }
        blob = json.dumps(data, sort_keys=True).encode()
        return hashlib.blake2b(blob, digest_size=12).hexdigest()


DEFAULT = Settings()
