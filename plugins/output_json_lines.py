"""``json-lines`` output: one JSON object per finding and line, the objects of the ``json``
format's ``diagnostics`` list (same keys), then one closing ``{"summary": ...}`` line. For
``jq``, log pipelines and streaming consumers that read a line at a time."""

from __future__ import annotations

import json
from typing import TextIO

from ftlint import OutputFormat, Report, hookimpl


class JsonLinesFormat(OutputFormat):
    name = "json-lines"
    description = "one JSON object per finding per line, then the summary"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        for diagnostic in report.sorted_diagnostics():
            stream.write(json.dumps(diagnostic.to_dict(), ensure_ascii=False) + "\n")
        stream.write(json.dumps({"summary": report.summary()}, ensure_ascii=False) + "\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [JsonLinesFormat()]
