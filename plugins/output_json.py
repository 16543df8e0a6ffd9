"""``json`` output: the stable machine-readable report (the output contract in DESIGN.md)."""

from __future__ import annotations

import json
from typing import TextIO

from ftlint import OutputFormat, Report, hookimpl


class JsonFormat(OutputFormat):
    name = "json"
    description = "the stable machine-readable report (see the output contract)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        json.dump(report.to_dict(), stream, ensure_ascii=False, indent=2)
        stream.write("\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [JsonFormat()]
