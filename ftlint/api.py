"""The Python API: ``ftlint.check`` and ``ftlint.prepare`` for notebooks, scripts and tests.

Both take the options of the command line as keyword arguments, under their long names with
``_`` for ``-`` (``select="FT2"``, ``model="gpt-4.1-mini-2025-04-14"``, ``fail_on="warning"``,
``map={"prompt": "Question"}``), including the options plugins add. The options are parsed by
the same code as the command line, so a run here and ``ftlint check`` with the same flags
give the same report.

Inputs are paths, or examples already in memory: an iterable of dicts or a pandas DataFrame
(one example per row). Examples in memory are written to a temporary JSONL file and checked
like any file; their locations read ``<records>`` with the row's line (1 = the first row).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlint.config import Config, ConfigError
from ftlint.pluginmanager import Plugins, load_plugins
from ftlint.report import Report

#: The display name of examples passed in memory.
RECORDS_NAME = "<records>"

Input = str | os.PathLike[str] | Iterable[Mapping[str, Any]] | Any


@dataclass
class PrepareResult:
    """What ``prepare`` did: the report, the files written, and the records in them."""

    report: Report
    outputs: list[Path]
    #: A temporary directory that holds the output of examples passed in memory (removed
    #: when this result is garbage-collected or ``cleanup`` is called).
    _workdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def output(self) -> Path | None:
        """The prepared file (the first output; ``--split`` writes two)."""
        return self.outputs[0] if self.outputs else None

    @property
    def exit_code(self) -> int:
        return self.report.exit_code

    def records(self, output: Path | None = None) -> Iterator[dict[str, Any]]:
        """The records of a prepared file, as dicts, in order."""
        import orjson

        path = output or self.output
        if path is None:
            return
        with open(path, "rb") as handle:
            for line in handle:
                line = line.removeprefix(b"\xef\xbb\xbf").strip()
                if line:
                    yield orjson.loads(line)

    def to_pandas(self) -> Any:
        """The prepared records as a pandas DataFrame (pandas is imported only here)."""
        import pandas as pd

        return pd.DataFrame(list(self.records()))

    def cleanup(self) -> None:
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None


# ---------------------------------------------------------------------------------------------
# Options


def _as_list(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{name} takes a string or a list of strings, not {type(value).__name__}")


def _namespace(command: str, plugins: Plugins, options: Mapping[str, Any]) -> argparse.Namespace:
    """The ``argparse`` namespace the command line would build, defaults included, with
    ``options`` set on it. An option the command does not have is a ``TypeError``."""
    from ftlint.cli import build_parser

    parser = build_parser(plugins, [command, "_"])
    args = parser.parse_args([command, "_"])
    known = set(vars(args)) - {"command", "func", "paths"}
    for raw_name, value in options.items():
        name = raw_name.replace("-", "_")
        if name == "format":
            name = "reader_format"
        if name not in known:
            listing = ", ".join(sorted(k for k in known if not k.startswith("_")))
            raise TypeError(f"{command}() got an unknown option {raw_name!r} (known: {listing})")
        if name in {"select", "extend_select", "ignore"} and value is not None:
            value = _as_list(raw_name, value)
        elif name == "map" and value is not None:
            if isinstance(value, Mapping):
                value = [f"{k}={v}" for k, v in value.items()]
            else:
                value = _as_list(raw_name, value)
        elif name == "max_file_size" and isinstance(value, int):
            value = str(value)
        elif name in {"validation_file", "output", "report"} and value is not None:
            value = Path(value)
        setattr(args, name, value)
    return args


def configure(
    command: str = "check",
    *,
    config: str | os.PathLike[str] | None = None,
    isolated: bool = False,
    plugins: Iterable[str] = (),
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
    **options: Any,
) -> tuple[Config, Plugins, argparse.Namespace]:
    """The configuration of a run as the command line would make it.

    ``config`` names a configuration file; without it the nearest ``pyproject.toml`` /
    ``ftlint.toml`` is used, unless ``isolated`` (then only ``options`` count, which is what
    tests want). ``plugins`` are extra plugin modules to load (``-p``); ``rule_options`` sets
    rules' options as ``[tool.ftlint.rules.NAME]`` tables do."""
    from ftlint.cli import config_from_args

    names = list(plugins)
    base = Config() if isolated else None
    if base is None:
        from ftlint.config import load_config

        base = load_config(Path(config) if config is not None else None)
    for rule_name, values in (rule_options or {}).items():
        base.rule_options[rule_name] = {**base.rule_options.get(rule_name, {}), **values}
    plugin_set = load_plugins([*base.plugins, *names])
    args = _namespace(command, plugin_set, options)
    args.plugins = names
    run_config = config_from_args(args, base=base)
    plugin_set.hook.ftlint_configure.call_historic(kwargs={"config": run_config})
    return run_config, plugin_set, args


