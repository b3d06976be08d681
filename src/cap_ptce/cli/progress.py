"""How far a long command is, on one line of the standard error written over as it goes (at a terminal)."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import click

__all__ = ["ProgressLine"]


class ProgressLine:
    """Called with (step, done, total), writes ``words(step, done, total)`` over the line before it.

    The line is cut to the terminal's width: a line that wraps is not written over.
    """

    def __init__(self, words: Callable[[str, int, int], str]) -> None:
        self.words = words
        self.width = 0

    def __call__(self, step: str, done: int, total: int) -> None:
        text = self.words(step, done, total)[: max(1, shutil.get_terminal_size().columns - 1)]
        click.echo("\r" + text.ljust(self.width), err=True, nl=False)
        self.width = max(self.width, len(text))

    def end(self) -> None:
        """End the line, if one was written, before the report, a question or an error."""
        if self.width:
            click.echo(err=True)
            self.width = 0
