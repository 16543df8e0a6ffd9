"""``prepare --split``: the fixed records go to ``<stem>_train.jsonl`` and ``<stem>_valid.jsonl``.

- Deterministic: a record's side depends only on its content and the seed. Each record gets a
  64-bit BLAKE2b hash of its canonical JSON (sorted keys), keyed with the seed; the validation
  set is the records with the smallest hashes.
- Exact duplicates never straddle the split: identical records have identical hashes, and a
  group of equal hashes goes to one side as a whole.
- The validation size is exact (up to one group of duplicates at the boundary): the threshold is
  found by ranking the hashes, with a histogram of their top bits and a sort of the one bucket
  that holds the boundary, so that the selection keeps 12 bytes per record (hash and class),
  never the records.
- Classification data (fewer distinct answers than a third of the records, the legacy rule) is
  stratified: every class gets its share of the validation set (largest remainders), and a
  class is never moved entirely out of training.

Two passes over the fixed records: the first hashes, the second writes. Records dropped by
fixes are in neither file.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlint.config import ConfigError

if TYPE_CHECKING:
    from ftlint.engine.fixes import Fixing, FixPlan
    from ftlint.engine.options import PrepareOptions
    from ftlint.reader import Reader
    from ftlint.report import FileReport
    from ftlint.rule import FileContext

#: ``--split`` without a value: the legacy rule, validation = min(1000, 20%).
AUTO = "auto"
LEGACY_MAX_VALID = 1000
LEGACY_VALID_SHARE = 0.2
DEFAULT_SEED = 42
#: Stratify when there are fewer distinct answers than a third of the records (the legacy
#: classification test) and at most this many of them.
MAX_CLASSES = 5000
CLASSIFICATION_RATIO = 3
#: Labels longer than this are identified by a digest.
LABEL_TEXT_LIMIT = 256


@dataclass(frozen=True)
class SplitSpec:
    """How large the validation set is: a fraction, a count, or the legacy rule."""

    fraction: float | None = None
    count: int | None = None

    @classmethod
    def parse(cls, value: str | float | int | None) -> SplitSpec:
        """``None`` or ``"auto"``: the legacy rule; ``0 < x < 1``: a fraction of the records;
        a whole number ``>= 1``: that many validation records."""
        if value is None or (isinstance(value, str) and value.strip().lower() == AUTO):
            return cls()
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"--split expects a fraction such as 0.2 or a number of examples, got {value!r}"
            ) from None
        if 0 < number < 1:
            return cls(fraction=number)
        if number >= 1 and number.is_integer():
            return cls(count=int(number))
        raise ConfigError(
            f"--split {value}: give a fraction between 0 and 1 (0.2) or a whole number of "
            "validation examples (500)"
        )

    def valid_size(self, total: int) -> int:
        """Validation records out of ``total``: at least one on each side when possible."""
        if total < 2:
            return 0
        if self.count is not None:
            wanted = self.count
        elif self.fraction is not None:
            wanted = round(total * self.fraction)
        else:
            wanted = total - max(total - LEGACY_MAX_VALID, int(total * (1 - LEGACY_VALID_SHARE)))
        return min(total - 1, max(1, wanted))

    def describe(self) -> str:
        if self.count is not None:
            return f"{self.count} examples"
        if self.fraction is not None:
            return f"{self.fraction:g} of the examples"
        return "min(1000, 20%) of the examples"


def split_paths(base: Path) -> tuple[Path, Path]:
    """``data.csv`` -> ``data_train.jsonl``, ``data_valid.jsonl`` beside it."""
    return (
        base.with_name(f"{base.stem}_train.jsonl"),
        base.with_name(f"{base.stem}_valid.jsonl"),
    )


def canonical_bytes(data: Any) -> bytes:
    """The record as compact JSON with sorted keys: equal records give equal bytes."""
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return text.encode("utf-8", "surrogatepass")


def seed_key(seed: int) -> bytes:
    return str(seed).encode("ascii")[:64]


def record_hash(data: Any, key: bytes) -> int:
    digest = hashlib.blake2b(canonical_bytes(data), digest_size=8, key=key).digest()
    return int.from_bytes(digest, "big")


def _text_of(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return "".join(p for p in parts if isinstance(p, str))
    return None


def class_label(data: Any) -> str | None:
    """What a classifier answers: the completion, or the last assistant message's text."""
    if not isinstance(data, dict):
        return None
    if "messages" in data:
        messages = data["messages"]
        if isinstance(messages, list):
            for message in reversed(messages):
                if isinstance(message, dict) and message.get("role") == "assistant":
                    return _text_of(message.get("content"))
        return None
    completion = data.get("completion")
    return completion if isinstance(completion, str) else None


