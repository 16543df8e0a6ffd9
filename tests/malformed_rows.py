"""A reader plugin for the YAML cases of the malformed-row rule (``MalformedRow``).

The CSV reader reports a row that Python's ``csv`` module cannot parse. On Python 3.11+ that
module accepts NUL bytes, and its one remaining error, a field over the reader's 1 GiB limit,
cannot be written into a case file. This reader stands in for it: it reads ``.rows`` files,
one ``prompt,completion`` row a line, and a line starting with ``!`` is a row that "cannot be
read", yielded exactly as the CSV reader yields one (a record without data, counted, with the
problem; the rest of the file is still read).
"""

from __future__ import annotations

from ftlint import Location, Reader, ReadProblem, Record, hookimpl


class UnparsableRows(Reader):
    name = "rows"
    extensions = (".rows",)

    def read(self, file, byte_range=None):
        text = file.path.read_text(encoding="utf-8")
        for line_no, line in enumerate(text.splitlines(), 1):
            location = Location(path=file.display_path, line=line_no, record=line_no)
            if line.startswith("!"):
                problem = ReadProblem("malformed-row", f"row cannot be read: {line[1:].strip()}")
                yield Record(None, location, problem=problem, source_format=self.name)
                continue
            prompt, _, completion = line.partition(",")
            data = {"prompt": prompt, "completion": completion}
            yield Record(data, location, raw=line, source_format=self.name)


@hookimpl
def ftlint_readers():
    return [UnparsableRows()]
