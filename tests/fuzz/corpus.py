"""The seed corpus: small slices of the real datasets in ``../shared/data`` when that folder is
there, and generated examples of every format always (so that a user's machine, which does
not have the datasets, still fuzzes every reader).

A seed is ``(kind, name, bytes)`` where ``kind`` is the reader it was made for: ``jsonl``,
``json``, ``csv``, ``tsv`` or ``xlsx``.
"""

from __future__ import annotations

import functools
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: The real datasets; ``FTLINT_FUZZ_DATA`` points elsewhere (an empty value: none).
SHARED_DATA = Path(os.environ.get("FTLINT_FUZZ_DATA", REPO.parent / "shared" / "data"))

KINDS = ("jsonl", "json", "csv", "tsv", "xlsx")
#: Seeds are kept small: the fuzzer's time goes into many inputs, not into long ones.
MAX_SEED_BYTES = 12_000


@dataclass(frozen=True)
class Seed:
    kind: str
    name: str
    data: bytes


def _kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in KINDS else None


def _head_lines(data: bytes, lines: int) -> bytes:
    """The first ``lines`` lines (whole lines, at most ``MAX_SEED_BYTES`` unless one line is
    longer: then that line is cut, which is a fine seed too)."""
    out = []
    size = 0
    for line in data.splitlines(keepends=True)[:lines]:
        if size and size + len(line) > MAX_SEED_BYTES:
            break
        out.append(line)
        size += len(line)
    return b"".join(out)[: MAX_SEED_BYTES * 2]


def _json_slice(data: bytes, items: int) -> bytes | None:
    """The first ``items`` elements of a JSON array, written back as a pretty array."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    text = json.dumps(value[:items], ensure_ascii=False, indent=2).encode("utf-8")
    return text if len(text) <= MAX_SEED_BYTES * 2 else None


def real_seeds(root: Path | None = None) -> list[Seed]:
    """Slices of the real files (none when the folder is absent)."""
    root = SHARED_DATA if root is None else root
    if not str(root) or not root.is_dir():
        return []
    seeds: list[Seed] = []
    for path in sorted(root.rglob("*")):
        kind = _kind_of(path)
        if kind is None or not path.is_file():
            continue
        name = f"{path.parent.name}/{path.name}"
        data = path.read_bytes()
        if kind == "xlsx":
            if len(data) <= 256 * 1024:
                seeds.append(Seed(kind, name, data))
            continue
        if kind == "json":
            for items in (1, 3):
                sliced = _json_slice(data, items)
                if sliced is not None:
                    seeds.append(Seed(kind, f"{name}[:{items}]", sliced))
            seeds.append(Seed(kind, f"{name}@head", data[:MAX_SEED_BYTES]))  # cut mid-value
            continue
        for lines in (2, 6, 15):
            head = _head_lines(data, lines)
            if head or not data:
                seeds.append(Seed(kind, f"{name}@{lines}", head))
    return seeds


# ---------------------------------------------------------------------------------------------
# Generated examples


def _chat(i: int) -> dict:
    return {
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": f"Question number {i}: what is {i} + {i}?"},
            {"role": "assistant", "content": f"It is {2 * i}."},
        ]
    }


GENERATED_RECORDS: dict[str, list] = {
    "chat": [_chat(i) for i in range(12)],
    "prompt-completion": [
        {"prompt": f"Translate {w} ->", "completion": f" {w[::-1]}\n"}
        for w in ("house", "tree", "river", "cloud", "stone", "light")
    ],
    "alpaca": [
        {"instruction": "Summarise the text.", "input": "A long text " * 3, "output": "Short."},
        {"instruction": "Name a colour.", "input": "", "output": "Blue."},
        {"instruction": "识别并解释", "input": "细胞理论", "output": "细胞是生命的基本单位。"},
    ],
    "sharegpt": [
        {
            "conversations": [
                {"from": "human", "value": "Hi there"},
                {"from": "gpt", "value": "Hello! How can I help?"},
            ]
        },
        {
            "conversations": [
                {"from": "system", "value": "Be brief."},
                {"from": "human", "value": "2+2?"},
                {"from": "gpt", "value": "4"},
            ]
        },
    ],
    "preference": [
        {
            "input": {"messages": [{"role": "user", "content": "Pick one"}]},
            "preferred_output": [{"role": "assistant", "content": "A"}],
            "non_preferred_output": [{"role": "assistant", "content": "B"}],
        }
    ],
    "tools": [
        {
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
                {"role": "assistant", "content": "It is sunny."},
            ],
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": "weather",
                        "parameters": {
                            "type": "object",
                            "properties": {"city": {"type": "string"}},
                        },
                    },
                }
            ],
        }
    ],
}

TABLE_ROWS: list[list[str]] = [
    ["question", "answer"],
    ["How do I reset my password?", "Click 'Forgot password' on the login page."],
    ["Where is my order?", 'It ships in 2 days, "usually".'],
    ["多少钱？", "一百元。"],
    ["Multi-line?", "Yes,\nit has two lines."],
    ["Empty answer", ""],
]


def _jsonl(records: list) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _table(rows: list[list[str]], delimiter: str) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def make_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with these sheets (openpyxl, in memory)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def generated_seeds() -> list[Seed]:
    seeds = []
    for shape, records in GENERATED_RECORDS.items():
        seeds.append(Seed("jsonl", f"generated/{shape}.jsonl", _jsonl(records)))
        text = json.dumps(records, ensure_ascii=False, indent=2).encode("utf-8")
        seeds.append(Seed("json", f"generated/{shape}.json", text))
    seeds.append(
        Seed(
            "json",
            "generated/under-key.json",
            json.dumps({"data": GENERATED_RECORDS["chat"]}).encode(),
        )
    )
    seeds.append(Seed("csv", "generated/qa.csv", _table(TABLE_ROWS, ",")))
    seeds.append(Seed("tsv", "generated/qa.tsv", _table(TABLE_ROWS, "\t")))
    prompt_rows = [["prompt", "completion"], ["Hi ->", " Hello\n"], ["Bye ->", " Goodbye\n"]]
    seeds.append(Seed("csv", "generated/prompt.csv", _table(prompt_rows, ",")))
    seeds.append(Seed("xlsx", "generated/qa.xlsx", make_xlsx({"QA": TABLE_ROWS})))
    seeds.append(
        Seed(
            "xlsx",
            "generated/two-sheets.xlsx",
            make_xlsx(
                {
                    "first": [["prompt", "completion"], ["1 + 1 =", " 2"], [3.5, True]],
                    "second": [[None], ["question", "answer"], ["a", None], ["b", 12]],
                }
            ),
        )
    )
    return seeds


@functools.cache
def all_seeds() -> tuple[Seed, ...]:
    """Every seed, real first, in a fixed order (the fuzzers' seeds index into it)."""
    return tuple(real_seeds() + generated_seeds())


def seeds_of(kind: str) -> tuple[Seed, ...]:
    return tuple(s for s in all_seeds() if s.kind == kind)