class Splitter:
    """Per-record hash and class id, then the choice of the validation records."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.key = seed_key(seed)
        self.hashes = array("Q")
        self.classes = array("i")
        self.labels: dict[str | bytes, int] | None = {}
        self.unlabelled = 0

    def add(self, data: Any) -> None:
        self.hashes.append(record_hash(data, self.key))
        label = class_label(data)
        class_id = -1
        if label is None:
            self.unlabelled += 1
        elif self.labels is not None:
            key: str | bytes = label
            if len(label) > LABEL_TEXT_LIMIT:
                raw = label.encode("utf-8", "surrogatepass")
                key = hashlib.blake2b(raw, digest_size=12).digest()
            class_id = self.labels.setdefault(key, len(self.labels))
            if len(self.labels) > MAX_CLASSES:
                self.labels = None
        self.classes.append(class_id)

    def __len__(self) -> int:
        return len(self.hashes)

    @property
    def stratified(self) -> bool:
        """Classification data: stratify by class (the legacy test, every record labelled)."""
        if self.labels is None or self.unlabelled:
            return False
        return len(self.labels) >= 2 and len(self.labels) * CLASSIFICATION_RATIO < len(self)

    @property
    def class_count(self) -> int:
        return len(self.labels) if self.stratified and self.labels is not None else 1

    def choose(self, valid_size: int) -> Callable[[int], bool]:
        """A test ``is_valid(index)`` that picks ``valid_size`` records (exactly, unless a group
        of duplicates sits on the boundary)."""
        total = len(self)
        if valid_size <= 0 or total == 0:
            return lambda index: False
        if self.stratified:
            classes = self.classes
            sizes = [0] * self.class_count
            for class_id in classes:
                sizes[class_id] += 1
            quotas = stratified_quotas(sizes, valid_size)
        else:
            classes = array("i", bytes(4 * total))  # one class: all zeros
            quotas = [valid_size]
        cuts = thresholds(self.hashes, classes, quotas)
        hashes = self.hashes

        def is_valid(index: int) -> bool:
            if index >= total:
                return False
            cut = cuts.get(classes[index])
            if cut is None:
                return False
            value, include_equal = cut
            digest = hashes[index]
            return digest < value or (include_equal and digest == value)

        return is_valid


def stratified_quotas(sizes: list[int], valid_size: int) -> list[int]:
    """Each class's share of ``valid_size`` (largest remainders). A class keeps at least one
    example in training, so no class disappears from what the model learns."""
    total = sum(sizes)
    exact = [valid_size * size / total for size in sizes]
    quotas = [min(int(share), max(0, size - 1)) for share, size in zip(exact, sizes, strict=True)]
    order = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    missing = valid_size - sum(quotas)
    while missing > 0:
        progressed = False
        for i in order:
            if missing == 0:
                break
            if quotas[i] < sizes[i] - 1:
                quotas[i] += 1
                missing -= 1
                progressed = True
        if not progressed:
            break
    return quotas


def thresholds(hashes: array, classes: array, quotas: list[int]) -> dict[int, tuple[int, bool]]:
    """For each class with a quota, ``(value, include_equal)``: its validation records are those
    with a hash below ``value`` (plus the group equal to it when ``include_equal``).

    Ranking without sorting every hash: count hashes per class in buckets of their top bits,
    find the bucket where each class reaches its quota, and sort only the hashes of that bucket.
    """
    wanted = {c: q for c, q in enumerate(quotas) if q > 0}
    if not wanted:
        return {}
    bits = max(4, min(16, 20 - max(0, len(quotas) - 1).bit_length()))
    shift = 64 - bits
    size = 1 << bits
    histogram = array("I", bytes(4 * size * len(quotas)))
    for digest, class_id in zip(hashes, classes, strict=True):
        histogram[class_id * size + (digest >> shift)] += 1
    boundary: dict[int, tuple[int, int]] = {}  # class -> (bucket, records in lower buckets)
    for class_id, quota in wanted.items():
        below = 0
        base = class_id * size
        for bucket in range(size):
            count = histogram[base + bucket]
            if below + count >= quota:
                boundary[class_id] = (bucket, below)
                break
            below += count
    totals = {c: sum(histogram[c * size : (c + 1) * size]) for c in boundary}
    del histogram
    pending: dict[int, list[int]] = {c: [] for c in boundary}
    for digest, class_id in zip(hashes, classes, strict=True):
        spot = boundary.get(class_id)
        if spot is not None and digest >> shift == spot[0]:
            pending[class_id].append(digest)
    cuts: dict[int, tuple[int, bool]] = {}
    for class_id, (_bucket, below) in boundary.items():
        values = sorted(pending[class_id])
        quota = wanted[class_id]
        value = values[quota - below - 1]
        lower = below + bisect_left(values, value)
        upper = below + bisect_right(values, value)
        # A group of duplicates goes to one side: to the one that misses the quota least,
        # never leaving training without the class.
        include = upper - quota <= quota - lower and upper < totals[class_id]
        cuts[class_id] = (value, include)
    return cuts


# ---------------------------------------------------------------------------------------------
# Writing (called by Engine.write_output)


def write_split(
    engine: Fixing,
    file: FileContext,
    reader: Reader,
    plan: FixPlan,
    file_report: FileReport,
    options: PrepareOptions,
) -> None:
    """Write the fixed records of ``file`` to its ``_train`` and ``_valid`` files."""
    from ftlint.atomic import AtomicWriter, refuse_target
    from ftlint.jsonl import dumps_line
    from ftlint.report import FileReport

    spec = SplitSpec.parse(options.split)
    train_path, valid_path = split_paths(options.output or file.path)
    for path in (train_path, valid_path):
        refuse_target(path, file.path, options.force)

    def records(report: FileReport) -> Iterable[Any]:
        for _record, data, _changed in engine.fixed_records(file, reader, plan, report):
            yield data

    splitter = Splitter(options.seed)
    # The first pass must not list dropped records: the second one does.
    for data in records(FileReport(path=file_report.path)):
        splitter.add(data)
    valid_size = spec.valid_size(len(splitter))
    is_valid = splitter.choose(valid_size)
    counts = [0, 0]
    target = engine.target  # type: ignore[attr-defined]  (the Engine: Fixing and Writing)
    bom = codecs.BOM_UTF8 if target.bom == "required" else b""
    force = options.force
    with (
        AtomicWriter(train_path, overwrite=force) as train,
        AtomicWriter(valid_path, overwrite=force) as valid,
    ):
        train.write(bom)
        valid.write(bom)
        for index, data in enumerate(records(file_report)):
            side = 1 if is_valid(index) else 0
            (valid if side else train).write(dumps_line(data))
            counts[side] += 1
    file_report.written = counts[0] + counts[1]
    file_report.outputs.extend([str(train_path), str(valid_path)])
    how = f"seed {options.seed}"
    if splitter.stratified:
        how += f", stratified by class ({splitter.class_count} classes)"
    file_report.summary["split"] = (
        f"{counts[0]} training / {counts[1]} validation examples ({spec.describe()}, {how})"
    )
    file_report.summary["train_examples"] = counts[0]
    file_report.summary["valid_examples"] = counts[1]
