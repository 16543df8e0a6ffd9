"""FT604 near-duplicate: examples almost the same as an earlier one (MinHash and LSH)."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.dataset.minhash import SignatureColumns
from ftlint.rules.dataset.similarity import SimilarityRule

from ftlint import Accumulator, Diagnostic, Related, Scope, Severity


class _NearAccumulator(SignatureColumns):
    def __init__(self, rule: NearDuplicate) -> None:
        super().__init__(rule.threshold, rule.shingle_size, rule.encoding, rule.planner)
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity

    def finish(self) -> Iterable[Diagnostic]:
        for split in sorted({origin[2] for origin in self.origins}):
            mask = self.split_mask(lambda s, split=split: s == split)
            found = self.matches(mask, mask)
            for i in sorted(found):
                j, value = found[i]
                yield Diagnostic(
                    self.code, self.name, self.severity,
                    f"near-duplicate of the example at {self.where(j, i)} (estimated "
                    f"similarity {value:.2f} ≥ {self.threshold:.2f} over "
                    f"{'token' if self.encoding else 'word'} {self.shingle_size}-grams); "
                    "near-copies weigh like duplicates",
                    self.location(i),
                    related=(Related(self.location(j), f"similar example ({value:.2f})"),),
                )  # fmt: skip


class NearDuplicate(SimilarityRule):
    """## What it does
    Finds examples that are almost the same as an earlier one: the Jaccard similarity of
    their shingles (3-grams of the tokens of their texts, system prompts left out) is 0.9 or
    more. MinHash signatures (64 one-byte values per example) and locality-sensitive hashing
    find the pairs without comparing every example with every other; each pair found is
    confirmed by its estimated similarity. Exact copies are left to the exact-duplicate rule.
    Tokens rather than words make languages written without spaces (Chinese, Japanese)
    comparable; without a tokenizer, word 3-grams are used.

    ## Why is this bad?
    Near-copies (a changed name, a typo fixed, a template filled twice the same way) weigh
    like duplicates: the model over-learns them, and a dataset that looks large is smaller than
    it seems.

    ## Example
    Line 5: "How do I reset my password on the website?" / line 40: "How do I reset my
    password on the web site?" with the same answer.

    ## Fix safety
    No fix: which copy to keep is a human choice. Change the threshold or the shingle size
    with `[tool.ftlint.rules.near-duplicate] threshold = 0.8`, `shingle-size = 5`. The
    similarity is an estimate (±0.04 around 0.9): pairs right at the threshold may come and go.
    """

    code = "FT604"
    name = "near-duplicate"
    scope = Scope.DATASET
    severity = Severity.WARNING

    def accumulator(self) -> Accumulator:
        return _NearAccumulator(self)
