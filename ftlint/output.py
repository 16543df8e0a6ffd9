"""The base class of output-format plugins (``--output-format NAME``)."""

from __future__ import annotations

from typing import ClassVar, TextIO

from ftlint.report import Report


class OutputFormat:
    """Renders a finished ``Report`` to a text stream. One class per format."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        raise NotImplementedError(f"output format {self.name} does not implement render()")
