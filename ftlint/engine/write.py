"""Writing the output of ``prepare`` (atomically, one process or several) and the in-place
rewrite of ``check --fix``."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TYPE_CHECKING

from ftlint.atomic import AtomicWriter, refuse_target
from ftlint.engine.options import PrepareOptions
from ftlint.model import FileAction

if TYPE_CHECKING:
    from ftlint.engine.fixes import FixPlan
    from ftlint.reader import Reader
    from ftlint.report import FileReport
    from ftlint.rule import FileContext
    from ftlint.targets import Target


class Writing:
    """The writing part of the engine (an ``Engine`` is ``Fixing`` and ``ParallelScanning``
    too: it writes what ``fixed_records`` yields)."""

    target: Target

    def output_path(self, file: FileContext, options: PrepareOptions) -> Path:
        if options.in_place:
            return file.path
        if options.output is not None:
            out = options.output
        else:
            from ftlint.compression import inner_path

            # ``train.jsonl.gz`` -> ``train_prepared.jsonl``: plain, unless -o says otherwise
            out = file.path.with_name(f"{inner_path(file.path).stem}_prepared.jsonl")
        if options.split is not None:
            return out  # ftlint.split names (and checks) the _train and _valid files
        refuse_target(out, file.path, options.force)
        return out

    def write_output(
        self,
        file: FileContext,
        reader: Reader,
        plan: FixPlan,
        out: Path,
        file_report: FileReport,
        options: PrepareOptions,
    ) -> None:
        if options.in_place:
            self._rewrite_in_place(file, reader, plan, file_report)
            return
        if options.split is not None:
            from ftlint.split import write_split

            write_split(self, file, reader, plan, file_report, options)
            return
        record_writer = self.writer_reader(out)
        if record_writer is not None:
            self._write_with(record_writer, file, reader, plan, out, file_report, options)
            return
        from ftlint.jsonl import write_line

        written = 0
        from ftlint.compression import open_compressed_output

        with AtomicWriter(out, overwrite=options.force) as handle:
            compressor = open_compressed_output(out, handle)  # -o train.jsonl.gz
            sink = compressor if compressor is not None else handle
            if self.target.bom == "required":
                sink.write(codecs.BOM_UTF8)
            parallel = (
                self._write_parallel(file, reader, plan, handle, file_report)
                if compressor is None
                else None
            )
            if parallel is not None:
                written = parallel
            else:
                for record, data, _changed in self.fixed_records(file, reader, plan, file_report):
                    write_line(sink, data, record.raw)  # a huge record in pieces
                    written += 1
            if compressor is not None:
                compressor.close()
        file_report.written = written
        file_report.outputs.append(str(out))

    def writer_reader(self, out: Path) -> Reader | None:
        """The reader plugin that writes ``out``'s format (``prepare -o out.parquet``), or
        None for JSONL (and any other name), which the engine writes itself."""
        suffix = out.suffix.lower()
        if suffix in (".jsonl", ".jsonlines", ".ndjson", ""):
            return None
        for candidate in self.plugins.readers():  # type: ignore[attr-defined]
            if candidate.writes and suffix in candidate.extensions:
                return candidate
        return None

    def _write_with(
        self,
        writer_reader: Reader,
        file: FileContext,
        reader: Reader,
        plan: FixPlan,
        out: Path,
        file_report: FileReport,
        options: PrepareOptions,
    ) -> None:
        """The prepared records in another format than JSONL, through its plugin's writer
        (one process: the format decides how records are laid out)."""
        written = 0
        with AtomicWriter(out, overwrite=options.force) as handle:
            sink = writer_reader.open_writer(handle.stream)
            try:
                for _record, data, _changed in self.fixed_records(file, reader, plan, file_report):
                    sink.write(data)
                    written += 1
                sink.close()
            except BaseException:
                sink.discard()
                raise
        file_report.written = written
        file_report.outputs.append(str(out))

    def _rewrite_in_place(
        self, file: FileContext, reader: Reader, plan: FixPlan, file_report: FileReport
    ) -> None:
        """``check --fix``: rewrite a JSONL file with the chosen fixes and nothing else.

        Unchanged lines keep their exact text; unreadable lines are kept as they were; blank
        lines go only when their fix was chosen. The file is left alone when nothing changed.
        """
        from ftlint.jsonl import dumps_line

        actions = {edit.action for edit in plan.file_edits}
        changed_any = bool(actions)  # every file action changes bytes that are kept otherwise
        multi_line_source = False
        unkept = False
        written = 0
        dropped_before = len(file_report.dropped)
        with AtomicWriter(file.path, overwrite=True) as handle:  # asked for: --fix
            keep_bom = file.has_bom and FileAction.STRIP_BOM not in actions
            if keep_bom or FileAction.ADD_BOM in actions:
                handle.write(codecs.BOM_UTF8)
            for record, data, changed in self.fixed_records(
                file, reader, plan, file_report, keep_unreadable=True
            ):
                problem = record.problem
                if problem is not None:
                    if not record.is_record and not (record.raw or "").strip():
                        if FileAction.REMOVE_BLANK_LINES not in actions:  # a blank line
                            handle.write(b"\n")
                    elif record.is_record and record.raw is not None:
                        handle.write(record.raw.encode("utf-8") + b"\n")
                    elif record.is_record:
                        unkept = True  # refused unread (a limit): its text cannot be kept
                    continue
                raw = record.raw
                if raw is not None and "\n" in raw:
                    multi_line_source = True
                if not changed and raw is not None and "\n" not in raw:
                    handle.write(raw.encode("utf-8") + b"\n")
                else:
                    handle.write(dumps_line(data))
                    changed_any = changed_any or changed
                written += 1
            if unkept:
                handle.discard()  # rewriting would lose a line it never read: not touched
            elif multi_line_source and FileAction.REWRITE_LINES not in actions:
                handle.discard()  # a pretty-printed file is only rewritten by its own fix
            elif not changed_any and len(file_report.dropped) == dropped_before:
                handle.discard()  # nothing to change: leave the file and its mtime alone
        file_report.written = written
        if not handle.discarded:
            file_report.outputs.append(str(file.path))
