"""Baselines: datasets with known, accepted findings (``--baseline FILE``, written with
``--write-baseline``) report only what is new.

A finding's fingerprint is its rule, the JSON pointer of its field and a hash of the record's
canonical content (keys sorted, compact JSON), never its line number: inserting, removing or
reordering other records leaves it as it was, and editing the record itself makes the finding
new again. Findings about the whole file (no record) use the message's pattern instead of the
record. The path is part of it, so one file's accepted findings do not hide another's. A
baseline entry that no longer occurs is reported as stale, so that the file can be pruned.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlint.config import ConfigError

if TYPE_CHECKING:
    from ftlint.model import Diagnostic
    from ftlint.report import Report

VERSION = 1


def canonical_digest(data: Any, raw: str | None = None) -> str:
    """XXH3-128 of the record's canonical JSON (or of its raw text when it did not parse)."""
    import orjson
    import xxhash

    if data is None:
        payload = (raw or "").strip().encode("utf-8", errors="surrogatepass")
    else:
        try:
            payload = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        except (TypeError, orjson.JSONEncodeError):  # big integers and the like
            payload = json.dumps(data, sort_keys=True, ensure_ascii=False,
                                 separators=(",", ":"), default=str).encode("utf-8",
                                 errors="surrogatepass")  # fmt: skip
    return xxhash.xxh3_128_hexdigest(payload)


def fingerprint(diagnostic: Diagnostic, digests: dict[int, str]) -> str:
    """The finding's identity across unrelated edits of its file (see the module doc)."""
    import xxhash

    from ftlint.grouping import message_pattern

    loc = diagnostic.location
    record = digests.get(loc.record) if loc.record is not None else None
    anchor = f"record:{record}" if record else f"message:{message_pattern(diagnostic.message)}"
    text = "\x1f".join((diagnostic.code, loc.path, loc.sheet or "", loc.field or "", anchor))
    return xxhash.xxh3_64_hexdigest(text.encode("utf-8", errors="surrogatepass"))


@dataclass
class Entry:
    fingerprint: str
    code: str
    name: str
    path: str
    field: str | None
    message: str
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint, "code": self.code, "name": self.name,
            "path": self.path, "field": self.field, "message": self.message,
            "count": self.count,
        }  # fmt: skip


@dataclass
class Outcome:
    """What applying a baseline did: how many findings it hid, which entries are stale."""

    suppressed: int = 0
    stale: list[Entry] = field(default_factory=list)


def record_digests(records: Iterable[Any]) -> dict[int, str]:
    """Record ordinal -> digest, for the records of one file (``Record`` objects)."""
    digests: dict[int, str] = {}
    for record in records:
        if record.is_record and record.location.record is not None:
            digests[record.location.record] = canonical_digest(record.data, record.raw)
    return digests


def entries_of(report: Report, digests: dict[str, dict[int, str]]) -> list[Entry]:
    """Baseline entries for every finding of ``report`` not fixed in this run."""
    found: dict[str, Entry] = {}
    for d in report.sorted_diagnostics():
        if d.fixed:
            continue
        key = fingerprint(d, digests.get(d.location.path, {}))
        entry = found.get(key)
        if entry is None:
            found[key] = Entry(key, d.code, d.name, d.location.path, d.location.field,
                               d.message)  # fmt: skip
        else:
            entry.count += 1
    return list(found.values())


def write(path: Path, entries: list[Entry], overwrite: bool = True) -> None:
    from ftlint.atomic import AtomicWriter

    document = {"version": VERSION, "tool": "ftlint", "entries": [e.to_dict() for e in entries]}
    data = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    with AtomicWriter(path, overwrite=overwrite) as handle:
        handle.write(data.encode("utf-8", errors="backslashreplace"))


def load(path: Path) -> list[Entry]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"baseline {path} does not exist (write it with --write-baseline)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read the baseline {path}: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ConfigError(f"{path} is not an ftlint baseline (no 'entries' list)")
    entries = []
    for item in document["entries"]:
        try:
            entry = Entry(
                fingerprint=str(item["fingerprint"]),
                code=str(item["code"]),
                name=str(item.get("name", "")),
                path=str(item.get("path", "")),
                field=item.get("field"),
                message=str(item.get("message", "")),
                count=int(item.get("count", 1)),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ConfigError(f"{path}: an entry without fingerprint and code: {item}") from None
        entries.append(entry)
    return entries


def apply(report: Report, entries: list[Entry], digests: dict[str, dict[int, str]]) -> Outcome:
    """Remove the findings ``entries`` list from ``report`` (up to each entry's count)."""
    budget = Counter({e.fingerprint: e.count for e in entries})
    kept: list[Diagnostic] = []
    outcome = Outcome()
    for d in report.diagnostics:
        key = fingerprint(d, digests.get(d.location.path, {}))
        if not d.fixed and budget[key] > 0:
            budget[key] -= 1
            outcome.suppressed += 1
            continue
        kept.append(d)
    report.diagnostics = kept
    report.suppressed += outcome.suppressed
    by_key = {e.fingerprint: e for e in entries}
    outcome.stale = [by_key[key] for key, left in budget.items() if left > 0]
    return outcome
