"""File-scope rules: not-utf8 (FT101), unexpected-bom (FT102), missing-bom (FT103),
file-too-large (FT104), empty-file (FT105). Real files in tmp_path, through the real CLI where
a reader exists for them, and on the real public datasets."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from ftlint.rules.file import detect as enc
from ftlint.rules.file.empty_file import EmptyFile
from ftlint.rules.file.not_utf8 import NotUtf8
from ftlint.rules.file.units import human_size
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint.rule import FileContext, RuleContext
from ftlint.targets import ftlint_targets
from tests.conftest import read_jsonl

FIXTURE_OK = [HealthCheck.function_scoped_fixture]
TOYHOM = "Toyhom__Chinese-medical-dialogue-data/样例_内科5000-6000.csv"
SPAM = "Arijit2003__SpamHamFilteration/spam.csv"
EMPTY = "revenger101__BH-Assurance/qa_dataset_clients_ft.jsonl"

CHAT_ZH = [
    {
        "messages": [
            {"role": "system", "content": "你是一个医疗助手。"},
            {"role": "user", "content": f"请问高血压患者可以吃什么？第{i}个问题"},
            {"role": "assistant", "content": "应该少吃盐，多吃蔬菜和水果，注意休息，按时服药。"},
        ]
    }
    for i in range(12)
]
CHAT_FR = [
    {
        "messages": [
            {"role": "user", "content": f"Quelle est la durée de la garantie n°{i} ?"},
            {
                "role": "assistant",
                "content": "Elle couvre les dégâts causés par l’eau — à bientôt.",
            },
        ]
    }
    for i in range(12)
]


def jsonl_text(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def target(name: str = "openai"):
    return next(t for t in ftlint_targets() if t.name == name)


def run_rule(rule_class, path: Path, is_text: bool = True, reader: str = "jsonl"):
    file = FileContext.open(path)
    file.is_text = is_text
    file.reader_name = reader
    diagnostics = list(rule_class(RuleContext(target=target())).check_file(file))
    return file, diagnostics


def by_code(report: dict, code: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == code]


# ---------------------------------------------------------------------------------------------
# not-utf8


def test_valid_utf8_is_clean(tmp_path, run_json):
    path = tmp_path / "ok.jsonl"
    path.write_text(jsonl_text(CHAT_ZH + CHAT_FR), encoding="utf-8")
    code, report = run_json("check", path, "--select", "FT101")
    assert code == 0
    assert by_code(report, "FT101") == []


def test_gbk_jsonl_is_detected_read_and_prepared(tmp_path, run_json, run_cli):
    path = tmp_path / "zh.jsonl"
    raw = jsonl_text(CHAT_ZH).encode("gbk")
    path.write_bytes(raw)
    _code, report = run_json("check", path, "--select", "FT101,FT201")
    [diag] = report["diagnostics"]
    assert diag["code"] == "FT101" and diag["name"] == "not-utf8"
    first_bad = next(i for i, b in enumerate(raw) if b >= 0x80)
    assert diag["location"]["line"] == 1
    # The column counts characters: everything before the first invalid byte is ASCII.
    assert diag["location"]["column"] == first_bad + 1
    assert f"byte offset {first_bad}" in diag["message"]
    assert "GB18030" in diag["message"] and "confidence 100%" in diag["message"]
    assert diag["fix"]["applicability"] == "safe"
    assert diag["fix"]["message"] == "transcode from GB18030 (GBK) to UTF-8"

    out = tmp_path / "zh_out.jsonl"
    code, _out, err = run_cli("prepare", path, "-o", out, "--select", "FT101", "--no-report")
    assert code == 0, err
    assert read_jsonl(out) == CHAT_ZH


def test_check_fix_transcodes_jsonl_in_place(tmp_path, run_cli):
    path = tmp_path / "zh.jsonl"
    path.write_bytes(jsonl_text(CHAT_ZH).encode("gb18030"))
    code, out, _err = run_cli("check", path, "--fix", "--select", "FT101")
    assert code == 0
    assert "fixed: transcode from GB18030 (GBK) to UTF-8" in out
    assert read_jsonl(path) == CHAT_ZH  # now valid UTF-8
    code, _out, _err = run_cli("check", path, "--select", "FT101")
    assert code == 0


def test_windows_1252_jsonl(tmp_path, run_json, run_cli):
    path = tmp_path / "fr.jsonl"
    path.write_bytes(jsonl_text(CHAT_FR).encode("cp1252"))
    _code, report = run_json("check", path, "--select", "FT101")
    [diag] = report["diagnostics"]
    assert "Windows-1252" in diag["message"]
    assert diag["fix"]["message"] == "transcode from Windows-1252 to UTF-8"
    out = tmp_path / "fr_out.jsonl"
    code, _out, err = run_cli("prepare", path, "-o", out, "--select", "FT101", "--no-report")
    assert code == 0, err
    assert read_jsonl(out) == CHAT_FR


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        ("prompt,completion\nWhere’s my order?,It ships in 2–3 days — £5\n", "cp1252", "cp1252"),
        ("q,a\nIt costs £5,ok\n", "cp1252", "cp1252"),
        ("frage,antwort\nWie lange?,Größere Bestellungen dauern länger; für Rückfragen\n",
         "cp1252", "cp1252"),
        ("latin,text\nCafé crème à la française, très réussi\n", "latin-1", "cp1252"),
        ("pytanie,odpowiedź\nJak długo trwa dostawa?,Większe zamówienia mogą trwać dłużej; "
         "dziękujemy za cierpliwość.\n", "cp1250", "cp1250"),
        ("otázka,odpověď\nJak dlouho trvá doručení?,Větší objednávky v případě dotazů; "
         "děkujeme za trpělivost.\n", "cp1250", "cp1250"),
        ("вопрос,ответ\nСколько времени занимает доставка?,Обычно три дня.\n", "cp1251", "cp1251"),
        ("问题,回答\n请问高血压患者可以吃什么？,应该少吃盐，多吃蔬菜和水果，注意休息。\n",
         "gbk", "gb18030"),
        ("q,a\n北京,好\n", "gb2312", "gb18030"),
        ("問題,回答\n請問高血壓患者可以吃什麼？,應該少吃鹽，多吃蔬菜和水果，注意休息。\n",
         "big5", "cp950"),
        ("質問,回答\n配送にはどのくらい時間がかかりますか？,通常は三日ほどでお届けします。\n",
         "shift_jis", "cp932"),
        ("질문,답변\n배송은 얼마나 걸리나요?,보통 삼일 정도 걸립니다.\n", "euc_kr", "cp949"),
    ],
)  # fmt: skip
def test_detection_prefers_what_people_export(tmp_path, text, codec, expected):
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode(codec))
    file, [diag] = run_rule(NotUtf8, path, reader="csv")
    assert file.encoding == expected, diag.message
    assert path.read_bytes().decode(file.encoding) == text


def test_stray_windows_bytes_in_a_utf8_file(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = jsonl_text(CHAT_FR).encode("utf-8")
    path.write_bytes(good + b'{"prompt": "I don\x92t know", "completion": "caf\xe9"}\n')
    file, [diag] = run_rule(NotUtf8, path)
    assert file.encoding == "utf-8+cp1252"
    assert diag.location.line == 13
    assert "2 invalid byte sequences" in diag.message
    assert "only the invalid bytes are read as Windows-1252" in diag.message
    assert str(diag.fix.applicability) == "unsafe"
    text = path.read_bytes().decode(file.encoding)
    assert text.endswith('{"prompt": "I don’t know", "completion": "café"}\n')
    assert "l’eau" in text  # the valid UTF-8 is kept as it was


@pytest.mark.parametrize(
    ("stray", "expected", "words"),
    [
        (b"It costs \xa35\n", "utf-8+cp1252", "read as Windows-1252 (confidence 70%)"),
        ("zażółć gęślą jaźń\n".encode("cp1250"), "utf-8+cp1250", "read as Windows-1250"),
        (b"x \x81 y \x8d z\n", "utf-8", "the invalid bytes match no encoding clearly"),
    ],
)
def test_stray_bytes_need_evidence(tmp_path, stray, expected, words):
    path = tmp_path / "mixed.csv"
    path.write_bytes("q,a\ncafé,crème brûlée\n".encode() * 3 + stray)
    file, [diag] = run_rule(NotUtf8, path, reader="csv")
    assert file.encoding == expected
    assert words in diag.message
    assert str(diag.fix.applicability) == "unsafe"


def test_undetectable_bytes_fall_back_to_replacement(tmp_path):
    path = tmp_path / "noise.jsonl"
    path.write_bytes(b'{"a": "ok"}\n{"a": "' + b"\x81\x8d\x8f\x90\x9d" * 30 + b'"}\n')
    file, [diag] = run_rule(NotUtf8, path)
    assert file.encoding == "utf-8"
    assert "could not be detected" in diag.message and "U+FFFD" in diag.message
    assert diag.location.line == 2 and diag.location.column == 8
    assert str(diag.fix.applicability) == "unsafe"


@pytest.mark.parametrize(
    ("codec", "raw_codec", "expected", "words"),
    [
        ("utf-16", "utf-16", "utf-16", "UTF-16 little-endian with a byte-order mark"),
        ("utf-16-be", "utf-16-be", "utf-16", "UTF-16 big-endian with a byte-order mark"),
        ("utf-16-le", "utf-16-le", "utf-16-le", "without a byte-order mark"),
        ("utf-16-be", "utf-16-be", "utf-16-be", "without a byte-order mark"),
        ("utf-32", "utf-32", "utf-32", "UTF-32 little-endian with a byte-order mark"),
        ("utf-32-le", "utf-32-le", "utf-32-le", "without a byte-order mark"),
    ],
)
def test_utf16_and_utf32(tmp_path, codec, raw_codec, expected, words):
    path = tmp_path / "wide.jsonl"
    text = jsonl_text(CHAT_FR)
    data = text.encode(raw_codec)
    if "with a byte-order mark" in words and codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path.write_bytes(data)
    file, [diag] = run_rule(NotUtf8, path)
    assert file.encoding == expected
    assert words in diag.message
    assert (diag.location.line, diag.location.column) == (1, 1)
    assert str(diag.fix.applicability) == "safe"
    assert data.decode(file.encoding).lstrip("\ufeff") == text


def test_utf16_jsonl_end_to_end(tmp_path, run_json):
    path = tmp_path / "wide.jsonl"
    path.write_bytes(jsonl_text(CHAT_FR).encode("utf-16"))
    _code, report = run_json("check", path, "--select", "FT101,FT201")
    assert [d["code"] for d in report["diagnostics"]] == ["FT101"]
    assert report["files"][0]["records"] == 12


def test_binary_reader_files_are_not_checked(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    _file, diagnostics = run_rule(NotUtf8, path, is_text=False, reader="xlsx")
    assert diagnostics == []


def test_first_error_position_across_chunks(tmp_path):
    """An invalid byte after the first 1 MiB chunk, and a character split by the chunk edge."""
    path = tmp_path / "big.jsonl"
    line = '{"text": "héllo wörld"}\n'.encode()
    body = line * (1_100_000 // len(line))
    path.write_bytes(body + b'{"text": "caf\xe9"}\n')
    file = FileContext.open(path)
    first = enc.find_first_error(file)
    assert first is not None
    assert first.offset == len(body) + len(b'{"text": "caf')
    assert first.line == body.count(b"\n") + 1
    assert first.column == 14
    assert first.byte == 0xE9


def test_truncated_last_character(tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_bytes('{"a": "é"}\n{"a": "'.encode() + "é".encode()[:1])
    first = enc.find_first_error(FileContext.open(path))
    assert first is not None and first.line == 2 and first.column == 8


def test_fallback_codec_decodes_incrementally():
    data = "café — ok ".encode() + b"\x93quoted\x94 \x80 " + "中文".encode()
    expected = "café — ok “quoted” € 中文"
    assert data.decode("utf-8+cp1252") == expected
    for cut in range(len(data) + 1):
        decoder = codecs.getincrementaldecoder("utf-8+cp1252")()
        assert decoder.decode(data[:cut]) + decoder.decode(data[cut:], final=True) == expected
    assert codecs.lookup("utf-8+cp1252").name == "utf-8+cp1252"
    assert enc.label("utf-8+cp1252") == "UTF-8 with Windows-1252 bytes"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_any_bytes_never_crash(tmp_path, data):
    path = tmp_path / "any.jsonl"
    path.write_bytes(data)
    file, diagnostics = run_rule(NotUtf8, path)
    assert len(diagnostics) <= 1
    if not diagnostics:
        data.decode("utf-8")
    else:
        data.decode(file.encoding, errors="replace")  # the chosen codec exists


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=200))
def test_any_utf8_text_is_clean(tmp_path, text):
    path = tmp_path / "text.jsonl"
    path.write_bytes(json.dumps({"text": text}, ensure_ascii=False).encode("utf-8") + b"\n")
    _file, diagnostics = run_rule(NotUtf8, path)
    assert diagnostics == []


def test_real_gbk_csv(shared_data):
    file, [diag] = run_rule(NotUtf8, shared_data / TOYHOM, reader="csv")
    assert file.encoding == "gb18030"
    assert (diag.location.line, diag.location.column) == (2, 1)
    assert "first invalid byte 0xD0 at line 2 (byte offset 28)" in diag.message
    assert "GB18030" in diag.message and "confidence 100%" in diag.message
    text = (shared_data / TOYHOM).read_bytes().decode(file.encoding)
    assert text.startswith("department,title,ask,answer\n心血管科,高血压患者")


def test_real_spam_csv_is_damaged_utf8(shared_data):
    """This copy of the Kaggle file is not Windows-1252: it is UTF-8 holding 1,102 U+FFFD
    characters (an earlier lossy conversion) and runs of the byte 0xFD, each the trace of one
    byte of a multi-byte character (``don\\xfd\\xfd\\xfdt`` for ``don’t``). Decoding it as
    Windows-1252 would turn every U+FFFD into ``ï¿½``; it is read as UTF-8 with U+FFFD."""
    file, [diag] = run_rule(NotUtf8, shared_data / SPAM, reader="csv")
    assert file.encoding == "utf-8"
    assert diag.location.line == 128
    assert "first invalid byte 0xFD at line 128 (byte offset 12,813)" in diag.message
    assert "79 invalid byte sequences" in diag.message
    assert "most invalid bytes are runs of one byte, 0xFD" in diag.message
    assert "1,102 U+FFFD replacement characters" in diag.message
    assert str(diag.fix.applicability) == "unsafe"


def test_real_utf8_files_are_clean(shared_data):
    for path in sorted(shared_data.glob("*/*")):
        if path.suffix in {".jsonl", ".json", ".csv", ".tsv"} and path.name not in {
            Path(TOYHOM).name,
            Path(SPAM).name,
        }:
            file, diagnostics = run_rule(NotUtf8, path)
            assert diagnostics == [], path
            assert file.encoding == "utf-8"


# ---------------------------------------------------------------------------------------------
# unexpected-bom / missing-bom

RECORD = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}'


def write_bom(path: Path, bom: bool) -> bytes:
    data = (codecs.BOM_UTF8 if bom else b"") + (RECORD + "\n" + RECORD + "\n").encode()
    path.write_bytes(data)
    return data


def test_unexpected_bom_on_openai(tmp_path, run_json):
    path = tmp_path / "bom.jsonl"
    write_bom(path, bom=True)
    code, report = run_json("check", path, "--select", "FT102,FT103")
    assert code == 1
    [diag] = report["diagnostics"]
    assert (diag["code"], diag["name"]) == ("FT102", "unexpected-bom")
    assert (diag["location"]["line"], diag["location"]["column"]) == (1, 1)
    assert diag["fix"]["applicability"] == "safe"
    code, report = run_json("check", path, "--select", "FT102,FT103", "--target", "azure-openai")
    assert code == 0 and report["diagnostics"] == []


def test_missing_bom_on_azure(tmp_path, run_json):
    path = tmp_path / "nobom.jsonl"
    write_bom(path, bom=False)
    code, report = run_json("check", path, "--select", "FT10", "--target", "azure-openai")
    assert code == 1
    [diag] = report["diagnostics"]
    assert (diag["code"], diag["name"]) == ("FT103", "missing-bom")
    assert "azure-openai requires UTF-8 with a BOM" in diag["message"]
    code, report = run_json("check", path, "--select", "FT10")
    assert code == 0 and report["diagnostics"] == []


def test_fix_strips_bom_for_openai(tmp_path, run_cli):
    path = tmp_path / "bom.jsonl"
    data = write_bom(path, bom=True)
    code, out, _err = run_cli("check", path, "--fix", "--select", "FT102")
    assert code == 0
    assert "fixed: remove the byte-order mark" in out
    assert path.read_bytes() == data[len(codecs.BOM_UTF8) :]
    code, _out, _err = run_cli("check", path, "--select", "FT102")
    assert code == 0


def test_fix_adds_bom_for_azure(tmp_path, run_cli):
    path = tmp_path / "nobom.jsonl"
    data = write_bom(path, bom=False)
    code, out, _err = run_cli(
        "check", path, "--fix", "--select", "FT103", "--target", "azure-openai"
    )
    assert code == 0
    assert "fixed: add a UTF-8 byte-order mark" in out
    assert path.read_bytes() == codecs.BOM_UTF8 + data
    code, _out, _err = run_cli("check", path, "--select", "FT103", "--target", "azure-openai")
    assert code == 0


def test_fix_keeps_a_wanted_bom_and_other_lines(tmp_path, run_cli):
    """With a BOM on azure and a blank line fixed, the BOM stays and nothing else changes."""
    path = tmp_path / "keep.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + f"{RECORD}\n\n{RECORD}\n".encode())
    code, _out, _err = run_cli(
        "check", path, "--fix", "--select", "FT103,FT203", "--target", "azure-openai"
    )
    assert code == 0
    assert path.read_bytes() == codecs.BOM_UTF8 + f"{RECORD}\n{RECORD}\n".encode()


def test_prepare_writes_the_target_bom_policy(tmp_path, run_cli):
    path = tmp_path / "in.jsonl"
    write_bom(path, bom=True)
    out = tmp_path / "openai.jsonl"
    run_cli("prepare", path, "-o", out, "--select", "FT102", "--no-report")
    assert not out.read_bytes().startswith(codecs.BOM_UTF8)
    out = tmp_path / "azure.jsonl"
    run_cli("prepare", path, "-o", out, "--target", "azure-openai", "--no-report")
    assert out.read_bytes().startswith(codecs.BOM_UTF8)


def test_bom_rules_ignore_tabular_files(tmp_path, run_json):
    """A CSV is never uploaded as it is: its Excel BOM is neither wrong nor missing."""
    path = tmp_path / "faq.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"prompt,completion\nHello?,Hi.\n")
    for tgt in ("openai", "azure-openai"):
        _code, report = run_json("check", path, "--select", "FT102,FT103", "--target", tgt)
        assert report["files"][0]["reader"] == "csv"
        assert report["diagnostics"] == []


# ---------------------------------------------------------------------------------------------
# file-too-large / empty-file


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1 kB"), (1500, "1.5 kB"),
        (512_000_000, "512 MB"), (612_400_000, "612.4 MB"), (1_000_000_000, "1 GB"),
    ],
)  # fmt: skip
def test_human_size(size, text):
    assert human_size(size) == text


def test_file_too_large_with_cli_limit(tmp_path, run_json):
    path = tmp_path / "big.jsonl"
    path.write_text((RECORD + "\n") * 30, encoding="utf-8")
    size = path.stat().st_size
    code, report = run_json("check", path, "--select", "FT104", "--max-file-size", "1kB")
    assert code == 1
    [diag] = report["diagnostics"]
    assert (diag["code"], diag["name"]) == ("FT104", "file-too-large")
    assert diag["message"].startswith(f"{human_size(size)} ({size:,} bytes), larger than the 1 kB")
    assert "openai accepts per file" in diag["message"]
    code, report = run_json("check", path, "--select", "FT104", "--max-file-size", "1GB")
    assert code == 0 and report["diagnostics"] == []
    # The target's own limit (512 MB) is far away.
    code, report = run_json("check", path, "--select", "FT104")
    assert code == 0


@pytest.mark.parametrize("value", ['"2kB"', "2000"])
def test_file_too_large_limit_from_config(tmp_path, run_json, monkeypatch, value):
    path = tmp_path / "big.jsonl"
    path.write_text((RECORD + "\n") * 30, encoding="utf-8")
    (tmp_path / "ftlint.toml").write_text(f"max-file-size = {value}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, report = run_json("check", "big.jsonl", "--select", "FT104")
    assert code == 1
    assert "larger than the 2 kB that openai accepts" in report["diagnostics"][0]["message"]
    code, report = run_json("check", "big.jsonl", "--select", "FT104", "--max-file-size", "1MB")
    assert code == 0  # the command line wins


def test_real_empty_file(shared_data, run_json):
    code, report = run_json("check", shared_data / EMPTY)
    assert code == 1
    assert [d["code"] for d in report["diagnostics"]] == ["FT105"]
    assert report["diagnostics"][0]["message"] == "the file is empty (0 bytes)"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n  \r\n",
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b" \n",
        " \n\n".encode("utf-16"),
        "\n".encode("utf-32"),
    ],
)
def test_empty_or_blank(tmp_path, data):
    path = tmp_path / "blank.jsonl"
    path.write_bytes(data)
    _file, [diag] = run_rule(EmptyFile, path)
    assert diag.code == "FT105"
    assert ("0 bytes" if not data else "only whitespace or a byte-order mark") in diag.message


def test_blank_file_reports_only_empty_file(tmp_path, run_json):
    path = tmp_path / "blank.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + b"\n")
    for tgt in ("openai", "azure-openai"):
        _code, report = run_json("check", path, "--select", "FT1", "--target", tgt)
        assert [d["code"] for d in report["diagnostics"]] == ["FT105"]


def test_large_blank_file_is_streamed(tmp_path):
    path = tmp_path / "spaces.jsonl"
    path.write_bytes(b" " * (FileContext.HEAD_SIZE * 3) + b"\n")
    _file, [diag] = run_rule(EmptyFile, path)
    assert diag.code == "FT105"
    path.write_bytes(b" " * (FileContext.HEAD_SIZE * 3) + b"{}\n")
    assert run_rule(EmptyFile, path)[1] == []


def test_zero_byte_xlsx_is_empty(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"")
    _file, [diag] = run_rule(EmptyFile, path, is_text=False, reader="xlsx")
    assert diag.message == "the file is empty (0 bytes)"
