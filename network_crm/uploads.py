"""Files under MEDIA_ROOT that live only as long as their job (contact imports, restores)."""

import time
from collections.abc import Callable
from pathlib import Path

# A file this young may be an upload whose job is being saved right now.
ORPHAN_GRACE_SECONDS = 3600


def remove_orphan_files(
    root: Path, owned: set[Path], upload_of: Callable[[Path], Path] = lambda path: path
) -> int:
    """Remove the files under `root` older than the grace period whose upload (`upload_of`
    the file: itself, or the one it was written beside) is not in `owned`; then the folders
    they leave empty. Returns how many files were removed."""
    if not root.is_dir():
        return 0
    cutoff = time.time() - ORPHAN_GRACE_SECONDS
    removed = 0
    for path in list(root.rglob("*")):
        if not path.is_file() or upload_of(path) in owned:
            continue
        try:
            if path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            pass
    return removed
