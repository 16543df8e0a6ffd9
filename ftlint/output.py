"""The base class of output-format plugins (``--output-format NAME``)."""

from __future__ import annotations

from typing import ClassVar, TextIO

from ftlint.report import Report


class OutputFormat:
    """Renders a finished ``Report`` to a text stream. One class per format."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    def require(self) -> None:
        """Raise ``ConfigError`` when this format cannot render here (an optional package is
        missing), so that a run whose report needs it stops before reading anything. The
        command line calls it for a format named by an option such as ``--report-html``."""

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        raise NotImplementedError(f"output format {self.name} does not implement render()")
