"""The fuzz targets: one per reader and one per (pipeline step, format), each a function from
input bytes to the oracle's failures, and the inputs they are fed (a seed of the corpus,
mostly of the target's own format, then a few mutations)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from tests.fuzz import corpus, mutate, oracle
from tests.fuzz.oracle import Failure


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    run: Callable[[bytes], list[Failure]]
    #: Relative cost: the runner picks cheap targets more often.
    weight: float = 1.0


def _reader(kind: str) -> Callable[[bytes], list[Failure]]:
    return lambda data: oracle.run_reader(kind, data)


def _check(kind: str) -> Callable[[bytes], list[Failure]]:
    return lambda data: oracle.run_check(kind, data)


def _prepare(kind: str) -> Callable[[bytes], list[Failure]]:
    return lambda data: oracle.run_prepare(kind, data)


def _cli(kind: str) -> Callable[[bytes], list[Failure]]:
    return lambda data: oracle.run_cli(kind, data)


TARGETS: dict[str, Target] = {}
for _kind in corpus.KINDS:
    TARGETS[f"reader-{_kind}"] = Target(f"reader-{_kind}", _kind, _reader(_kind), 3.0)
for _kind in corpus.KINDS:
    TARGETS[f"check-{_kind}"] = Target(f"check-{_kind}", _kind, _check(_kind), 2.0)
    TARGETS[f"prepare-{_kind}"] = Target(f"prepare-{_kind}", _kind, _prepare(_kind), 2.0)
for _kind in corpus.KINDS:
    # The CLI costs two interpreter starts per input (seconds): a sample of the inputs.
    TARGETS[f"cli-{_kind}"] = Target(f"cli-{_kind}", _kind, _cli(_kind), 0.02)


def pick_seed(rng: random.Random, kind: str) -> corpus.Seed:
    """A seed of the target's format; one time in six (never for XLSX) one of another
    format, saved under this format's extension."""
    own = corpus.seeds_of(kind)
    if kind != "xlsx" and rng.random() < 1 / 6:
        others = [s for s in corpus.all_seeds() if s.kind not in (kind, "xlsx")]
        if others:
            return rng.choice(others)
    return rng.choice(own)


def make_input(rng: random.Random, kind: str) -> tuple[bytes, dict]:
    """One fuzz input for a target of ``kind`` and how it was made (to replay it)."""
    seed = pick_seed(rng, kind)
    steps = [] if rng.random() < 0.05 else mutate.random_steps(rng, seed.kind)
    other_seed = rng.randrange(2**32)

    def other(_rng: random.Random) -> bytes:
        return random.Random(other_seed).choice(corpus.all_seeds()).data

    data = mutate.apply(seed.data, seed.kind if kind != "xlsx" else "xlsx", steps, other)
    return data, {"seed": seed.name, "seed_kind": seed.kind, "steps": steps}