def config_from_args(args: argparse.Namespace, base: Config | None = None) -> Config:
    """The run configuration a parsed command line makes: the configuration file (or
    ``base``) with the command's options applied. For commands that plugins add with
    ``ftlint_add_commands``: their parser has the check options, and this reads them as
    ``ftlint check`` does."""
    from ftlint.cli import config_from_args as from_args

    return from_args(args, base=base)


def check_configured(
    paths: Iterable[str | os.PathLike[str]],
    config: Config,
    plugins: Plugins,
    *,
    validation: str | os.PathLike[str] | None = None,
) -> Report:
    """Check files with a configuration and plugins already built (by ``configure``, or by
    ``config_from_args`` and ``load_plugins`` in a command plugin); nothing is written."""
    from ftlint.engine import Engine

    plugins.hook.ftlint_configure.call_historic(kwargs={"config": config})
    return Engine(config, plugins).check(
        [Path(p) for p in paths], validation=Path(validation) if validation else None
    )


# ---------------------------------------------------------------------------------------------
# In-memory inputs


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def _path(value: Any) -> Any:
    """A local ``Path``, or a ``UrlPath`` for a URL string (``s3://...``, ``https://...``)."""
    from ftlint.storage import local_or_url

    return local_or_url(value) if isinstance(value, str) else Path(value)


def _rows(data: Any) -> Iterable[Any]:
    """The examples of a DataFrame (one per row, missing cells left out) or an iterable."""
    to_dict = getattr(data, "to_dict", None)
    if callable(to_dict) and hasattr(data, "columns"):
        rows = to_dict(orient="records")
        return ({k: v for k, v in row.items() if not _is_missing(v)} for row in rows)
    return data


def _is_missing(value: Any) -> bool:
    return isinstance(value, float) and value != value  # NaN: pandas' empty cell


def _write_records(data: Any, directory: Path) -> Path:
    import orjson

    options = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE
    path = directory / "records.jsonl"
    with open(path, "wb") as handle:
        for row in _rows(data):
            try:
                line = orjson.dumps(row, default=str, option=options)
            except (TypeError, orjson.JSONEncodeError):
                line = _fallback_line(row)
            handle.write(line)
    return path


def _fallback_line(row: Any) -> bytes:
    """A row orjson refuses (a lone surrogate, an integer beyond 64 bits, nesting past 254):
    the standard library writes it with ASCII escapes, and the reader then judges it. A row
    that cannot be written at all becomes a line that is not JSON and says why (one record,
    reported and rejected: nothing disappears)."""
    import json

    try:
        return json.dumps(row, ensure_ascii=True, default=str).encode("ascii") + b"\n"
    except (ValueError, TypeError, RecursionError) as exc:
        reason = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:200]
        return f"<a record that cannot be written as JSON: {reason}>\n".encode("utf-8", "replace")


