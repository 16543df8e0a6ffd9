"""FT602-FT605: duplicates, conflicting answers, near duplicates, train/valid leakage."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from ftlint.rules.dataset.conflicting_completions import ConflictingCompletions
from ftlint.rules.dataset.duplicate_example import DuplicateExample
from ftlint.rules.dataset.minhash import NUM_PERM, band_rows
from ftlint.rules.dataset.near_duplicate import NearDuplicate
from ftlint.rules.dataset.train_valid_overlap import TrainValidOverlap
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.model import Location, Record
from ftlint.rule import RuleContext
from ftlint.targets import ftlint_targets
from tests.conftest import write_jsonl

LOREM = (
    "The quarterly report shows that revenue from the northern region grew steadily while "
    "costs in the southern warehouses fell after the new routing software was installed, "
    "and the board asked the finance team to prepare a detailed forecast for next year "
    "covering hiring, equipment, marketing and the planned expansion into two new cities."
)
LOREM += (
    " The forecast should also explain how the company will pay for the new delivery vans, "
    "which suppliers were chosen for the spare parts, and what the customer survey said about "
    "late deliveries during the winter months in both regions."
)
OTHER = (
    "Tomatoes need six to eight hours of direct sunlight, regular deep watering at the base "
    "of the plant, and a stake or cage once the stems reach knee height; pinch off suckers "
    "that grow between the main stem and the branches to get larger fruit earlier."
)


def chat(user: str, answer: str, system: str | None = None) -> dict:
    messages = [{"role": "system", "content": system}] if system else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": messages}


def filler(count: int) -> list[dict]:
    topics = ["invoices", "refunds", "passwords", "shipping", "returns", "coupons", "accounts"]
    return [
        chat(f"Question {i} about {topics[i % len(topics)]} and order {i * 7919}?",
             f"Answer {i}: open settings, then {topics[(i * 3) % len(topics)]}, step {i}.")
        for i in range(count)
    ]  # fmt: skip


def of(report: dict, code: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == code]


def lines(found: list[dict]) -> list[int]:
    return [d["location"]["line"] for d in found]


# -- duplicate-example -----------------------------------------------------------------------


def test_a_later_copy_is_reported_with_the_line_of_the_first(tmp_path, run_json):
    rows = filler(10)
    user, answer = (m["content"] for m in rows[2]["messages"])
    spaced = answer.replace(" ", "  ", 1).replace(", ", ",\n", 1) + " "
    copy = {
        "messages": [{"content": user, "role": "user"}, {"role": "assistant", "content": spaced}]
    }
    rows.insert(6, copy)  # same example: other key order, other whitespace
    rows.append(rows[0])
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    _code, report = run_json("check", path)
    found = of(report, "FT602")
    assert lines(found) == [7, 12]
    assert "line 3 (first copy)" in found[0]["message"]
    assert "line 1 (first copy)" in found[1]["message"]
    assert found[0]["fix"]["applicability"] == "safe"
    assert report["summary"]["duplicates"] == 2


def test_case_and_roles_matter(tmp_path, run_json):
    rows = filler(10)
    rows.append(chat("QUESTION 0 ABOUT INVOICES AND ORDER 0?", rows[0]["messages"][1]["content"]))
    rows.append({"messages": [{"role": "system", "content": rows[1]["messages"][0]["content"]},
                              rows[1]["messages"][1]]})  # fmt: skip
    _code, report = run_json("check", write_jsonl(tmp_path / "t.jsonl", rows))
    assert of(report, "FT602") == []


def test_fix_drops_the_later_copies_from_the_file(tmp_path, run_cli):
    rows = filler(10)
    rows += [rows[3], rows[3], rows[5]]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    code, _out, _err = run_cli("check", path, "--fix", "--select", "FT602")
    assert code == 0
    kept = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert kept == filler(10)


def test_prepare_lists_each_dropped_copy(tmp_path, run_json):
    rows = [{"prompt": f"Text {i}\n\n###\n\n", "completion": f" label{i % 3}"} for i in range(10)]
    rows.append(rows[4])
    out = tmp_path / "out.jsonl"
    _code, report = run_json("prepare", write_jsonl(tmp_path / "pc.jsonl", rows), "-o", out,
                             "--fix", "--no-report")  # fmt: skip
    assert len(out.read_text("utf-8").splitlines()) == 10
    dropped = report["files"][0]["dropped"]
    assert [(d["location"]["line"], d["code"]) for d in dropped] == [(11, "FT602")]
    assert "line 5" in dropped[0]["reason"]


def test_duplicates_in_a_csv_name_rows(tmp_path, run_json):
    path = tmp_path / "data.csv"
    body = "prompt,completion\n" + "".join(f"q{i},a{i}\n" for i in range(10)) + "q3,a3\n"
    path.write_text(body, "utf-8")
    _code, report = run_json("check", path)
    found = of(report, "FT602")
    assert len(found) == 1
    assert found[0]["location"]["record"] == 11


# -- conflicting-completions -----------------------------------------------------------------


def test_the_same_prompt_with_another_answer_is_a_conflict(tmp_path, run_json):
    rows = [{"prompt": f"Review {i}: it works\n\n###\n\n", "completion": " positive"}
            for i in range(10)]  # fmt: skip
    rows.append({"prompt": "Review 2: it works\n\n###\n\n", "completion": " negative"})
    rows.append({"prompt": "Review 2: it works\n\n###\n\n", "completion": " negative"})
    rows.append({"prompt": "Review 2: it works\n\n###\n\n", "completion": " neutral"})
    rows.append({"prompt": "Review 4: it works\n\n###\n\n", "completion": " positive"})
    _code, report = run_json("check", write_jsonl(tmp_path / "pc.jsonl", rows))
    found = of(report, "FT603")
    assert lines(found) == [11, 13]
    assert "line 3" in found[0]["message"]
    assert "2 different answers" in found[0]["message"]
    assert "3 different answers" in found[1]["message"]
    assert lines(of(report, "FT602")) == [12, 14]  # the exact copies are duplicates instead


def test_chat_conflicts_compare_everything_before_the_last_answer(tmp_path, run_json):
    rows = filler(10)
    rows.append(chat(rows[4]["messages"][0]["content"], "Something else entirely."))
    rows.append(chat(rows[4]["messages"][0]["content"], rows[4]["messages"][1]["content"],
                     system="Be brief."))  # fmt: skip
    _code, report = run_json("check", write_jsonl(tmp_path / "c.jsonl", rows))
    assert lines(of(report, "FT603")) == [11]


# -- near-duplicate --------------------------------------------------------------------------


def test_a_one_word_change_is_a_near_duplicate(tmp_path, run_json):
    rows = filler(10)
    rows.insert(2, chat("Summarise the report.", LOREM))
    rows.append(chat("Summarise the report.", LOREM.replace("steadily", "quickly")))
    rows.append(chat("Summarise the report.", OTHER))
    _code, report = run_json("check", write_jsonl(tmp_path / "n.jsonl", rows))
    found = of(report, "FT604")
    assert lines(found) == [12]
    assert "line 3" in found[0]["message"]
    assert "similarity" in found[0]["message"]


def test_exact_copies_are_not_also_near_duplicates(tmp_path, run_json):
    rows = [*filler(10), chat("Summarise.", LOREM), chat("Summarise.", LOREM)]
    _code, report = run_json("check", write_jsonl(tmp_path / "n.jsonl", rows))
    assert of(report, "FT604") == []
    assert lines(of(report, "FT602")) == [12]


def test_a_shared_system_prompt_does_not_make_examples_alike(tmp_path, run_json):
    system = LOREM + " " + OTHER
    rows = [chat(f"Is item {i} in stock?", f"Yes, {i} left.", system=system) for i in range(20)]
    _code, report = run_json("check", write_jsonl(tmp_path / "s.jsonl", rows))
    assert of(report, "FT604") == []


def test_text_without_spaces_is_compared_too(tmp_path, run_json):
    text = (
        "请问我的订单什么时候发货？我们会在收到付款后的两个工作日内安排发货，并通过短信通知您物流单号。"
        "如果您在七天内没有收到包裹，请联系客服并提供订单编号，我们会尽快为您查询物流状态。"
        "退货需要保持商品完好，并在收到商品后的十五天内提出申请，运费由我们承担。"
    )
    rows = [*filler(10), chat("订单", text), chat("订单", text.replace("两个", "三个", 1))]
    _code, report = run_json("check", write_jsonl(tmp_path / "zh.jsonl", rows))
    assert lines(of(report, "FT604")) == [12]


def test_the_threshold_is_configurable(tmp_path, run_json):
    rows = [*filler(10), chat("Summarise the report.", LOREM)]
    words = LOREM.split()
    changed = " ".join(w.upper() if i % 6 == 0 else w for i, w in enumerate(words))
    rows.append(chat("Summarise the report.", changed))
    path = write_jsonl(tmp_path / "n.jsonl", rows)
    _code, report = run_json("check", path)
    assert of(report, "FT604") == []
    config = tmp_path / "ftlint.toml"
    config.write_text("[rules.near-duplicate]\nthreshold = 0.3\n", "utf-8")
    _code, report = run_json("check", path, "--config", config)
    assert 12 in lines(of(report, "FT604"))


def test_a_bad_threshold_is_a_configuration_error(tmp_path, run_cli):
    config = tmp_path / "ftlint.toml"
    config.write_text("[rules.near-duplicate]\nthreshold = 1.5\n", "utf-8")
    code, _out, err = run_cli("check", write_jsonl(tmp_path / "n.jsonl", filler(10)),
                              "--config", config)  # fmt: skip
    assert code == 2
    assert "threshold" in err


def test_word_shingles_are_the_fallback_without_a_tokenizer():
    context = RuleContext(target=ftlint_targets()[0], options={})
    rule = NearDuplicate(context)
    rule.encoding = None
    accumulator = rule.accumulator()
    rows = [*filler(10), chat("Summarise the report.", LOREM),
            chat("Summarise the report.", LOREM.replace("steadily", "quickly"))]  # fmt: skip
    for i, row in enumerate(rows, start=1):
        accumulator.add(Record(row, Location("t.jsonl", line=i, record=i)))
    found = list(accumulator.finish())
    assert [d.location.line for d in found] == [12]


def test_band_rows_keep_97_percent_recall_at_the_threshold():
    assert band_rows(0.9) == 8
    assert band_rows(0.7) == 4
    for threshold in (0.5, 0.8, 0.9, 0.95):
        rows = band_rows(threshold)
        bands = NUM_PERM // rows
        assert 1 - (1 - threshold**rows) ** bands >= 0.97


# -- train-valid-overlap ---------------------------------------------------------------------


def test_validation_examples_found_in_training(tmp_path, run_json):
    train = [*filler(10), chat("Summarise the report.", LOREM)]
    valid = [
        chat("A new question?", "A new answer."),
        train[3],
        chat("Summarise the report.", LOREM.replace("steadily", "quickly")),
        train[3],
    ]
    train_path = write_jsonl(tmp_path / "train.jsonl", train)
    valid_path = write_jsonl(tmp_path / "valid.jsonl", valid)
    _code, report = run_json("check", train_path, "--validation-file", valid_path)
    found = of(report, "FT605")
    assert [(Path(d["location"]["path"]).name, d["location"]["line"]) for d in found] == [
        ("valid.jsonl", 2), ("valid.jsonl", 3), ("valid.jsonl", 4),
    ]  # fmt: skip
    assert "exact copy of the training example at line 4 of" in found[0]["message"]
    assert "near copy" in found[1]["message"] and "line 11 of" in found[1]["message"]
    assert found[0]["fix"]["applicability"] == "unsafe"
    # the copy inside the validation file is a duplicate of that file's line 2
    assert [(Path(d["location"]["path"]).name, d["location"]["line"])
            for d in of(report, "FT602")] == [("valid.jsonl", 4)]  # fmt: skip


def test_without_a_validation_file_nothing_is_kept():
    context = RuleContext(
        target=ftlint_targets()[0], options={}, settings={"validation_file": None}
    )
    accumulator = TrainValidOverlap(context).accumulator()
    for i, row in enumerate(filler(5), start=1):
        accumulator.add(Record(row, Location("t.jsonl", line=i, record=i)))
    assert len(accumulator.digest) == 0 and list(accumulator.finish()) == []


def test_the_autograding_files_leak_every_validation_example(shared_data, run_json):
    folder = shared_data / "ganachan__GenAI-Autograding"
    _code, report = run_json("check", folder / "training_set.jsonl",
                             "--validation-file", folder / "validation_set.jsonl")  # fmt: skip
    by_file: dict[tuple[str, str], int] = {}
    for d in report["diagnostics"]:
        key = (d["code"], Path(d["location"]["path"]).name)
        by_file[key] = by_file.get(key, 0) + 1
    # 240 lines / 27 unique; 60 lines / 25 unique, all 25 also in training
    assert by_file[("FT602", "training_set.jsonl")] == 240 - 27
    assert by_file[("FT602", "validation_set.jsonl")] == 60 - 25
    assert by_file[("FT605", "validation_set.jsonl")] == 60
    assert all("exact copy" in d["message"] for d in of(report, "FT605"))


# -- accumulators: state, merging, odd input ---------------------------------------------------


def _records(rows: list, split: str = "train", path: str = "t.jsonl") -> list[Record]:
    return [Record(row, Location(path, line=i, record=i), split=split)
            for i, row in enumerate(rows, start=1)]  # fmt: skip


@pytest.mark.parametrize("rule", [DuplicateExample, ConflictingCompletions,
                                  NearDuplicate, TrainValidOverlap])  # fmt: skip
def test_split_and_merged_state_gives_the_same_findings(rule):
    rows = [*filler(30), chat("Summarise the report.", LOREM)]
    rows += [rows[4], chat("Summarise the report.", LOREM.replace("steadily", "quickly")),
             chat(rows[7]["messages"][0]["content"], "A conflicting answer.")]  # fmt: skip
    valid = [rows[2], chat("new", "thing")]
    context = RuleContext(target=ftlint_targets()[0], options={})
    instance = rule(context)
    whole = instance.accumulator()
    for record in _records(rows) + _records(valid, "valid", "v.jsonl"):
        whole.add(record)
    parts = [instance.accumulator() for _ in range(3)]
    records = _records(rows)
    for record in records[:10]:
        parts[0].add(record)
    for record in records[10:]:
        parts[1].add(record)
    for record in _records(valid, "valid", "v.jsonl"):
        parts[2].add(record)
    parts = [pickle.loads(pickle.dumps(p)) for p in parts]  # as they come back from workers
    parts[0].merge(parts[1])
    parts[0].merge(parts[2])
    expected = [(d.location, d.message) for d in whole.finish()]
    assert expected  # every rule finds something in this data
    assert [(d.location, d.message) for d in parts[0].finish()] == expected


def test_state_stays_small_per_example():
    context = RuleContext(target=ftlint_targets()[0], options={})
    accumulator = NearDuplicate(context).accumulator()
    rows = filler(2000)
    for record in _records(rows):
        accumulator.add(record)
    accumulator.flush()
    size = len(pickle.dumps(accumulator))
    assert size / len(rows) < 100  # 64-byte signature + 8-byte digest + 10 bytes of place


ODD = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "role",
                    "content",
                    "name",
                    "tool_calls",
                    "text",
                    "function",
                    "from",
                    "value",
                    "type",
                ]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=15,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["messages", "prompt", "completion", "input", "preferred_output",
                     "conversations", "instruction", "output", "chosen", "rejected"]),
    ODD, max_size=4,
))  # fmt: skip
def test_odd_records_never_break_the_rules(data):
    context = RuleContext(target=ftlint_targets()[0], options={})
    for rule in (DuplicateExample, ConflictingCompletions, NearDuplicate):
        accumulator = rule(context).accumulator()
        for record in _records([data, data]):
            accumulator.add(record)
        list(accumulator.finish())


# -- related locations: the other example of each pair ---------------------------------------


def _related(finding: dict) -> list[tuple[str, int | None, int | None, str]]:
    return [
        (Path(r["location"]["path"]).name, r["location"]["line"], r["location"]["record"],
         r["message"])
        for r in finding["related"]
    ]  # fmt: skip


def test_pairs_carry_the_other_example_as_a_related_location(tmp_path, run_json, run_cli):
    """FT602, FT603, FT604 and FT605 name the other example of the pair in ``related``
    (JSON ``related``, SARIF ``relatedLocations``), not only in their wording; the other
    findings have none. ``-f html`` reads the excerpts of both examples."""
    rows = filler(10)
    rows.insert(2, chat("Summarise the report.", LOREM))
    rows.append(chat("Summarise the report.", LOREM.replace("steadily", "quickly")))
    rows.append(rows[5])
    rows.append(chat(rows[6]["messages"][0]["content"], "a different answer"))
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    valid = write_jsonl(tmp_path / "valid.jsonl", [rows[0], chat("new", "one")])
    _code, report = run_json("check", train, "--validation-file", valid)
    assert _related(of(report, "FT602")[0]) == [("train.jsonl", 6, 6, "first copy")]
    [conflict] = [d for d in of(report, "FT603") if d["location"]["line"] == len(rows)]
    assert _related(conflict) == [("train.jsonl", 7, 7, "first example with this prompt")]
    [near] = of(report, "FT604")
    assert _related(near)[0][:3] == ("train.jsonl", 3, 3)
    assert _related(near)[0][3].startswith("similar example (0.")
    assert _related(of(report, "FT605")[0]) == [("train.jsonl", 1, 1, "training example")]
    paired = {"FT602", "FT603", "FT604", "FT605"}
    assert all(d["related"] == [] for d in report["diagnostics"] if d["code"] not in paired)
    # Without -f html the records are not read again: no excerpts.
    assert of(report, "FT602")[0]["related"][0]["excerpt"] is None
    code, out, err = run_cli("check", train, "--validation-file", valid, "-f", "sarif")
    assert code in (0, 1), err
    results = json.loads(out)["runs"][0]["results"]
    [dup] = [r for r in results if r["ruleId"] == "FT602"]
    [other] = dup["relatedLocations"]
    assert other["id"] == 1 and other["message"]["text"] == "first copy"
    assert other["physicalLocation"]["region"]["startLine"] == 6
    assert other["physicalLocation"]["artifactLocation"]["uri"].endswith("train.jsonl")


def test_the_excerpts_of_both_examples_are_read_when_asked(tmp_path):
    import ftlint

    rows = filler(10)
    rows.append(rows[4])
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    report = ftlint.check(str(train), isolated=True, select="FT602", output_format="html")
    [dup] = [d for d in report.diagnostics if d.code == "FT602"]
    question = rows[4]["messages"][0]["content"]
    assert dup.excerpt is not None and dup.excerpt.startswith(f"user: {question} │ assistant:")
    assert dup.related[0].excerpt == dup.excerpt
    plain = ftlint.check(str(train), isolated=True, select="FT602")
    assert [d.related[0].excerpt for d in plain.diagnostics if d.code == "FT602"] == [None]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("ab \t\n\u00a0\u2003x"), max_size=200))
def test_a_long_text_collapses_as_a_whole_split_would(text):
    """``_collapse`` splits a long text piece by piece (bounded memory for a 16 MB answer):
    the result is the whole text's ``" ".join(text.split())``, wherever a piece ends."""
    from ftlint.rules.dataset import canonical

    saved = canonical._PIECE
    try:
        for piece in (1, 3, 7):
            canonical._PIECE = piece
            assert canonical._collapse(text) == " ".join(text.split())
    finally:
        canonical._PIECE = saved


