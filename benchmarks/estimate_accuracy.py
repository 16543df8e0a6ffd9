"""How far the ``estimate:`` counters (Gemini, Nova: characters / 4) are from real tokenizers.

For every JSON/JSONL/CSV/TSV file in ``../shared/data`` (the first 2,000 records), each text
that ftlint would count (message contents, prompt, completion, answers, a CSV row's cells) is
counted three ways: ceil(characters / 4), o200k_base (tiktoken) and Mistral's Tekken
(mistral-common, ``pip install 'ftlint[mistral]'``). Printed per file: the estimate's total
over each real total, characters per o200k token, and the 5th-95th percentile of the ratio
over texts of at least 20 tokens. The figures quoted in the README's tokenizer table come
from this command:

    python benchmarks/estimate_accuracy.py [DATA_DIR]
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

from ftlint.tokens import shared_counter
from ftlint.tokens.chat import rendering
from ftlint.tokens.estimate import EstimateCounter

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def records(path: Path) -> list:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".csv", ".tsv"):
        rows = list(csv.reader(text.splitlines(), delimiter="\t" if path.suffix == ".tsv" else ","))
        return [{"text": " ".join(row)} for row in rows[1:]]
    if text.lstrip().startswith("["):
        return json.loads(text)
    rows, decoder, index = [], json.JSONDecoder(strict=False), 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return rows
        row, index = decoder.raw_decode(text, index)
        rows.append(row)


def texts(row: object) -> list[str]:
    shown = rendering(row)
    messages = shown.messages + shown.chosen + shown.rejected
    found = [m.get("content") or "" for m in messages]
    return [t for t in (*found, shown.prompt, shown.completion, shown.text) if t]


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    estimate = EstimateCounter("chars4")
    o200k = shared_counter("o200k_base")
    tekken = shared_counter("mistral:v3-tekken")
    for path in sorted(data.glob("*/*")):
        if path.suffix not in (".json", ".jsonl", ".csv", ".tsv") or not path.stat().st_size:
            continue
        chars = guessed = real = mistral = 0
        ratios = []
        for row in records(path)[:2000]:
            for text in texts(row):
                e, o, m = estimate.text(text), o200k.text(text), tekken.text(text)
                chars += len(text)
                guessed, real, mistral = guessed + e, real + o, mistral + m
                if o >= 20:
                    ratios.append(e / o)
        ratios.sort()

        def pct(q: float, ratios: list[float] = ratios) -> float:
            return ratios[int(q * (len(ratios) - 1))] if ratios else math.nan

        print(
            f"{path.parent.name}/{path.name}: estimate/o200k {guessed / real:.2f}, "
            f"estimate/tekken {guessed / mistral:.2f}, characters per o200k token "
            f"{chars / real:.2f}, per-text p5-p95 {pct(0.05):.2f}-{pct(0.95):.2f}"
        )


if __name__ == "__main__":
    main()
