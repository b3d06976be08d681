"""Loads that lose nothing: an on-disk store shows the corpus before a load or after it, never a mix.

Before a load writes, the store is copied beside itself (``STORE.before-load``,
a RocksDB checkpoint: hard links, so it takes a fraction of a second and almost
no space), and a marker (``STORE.before-load.complete``) says the copy is whole.
The load then writes in place; its last step removes the marker, which is the
moment the new corpus counts, then the copy. If the process dies in between —
killed, out of power, out of disk — the next process that opens the store finds
the marker and puts the copy back: the store is as it was before the load.

    >>> checkpoint = Checkpoint(Path("var/store"))
    >>> checkpoint.take(store)        # before the first write
    >>> checkpoint.discard()          # after the last one, once flushed
    >>> checkpoint.recover()          # at open: True if an interrupted load was undone
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

__all__ = ["Checkpoint"]

log = logging.getLogger(__name__)


class Checkpoint:
    """The copy of an on-disk store taken before a load, and what to do with it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.copy = self.path.with_name(self.path.name + ".before-load")
        self.marker = self.path.with_name(self.path.name + ".before-load.complete")
        self.interrupted = self.path.with_name(self.path.name + ".interrupted-load")

    def take(self, store) -> None:
        """Copy ``store`` (open, flushed, at ``path``) beside itself and mark the copy whole."""
        self._remove(self.copy)
        store.backup(str(self.copy))
        with self.marker.open("w", encoding="utf-8") as marker:
            marker.write("cap-ptce load: the store before this load, put back if the load does not end\n")
            marker.flush()
            os.fsync(marker.fileno())
        _sync(self.path.parent)

    def discard(self) -> None:
        """The load ended: the new corpus counts from the marker's removal; then the copy goes."""
        self.marker.unlink(missing_ok=True)
        _sync(self.path.parent)
        self._remove(self.copy)

    def pending(self) -> bool:
        """Whether a load began and did not end."""
        return self.marker.exists()

    def restore(self) -> None:
        """Put the copy back in place of the store (the store must not be open in this process)."""
        if self.path.exists():
            self._remove(self.interrupted)
            self.path.rename(self.interrupted)
        if self.copy.exists():
            self.copy.rename(self.path)
        self.marker.unlink(missing_ok=True)
        _sync(self.path.parent)
        self._remove(self.interrupted)

    def recover(self) -> bool:
        """Undo an interrupted load, if any, and clear what a finished or failed one left; True if undone."""
        undone = self.pending()
        if undone:
            self.restore()
            log.warning("a load of %s did not end: the store is back as it was before that load", self.path)
        self._remove(self.copy)  # a copy without its marker: taken by a load that ended, or half made
        self._remove(self.interrupted)
        return undone

    @staticmethod
    def _remove(folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)


def _sync(folder: Path) -> None:
    """Make a rename or an unlink in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