def _inputs(
    inputs: Input, workdir: Path | None
) -> tuple[list[Path], dict[Path, str], Path | None, tempfile.TemporaryDirectory | None]:
    """Paths to check, their display names, and the temporary directory made for examples in
    memory (``None`` when every input is a path)."""
    if _is_path(inputs):
        return [_path(inputs)], {}, None, None
    items = list(inputs) if not hasattr(inputs, "columns") else [inputs]
    if items and all(_is_path(item) for item in items):
        return [_path(item) for item in items], {}, None, None
    temp = tempfile.TemporaryDirectory(prefix="ftlint-api-") if workdir is None else None
    directory = Path(temp.name) if temp is not None else workdir
    assert directory is not None
    source = items[0] if len(items) == 1 and hasattr(items[0], "columns") else items
    path = _write_records(source, directory)
    return [path], {path: RECORDS_NAME}, directory, temp


# ---------------------------------------------------------------------------------------------
# The two calls


def check(
    inputs: Input,
    *,
    config: str | os.PathLike[str] | None = None,
    isolated: bool = False,
    plugins: Iterable[str] = (),
    **options: Any,
) -> Report:
    """Check files (or examples in memory) and return the report; nothing is written.

    ``check("train.jsonl", target="azure-openai", validation_file="valid.jsonl")``,
    ``check(df)``, ``check([{"messages": [...]}, ...], select="FT3")``. ``fix=True`` rewrites
    JSONL files in place, as ``ftlint check --fix`` does; examples in memory are fixed with
    ``prepare`` instead."""
    from ftlint.engine import Engine, PrepareOptions

    run_config, plugin_set, args = configure(
        "check", config=config, isolated=isolated, plugins=plugins, **options
    )
    paths, names, _directory, temp = _inputs(inputs, None)
    try:
        if run_config.applies_fixes and names:
            raise ConfigError(
                "fix=True rewrites files in place; for examples in memory use prepare"
            )
        engine = Engine(run_config, plugin_set, display_names=names)
        if run_config.applies_fixes:
            return engine.fix_in_place(
                paths, PrepareOptions(in_place=True, validation=args.validation_file)
            )
        return engine.check(paths, validation=args.validation_file)
    finally:
        if temp is not None:
            temp.cleanup()


def prepare(
    inputs: Input,
    *,
    output: str | os.PathLike[str] | None = None,
    force: bool = False,
    split: str | float | int | None = None,
    seed: int = 42,
    write_report: bool = False,
    config: str | os.PathLike[str] | None = None,
    isolated: bool = False,
    plugins: Iterable[str] = (),
    **options: Any,
) -> PrepareResult:
    """Write the fixed, canonical file for one input and return what was done.

    Without ``output`` a path input gets ``<stem>_prepared.jsonl`` beside it (as on the
    command line) and examples in memory get a temporary file, read back with
    ``result.records()`` or ``result.to_pandas()``. ``fix`` / ``unsafe_fixes`` choose the
    fixes; ``split=0.1`` writes a training and a validation file. The JSON report file is
    written only with ``write_report=True`` (the report is always returned)."""
    from ftlint.engine import Engine, PrepareOptions

    run_config, plugin_set, args = configure(
        "prepare", config=config, isolated=isolated, plugins=plugins, **options
    )
    paths, names, directory, temp = _inputs(inputs, None)
    if len(paths) != 1:
        raise ConfigError("prepare takes one input; call it once per file")
    out = Path(output) if output is not None else None
    if out is None and directory is not None:
        out = directory / "records_prepared.jsonl"
    prepare_options = PrepareOptions(
        output=out,
        force=force,
        split=None if split is None else _split_text(split),
        seed=seed,
        validation=args.validation_file,
    )
    engine = Engine(run_config, plugin_set, display_names=names)
    report = engine.prepare(paths, prepare_options)
    report.allow_rejects = bool(getattr(args, "allow_rejects", False))
    outputs = [Path(o) for f in report.files for o in f.outputs]
    if write_report and outputs:
        from ftlint.atomic import write_json_report

        write_json_report(
            report, outputs[0].with_name(outputs[0].stem + ".report.json"), overwrite=True
        )
    result = PrepareResult(report=report, outputs=outputs, _workdir=temp)
    return result


def _split_text(split: str | float | int) -> str:
    from ftlint.cli import _split_value

    return _split_value(str(split))
