"""Processes for batch work (validating, reading a corpus) that cannot be planted in and die with their parent.

Multiprocessing's ``spawn`` starts each child with ``python -c …`` in the
current folder, which Python puts first on the import path: a
``multiprocessing/__init__.py`` left in the folder a load runs in would run in
every child. ``PYTHONSAFEPATH`` (Python ≥ 3.11) keeps the folder off the path,
for these children and any Python this process starts later. (A forked child
imports nothing anew: it has its parent's modules.) A child busy with a chunk
of files would also finish it after its parent was killed (minutes, hundreds
of MB): each one watches its parent and ends with it.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

__all__ = ["process_pool", "end_with_parent"]


def process_pool(jobs: int, context=None) -> ProcessPoolExecutor:
    """``jobs`` processes (spawned, unless ``context`` says otherwise), safe from planted modules, that end soon
    after this one."""
    import multiprocessing

    os.environ["PYTHONSAFEPATH"] = "1"
    context = context or multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=end_with_parent)


def end_with_parent(interval: float = 1.0) -> None:
    """In a child: end within ``interval`` seconds of the parent's death, even in the middle of work."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(3)

    threading.Thread(target=watch, daemon=True, name="cap-ptce-parent-watch").start()
