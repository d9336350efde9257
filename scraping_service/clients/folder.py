"""The folder source: recorded response files (*.json, *.json.gz) below a directory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".json", ".json.gz")


@dataclass(frozen=True)
class FolderFile:
    """A candidate file; a sub-directory's name is its area unless the file says otherwise."""

    path: str
    absolute: Path
    size: int
    sha256: str
    area: str | None


def scan(root: Path, max_bytes: int) -> list[FolderFile]:
    """Every response file below `root` (hidden and oversized files are skipped), sorted."""
    found = []
    for path in sorted(candidate for candidate in root.rglob("*") if candidate.is_file()):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if not path.name.endswith(SUFFIXES) or path.stat().st_size > max_bytes:
            continue
        area = relative.parts[0] if len(relative.parts) > 1 else None
        found.append(
            FolderFile(relative.as_posix(), path, path.stat().st_size, _sha256(path), area)
        )
    return found


def read_bytes(found: FolderFile) -> bytes:
    """The file's content (OSError when it went away or cannot be read)."""
    return found.absolute.read_bytes()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
