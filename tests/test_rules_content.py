"""Content rules (FT5xx): control characters, replacement characters, mojibake, special tokens,
whitespace padding and template placeholders, in every shape (chat, prompt/completion,
preference, community formats, tabular rows): failing, passing and fixed cases, the false
alarms they must not raise (code, JSON, LaTeX), and the real datasets of ``../shared/data``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from ftlint.rules.content import ftlint_rules
from ftlint.rules.content.controls import CONTROL_RE, remove_controls
from ftlint.rules.content.encoding import repair_mojibake
from ftlint.rules.content.template_placeholder import find_placeholders
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import codes, read_jsonl, write_jsonl

PC = ("--model", "babbage-002")
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def chat(user: str, answer: str, system: str | None = None) -> dict:
    messages = [{"role": "system", "content": system}] if system else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": messages}


def filler(n: int = 10) -> list[dict]:
    return [chat(f"Where is parcel {i}?", f"Parcel {i} is on its way.") for i in range(n)]


def check(run_json, path: Path, *args: str) -> dict:
    _code, report = run_json("check", path, "--select", "FT5", *args)
    return report


def only(report: dict, code: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == code]


def prepare(run_cli, path: Path, *args: str) -> None:
    code, _out, err = run_cli("prepare", path, "--select", "FT5", *args)
    assert code in (0, 1), err


# ---------------------------------------------------------------------------------------------
# control-characters


def test_control_characters_located_and_removed(run_json, run_cli, tmp_path):
    records = filler()
    records[3] = chat("Total:\x07 42\tok\r\n", "Fine\x1b[0m.\x00")
    path = write_jsonl(tmp_path / "ctrl.jsonl", records)
    found = only(check(run_json, path), "FT501")
    assert [(d["location"]["line"], d["location"]["field"]) for d in found] == [
        (4, "/messages/0/content"), (4, "/messages/1/content"),
    ]  # fmt: skip
    assert "1 control character (first: U+0007 BEL at character 7)" in found[0]["message"]
    assert "2 control characters (first: U+001B ESC" in found[1]["message"]
    assert "\\x07" in found[0]["excerpt"]  # made visible
    assert found[0]["fix"]["applicability"] == "safe"
    prepare(run_cli, path, "--fix")
    out = read_jsonl(tmp_path / "ctrl_prepared.jsonl")
    assert out[3]["messages"][0]["content"] == "Total: 42\tok\r\n"  # tab and CR/LF stay
    assert out[3]["messages"][1]["content"] == "Fine[0m."
    assert codes(check(run_json, tmp_path / "ctrl_prepared.jsonl")) == []


def test_latex_command_that_lost_its_backslash_is_restored(run_json, run_cli, tmp_path):
    records = filler()
    records[0] = chat("Simplify \\(\x0crac{a}{b}\\) with \x08eta and \x07lpha.", "Done.")
    records[1] = chat("Page one\x0cPage two", "Two pages.")
    path = write_jsonl(tmp_path / "math.jsonl", records)
    found = only(check(run_json, path), "FT501")
    assert "`\\frac` lost its backslash" in found[0]["message"]
    assert "invisible noise" in found[1]["message"]
    prepare(run_cli, path, "--fix")
    out = read_jsonl(tmp_path / "math_prepared.jsonl")
    assert (
        out[0]["messages"][0]["content"] == "Simplify \\(\\frac{a}{b}\\) with \\beta and \\alpha."
    )
    assert out[1]["messages"][0]["content"] == "Page one\nPage two"


def test_control_characters_in_csv_cells(run_json, tmp_path):
    path = tmp_path / "faq.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["prompt", "completion"])
        writer.writerow(["Opening hours?", "9 to 5"])
        writer.writerow(["Address?", "1 Main St\x0b Springfield"])
    (found,) = only(check(run_json, path), "FT501")
    assert found["location"]["line"] == 3 and found["location"]["field"] == "/completion"


# ---------------------------------------------------------------------------------------------
# replacement-character


def test_replacement_character(run_json, tmp_path):
    records = filler()
    records[5] = chat("Prix : 12 \ufffd ?", "Douze euros.")
    path = write_jsonl(tmp_path / "fffd.jsonl", records)
    (found,) = only(check(run_json, path), "FT502")
    assert found["location"]["line"] == 6 and found["location"]["field"] == "/messages/0/content"
    assert found["fix"] is None and "1 replacement character" in found["message"]


# ---------------------------------------------------------------------------------------------
# mojibake


def test_mojibake_detected_and_repaired_with_ftfy(run_json, run_cli, tmp_path):
    records = filler()
    records[2] = chat("Is the CafÃ© open?", "Yes, donâ€™t worry.")
    records[4] = chat("It\x92s broken", "We\x92ll fix it.")  # Windows-1252 read as Latin-1
    path = write_jsonl(tmp_path / "moji.jsonl", records)
    found = only(check(run_json, path), "FT503")
    assert [(d["location"]["line"], d["location"]["field"]) for d in found] == [
        (3, "/messages/0/content"), (3, "/messages/1/content"),
        (5, "/messages/0/content"), (5, "/messages/1/content"),
    ]  # fmt: skip
    assert "`Is the CafÃ© open?` should read `Is the Café open?`" in found[0]["message"]
    assert found[0]["fix"]["applicability"] == "unsafe"
    prepare(run_cli, path, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "moji_prepared.jsonl")
    assert out[2]["messages"][0]["content"] == "Is the Café open?"
    assert out[2]["messages"][1]["content"] == "Yes, don’t worry."
    assert out[4]["messages"][0]["content"] == "It’s broken"
    assert codes(check(run_json, tmp_path / "moji_prepared.jsonl")) == []


@pytest.mark.parametrize(
    "text",
    [
        "Réponse : la société\xa0: voilà, naïve façade, São Paulo, Straße, Ærøskøbing",
        "Ñandú, crème brûlée, Øresund, Œuvre, £5 and €10",
        "乙肝病毒DNA检测，需要复查。",
        "Привет, как дела?",
    ],
)
def test_correct_accented_text_is_not_mojibake(run_json, tmp_path, text):
    records = [*filler(), chat(text, text)]
    assert codes(check(run_json, write_jsonl(tmp_path / "ok.jsonl", records))) == []


# ---------------------------------------------------------------------------------------------
# special-token


def test_special_tokens_openai_error_others_warning(run_json, run_cli, tmp_path):
    records = filler()
    records[1] = chat("Hi", "Sure!<|im_end|>")
    records[2] = {"prompt": "Story ->", "completion": " Once upon a time.<|endoftext|>"}
    records[3] = chat("Hi", "<|start_header_id|>assistant<|end_header_id|>Hello")
    records[4] = chat("Hi", "<start_of_turn>model Hello<end_of_turn>")
    path = write_jsonl(tmp_path / "special.jsonl", records)
    found = only(check(run_json, path), "FT504")
    assert [(d["location"]["line"], d["severity"]) for d in found] == [
        (2, "error"), (3, "error"), (4, "warning"), (5, "warning"),
    ]  # fmt: skip
    assert found[1]["location"]["field"] == "/completion"
    assert "`<|im_end|>`" in found[0]["message"]
    assert "OpenAI's tokenizers reserve" in found[0]["message"]
    assert "`<|start_header_id|>`, `<|end_header_id|>`" in found[2]["message"]
    prepare(run_cli, path, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "special_prepared.jsonl")
    assert out[1]["messages"][1]["content"] == "Sure!"
    assert out[3]["messages"][1]["content"] == "assistantHello"


def test_things_that_look_like_tokens_but_are_not(run_json, tmp_path):
    records = [*filler(), chat("In Haskell, `f <|> g` and a <| b |> c", "Right: x <|| y, <|>.")]
    assert codes(check(run_json, write_jsonl(tmp_path / "ok.jsonl", records))) == []


# ---------------------------------------------------------------------------------------------
# whitespace-padding


def test_whitespace_padding_counted_once_and_stripped(run_json, run_cli, tmp_path):
    records = filler()
    records[2] = chat(" Where is my order? ", " Score: 10/10\n")  # user padding is fine
    records[6] = chat("Hi", "Hello!  ")
    records[7] = chat("Blank?", "   ")  # whitespace only: empty-content's business
    path = write_jsonl(tmp_path / "pad.jsonl", records)
    (found,) = only(check(run_json, path), "FT505")
    assert found["severity"] == "info"
    assert found["message"].startswith("2 of 10 assistant answers")
    assert found["location"]["line"] == 3 and found["location"]["field"] == "/messages/1/content"
    assert found["fix"]["applicability"] == "safe"
    prepare(run_cli, path, "--fix")
    out = read_jsonl(tmp_path / "pad_prepared.jsonl")
    assert out[2]["messages"] == [
        {"role": "user", "content": " Where is my order? "},
        {"role": "assistant", "content": "Score: 10/10"},
    ]
    assert out[6]["messages"][1]["content"] == "Hello!"
    assert out[7]["messages"][1]["content"] == "   "


def test_whitespace_padding_respects_the_legacy_completion_convention(run_json, tmp_path):
    records = [
        {"prompt": f"Capital number {i} ->", "completion": f" City {i}\n"} for i in range(12)
    ]
    path = write_jsonl(tmp_path / "legacy.jsonl", records)
    # With babbage-002 the leading space and the "\n" stop sequence are the convention.
    assert "FT505" not in codes(check(run_json, path, *PC))
    # With a chat model the completions become assistant messages: padding there.
    (found,) = only(check(run_json, path), "FT505")
    assert found["location"]["field"] == "/completion"


def test_whitespace_padding_in_preference_and_alpaca_records(run_json, tmp_path):
    preference = {
        "input": {"messages": [{"role": "user", "content": "Hi"}]},
        "preferred_output": [{"role": "assistant", "content": "Hello! "}],
        "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
    }
    alpaca = {"instruction": "Greet", "input": "", "output": "\nHello"}
    path = write_jsonl(tmp_path / "mixed.jsonl", [preference, alpaca])
    (found,) = only(check(run_json, path), "FT505")
    assert found["location"]["field"] == "/preferred_output/0/content"
    assert found["message"].startswith("2 of 3")


# ---------------------------------------------------------------------------------------------
# template-placeholder


def test_template_placeholders(run_json, tmp_path):
    records = filler()
    records[1] = chat("Summarise this article: {article}", "It is about {{ topic }}.")
    records[2] = chat("Hi", "Dear {customer_name}, your order {order_id} has shipped.")
    path = write_jsonl(tmp_path / "tpl.jsonl", records)
    found = only(check(run_json, path), "FT506")
    assert [(d["location"]["line"], d["location"]["field"]) for d in found] == [
        (2, "/messages/0/content"), (2, "/messages/1/content"), (3, "/messages/1/content"),
    ]  # fmt: skip
    assert "`{article}`" in found[0]["message"] and "`{{ topic }}`" in found[1]["message"]
    assert "`{customer_name}`, `{order_id}`" in found[2]["message"]
    assert found[0]["severity"] == "warning" and found[0]["fix"] is None
    assert "{article}" in found[0]["excerpt"]


@pytest.mark.parametrize(
    "text",
    [
        'Use ```python\nprint(f"Hello {name}")\n``` to greet.',
        "Call `str.format` like `'{name}'.format(name=x)`.",
        "print(f'Error sending email: {e}')",
        'msg = "Hello {name}"',
        "The answer is \\(\\frac{a}{b}\\) and \\text{speed} or $x^{ab}$ and $x_{ij}$.",
        'Return JSON: {"name": "Ada", "age": 36}',
        "GET /users/{user_id}/orders",
        "const poem = `Your ${adjective} ${noun}`",
        "In set notation {x} is a singleton; {a, b} a pair; {} empty.",
        "乙肝病毒DNA实时荧光检验{HBU_DNA}>5.00E+07",
        "Curly braces ({{...}}) and {{ . }} mark the word.",
        "begin{enumerate} item one, textbf{not} slowly",
        "{% for item in items %}{{ item.name }}{% endfor %}",
    ],
)
def test_no_placeholder_false_alarms(run_json, tmp_path, text):
    records = [*filler(), chat(text, text)]
    assert codes(check(run_json, write_jsonl(tmp_path / "ok.jsonl", records))) == []


@given(st.text(max_size=60))
def test_content_helpers_never_fail(text):
    find_placeholders(text)
    remove_controls(text)
    repair_mojibake(text)
    assert CONTROL_RE.search(remove_controls(text)) is None


def test_rules_do_not_fail_on_odd_records(run_json, tmp_path):
    records = [
        {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": 42}]},
        {"messages": "not a list"},
        {"prompt": ["a"], "completion": {"b": 1}},
        {"messages": [{"role": "assistant", "content": [{"type": "text", "text": " x\x07 "}]}]},
        {"conversations": [{"from": "human", "value": "Hi {name}"}, {"from": "gpt", "value": 1}]},
    ]
    report = check(run_json, write_jsonl(tmp_path / "odd.jsonl", records))
    assert "FT001" not in codes(report)
    assert {"FT501", "FT505", "FT506"} <= set(codes(report))


def test_rule_documentation(run_cli):
    for rule in ftlint_rules():
        code, out, _ = run_cli("rule", rule.code)
        assert code == 0
        for section in SECTIONS:
            assert section in out, (rule.name, section)


# ---------------------------------------------------------------------------------------------
# Real datasets


def test_real_dpo_demo_mojibake_and_latex_escape(run_json, shared_data):
    path = shared_data / "hiyouga__LLaMA-Factory" / "dpo_en_demo.json"
    report = check(run_json, path)
    moji = only(report, "FT503")
    assert [d["location"]["record"] for d in moji] == [16]
    assert "fiancé" in moji[0]["message"]
    (ctrl,) = only(report, "FT501")
    assert ctrl["location"]["record"] == 287 and "`\\frac`" in ctrl["message"]
    assert not {"FT504", "FT506"} & set(codes(report))


def test_real_files_have_no_false_alarms(run_json, shared_data):
    """Clean real data: no control, mojibake, special-token or placeholder reports."""
    quiet = {"FT501", "FT503", "FT504", "FT506"}
    for path in sorted(shared_data.glob("*/*.json*")):
        if path.name == "dpo_en_demo.json":
            continue
        report = check(run_json, path)
        assert not quiet & set(codes(report)), (path.name, codes(report))
    mapped = [
        ("revenger101__BH-Assurance/qa_dataset.csv", "question", "answer"),
        ("revenger101__BH-Assurance/Exemples_questions_reponses.xlsx", "Question", "Réponse"),
        ("openai__openai-cookbook/AG_news_samples.csv", "description", "label"),
        ("mimi-tg__ChitChat/qna_chitchat_professional.tsv", "Question", "Answer"),
        ("AIKU-Official__hansol-llm-competition/train.csv", "instruction", "output"),
    ]
    for name, prompt, completion in mapped:
        _code, report = run_json(
            "check", shared_data / name, "--select", "FT5,FT101",
            "--map", f"prompt={prompt}", "--map", f"completion={completion}",
        )  # fmt: skip
        assert not (quiet | {"FT502"}) & set(codes(report)), (name, codes(report))


def test_real_spam_file_has_lost_characters(run_json, shared_data):
    path = shared_data / "Arijit2003__SpamHamFilteration" / "spam.csv"
    _code, report = run_json(
        "check", path, "--select", "FT5,FT101", "--map", "prompt=v2", "--map", "completion=v1"
    )
    lost = only(report, "FT502")
    assert lost and all(d["location"]["field"] == "/prompt" for d in lost)


def test_real_autograding_answers_are_padded(run_json, shared_data):
    path = shared_data / "ganachan__GenAI-Autograding" / "training_set.jsonl"
    (found,) = only(check(run_json, path), "FT505")
    assert found["message"].startswith("240 of 240 assistant answers")


def test_fixes_of_one_text_compose_and_are_idempotent(run_json, run_cli, tmp_path):
    records = filler()
    records[0] = chat("Hi", "CafÃ© ok\x07<|im_end|>")
    path = write_jsonl(tmp_path / "all.jsonl", records)
    assert {"FT501", "FT503", "FT504"} <= set(codes(check(run_json, path)))
    prepare(run_cli, path, "--unsafe-fixes")
    first = tmp_path / "all_prepared.jsonl"
    assert read_jsonl(first)[0]["messages"][1]["content"] == "Café ok"
    assert codes(check(run_json, first)) == []
    prepare(run_cli, first, "--unsafe-fixes", "-o", tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == first.read_bytes()


def test_rules_listing_severity_and_fix_safety(run_cli):
    code, out, _ = run_cli("rules", "--format", "json")
    assert code == 0
    table = {r["code"]: (r["name"], r["severity"], r["fix"]) for r in json.loads(out)}
    assert {
        code: table[code] for code in ("FT501", "FT502", "FT503", "FT504", "FT505", "FT506")
    } == {
        "FT501": ("control-characters", "warning", "safe"),
        "FT502": ("replacement-character", "warning", None),
        "FT503": ("mojibake", "warning", "unsafe"),
        "FT504": ("special-token", "error", "unsafe"),
        "FT505": ("whitespace-padding", "info", "safe"),
        "FT506": ("template-placeholder", "warning", None),
    }