# ---------------------------------------------------------------------------------------------
# Small batches are hashed without numpy, byte for byte as the vectorised path


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=25), min_size=2,
             max_size=40),
    st.integers(1, 8),
)  # fmt: skip
def test_small_batch_signatures_equal_the_vectorised_ones(examples, size):
    from array import array

    import numpy as np
    from ftlint.rules.dataset.minhash import batch_signatures, small_batch_signatures

    tokens, offsets = array("I"), array("Q", [0])
    for ids in examples:
        tokens.extend(ids)
        offsets.append(len(tokens))
    wide = np.frombuffer(tokens.tobytes(), dtype=np.uint32).astype(np.uint64)
    assert small_batch_signatures(tokens.tobytes(), offsets, size) == batch_signatures(
        wide, offsets, size
    )


def test_a_huge_record_in_a_small_file_is_hashed_in_bulk(tmp_path, run_json, monkeypatch):
    """A few examples with many tokens go the vectorised way: the plain-Python path is for
    few ids (a 4 MB record took 34 s of CPU there); the near-duplicate is found all the same."""
    from ftlint.rules.dataset import minhash

    calls: list[int] = []
    original = minhash.small_batch_signatures

    def counted(ids, offsets, size):
        calls.append(len(ids) // 4)
        return original(ids, offsets, size)

    monkeypatch.setattr(minhash, "small_batch_signatures", counted)
    long_answer = " ".join(f"word{i} of the long answer, part {i % 97}." for i in range(4000))
    rows = filler(3)
    rows.append(chat("Summarise the long report.", long_answer))
    rows.append(chat("Summarise the long report.", long_answer.replace("part 5.", "piece 5.", 1)))
    _code, report = run_json("check", write_jsonl(tmp_path / "h.jsonl", rows), "--jobs", "1")
    assert lines(of(report, "FT604")) == [5]
    assert all(ids <= minhash.SMALL_BATCH_TOKENS for ids in calls)
