"""``json`` output: the stable machine-readable report (the output contract in DESIGN.md)."""

from __future__ import annotations

from typing import TextIO

from ftlint import OutputFormat, Report, hookimpl


class JsonFormat(OutputFormat):
    name = "json"
    description = "the stable machine-readable report (see the output contract)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        for piece in report.json_pieces():  # written as made: a large report is never
            stream.write(piece)  # one string in memory
        stream.write("\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [JsonFormat()]
