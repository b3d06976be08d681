"""Download files made once per version of the store and kept on disk, not in the server's memory.

The catalogue states every download's size and checksum, so drawing it makes
every file of the dataset: at 1,000 descriptions they held about 250 MiB of the
server's memory for as long as the store did not change, and the whole
dataset grows with the corpus (a national observatory's would not fit). Each
file is written once into a temporary folder of its own, removed with the site
that made it; a request reads it back from there (the system's page cache
keeps the files that are asked often). Where the folder cannot be written (a
full disk), the bytes stay in memory, as before.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import BinaryIO

from ..validation.processes import hold, orphans

__all__ = ["SpooledFiles"]

log = logging.getLogger(__name__)
_PREFIX = "cap-ptce-downloads-"  # then the pid of the server that made the folder, so a later one can tell


class SpooledFiles:
    """Bytes by key, made once by ``make()`` and kept in a temporary folder."""

    def __init__(self) -> None:
        self._paths: dict[Hashable, Path] = {}
        self._memory: dict[Hashable, bytes] = {}  # what could not be written
        self._lock = threading.Lock()
        # one download made at a time, whichever; re-entered by a making that asks for another download (the
        # catalogue's states each one's size): a plain lock held the suite's catalogue tests for good
        self._making = threading.RLock()
        self._folder: Path | None = None
        self._release: weakref.finalize | None = None

    def get(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The bytes of ``key``: read from its file, or made now (and kept), once, and one download at a time:
        the requests that ask for one meanwhile wait (32 first requests at once for one download wrote 32 copies
        of 5 MB, and the server kept the 1.1 GB they took; 36 for 12 downloads kept 580 MB)."""
        found = self._found(key)
        if found is not None:
            return found
        with self._making:
            found = self._found(key)
            return found if found is not None else self._made(key, make)

    def open(self, key: Hashable, make: Callable[[], bytes]) -> BinaryIO | bytes:
        """The file of ``key``, open for reading (made first when it must be), for a response to stream in chunks:
        a request that read the whole file into memory held it there until its client had taken it, and a few
        addresses asking for the whole dataset without reading took gigabytes. The bytes themselves when they
        could not be written to disk. An open file stays readable even if its name goes meanwhile."""
        for _attempt in range(2):  # a file gone since its name was found is made again, once
            self._ensure(key, make)
            with self._lock:
                path, kept = self._paths.get(key), self._memory.get(key)
            if kept is not None:
                return kept
            try:
                return path.open("rb")
            except (FileNotFoundError, AttributeError):  # gone (a cleaner of /tmp), or forgotten: made again
                with self._lock:
                    if self._paths.get(key) == path:
                        del self._paths[key]
        return self.get(key, make)

    def _ensure(self, key: Hashable, make: Callable[[], bytes]) -> None:
        """Make ``key``'s bytes unless they are kept (on disk or in memory), without reading them back."""
        with self._lock:
            if key in self._paths or key in self._memory:
                return
        with self._making:
            with self._lock:
                if key in self._paths or key in self._memory:
                    return
            self._made(key, make)

    def _found(self, key: Hashable) -> bytes | None:
        """The bytes kept for ``key``; None when there are none, or when their file is gone (a cleaner of old files
        in /tmp, say): the download is then made again, where a server used to answer 500 for good."""
        with self._lock:
            path, kept = self._paths.get(key), self._memory.get(key)
        if kept is not None:
            return kept
        if path is None:
            return None
        try:
            return path.read_bytes()
        except FileNotFoundError:
            log.warning("download's file %s is gone: made again", path)
            with self._lock:
                if self._paths.get(key) == path:
                    del self._paths[key]
            return None

    def _made(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        body = make()
        try:
            self._write(key, body)
        except OSError as exc:
            log.warning("download kept in memory, its file could not be written: %s", exc)
            with self._lock:
                self._memory[key] = body
        return body

    def _write(self, key: Hashable, body: bytes) -> None:
        folder = self._ensure_folder()
        handle, name = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        with self._lock:
            self._paths[key] = Path(name)

    def _ensure_folder(self) -> Path:
        with self._lock:
            if self._folder is None or not self._folder.is_dir():  # none yet, or removed under us: a new one
                if self._release is not None:
                    self._release()
                for left in orphans(_PREFIX):  # a server killed with SIGKILL could not remove its own
                    shutil.rmtree(left, ignore_errors=True)
                self._folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
                # held while the site lives (another server sharing /tmp leaves it alone), removed with it
                self._release = weakref.finalize(self, _release, hold(self._folder), str(self._folder))
            return self._folder


def _release(descriptor: int, folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    os.close(descriptor)
