"""Talking to the user: messages, progress and the live job display, all scrubbed of
credentials. With ``--output-format json`` the human messages go to standard error and
standard output carries exactly one JSON document at the end."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ftlint.plugins.submit.safety import scrub


class UI:
    def __init__(self, output_format: str = "text", color: bool | None = None) -> None:
        from rich.console import Console

        self.json = output_format == "json"
        no_color = color is False or bool(os.environ.get("NO_COLOR"))
        common: dict[str, Any] = {
            "highlight": False,
            "soft_wrap": True,
            "emoji": False,
            "no_color": no_color,
        }
        if color:
            common["force_terminal"] = True
        self.out = Console(file=sys.stderr if self.json else sys.stdout, **common)
        self.err = Console(file=sys.stderr, **common)
        #: Filled in as the run goes; printed as the JSON document in JSON mode.
        self.result: dict[str, Any] = {}

    # -- messages -------------------------------------------------------------------------------
    def _print(self, console: Any, text: str, style: str | None = None) -> None:
        from rich.markup import escape

        body = escape(scrub(text))
        console.print(f"[{style}]{body}[/]" if style else body)

    def say(self, text: str, style: str | None = None) -> None:
        self._print(self.out, text, style)

    def step(self, text: str) -> None:
        self._print(self.out, text, "bold")

    def note(self, text: str) -> None:
        self._print(self.out, f"note: {text}", "dim")

    def warn(self, text: str) -> None:
        self._print(self.err, f"ftlint: warning: {text}", "yellow")

    def error(self, text: str, hints: list[str] | None = None) -> None:
        self._print(self.err, f"ftlint: error: {text}", "bold red")
        for hint in hints or []:
            self._print(self.err, f"  hint: {hint}")

    def success(self, text: str) -> None:
        self._print(self.out, text, "bold green")

    def raw(self, text: str) -> None:
        """Plain text (code snippets), scrubbed but without styling."""
        self.out.print(scrub(text), markup=False, highlight=False)

    @property
    def interactive(self) -> bool:
        return bool(self.out.is_terminal)

    def confirm(self, question: str) -> bool:
        """Ask on the terminal; anything but yes is no."""
        from rich.markup import escape

        try:
            answer = self.err.input(escape(scrub(question) + " [y/N] "))
        except EOFError:
            return False
        return answer.strip().lower() in {"y", "yes"}

    # -- progress -------------------------------------------------------------------------------
    @contextmanager
    def progress(self, description: str, total: int) -> Iterator[Callable[[int], None]]:
        """A byte progress bar on a terminal; elsewhere a start and an end line. Yields
        ``update(bytes_done)``."""
        if not self.interactive:
            yield lambda done: None
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=self.out,
            transient=True,
        ) as bar:
            task = bar.add_task(scrub(description), total=total)
            yield lambda done: bar.update(task, completed=done)

    @contextmanager
    def live(self, render: Callable[[], Any]) -> Iterator[Callable[[], None]]:
        """A live display redrawn from ``render()`` on a terminal; a no-op elsewhere. Yields
        ``refresh()``."""
        if not self.interactive or self.json:
            yield lambda: None
            return
        from rich.live import Live

        with Live(render(), console=self.out, refresh_per_second=4, transient=False) as live:
            yield lambda: live.update(render())

    # -- JSON -------------------------------------------------------------------------------
    def emit_json(self, exit_code: int) -> None:
        if not self.json:
            return
        document = {"exit_code": exit_code, **self.result}
        text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write(scrub(text) + "\n")
        sys.stdout.flush()
