"""Configuration files, their precedence and their errors; JSON pointers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlint import pointer
from ftlint.config import ConfigError, config_from_table, find_config_file, load_config, parse_size
from ftlint.model import Severity


def test_pyproject_table_is_found_from_a_subdirectory(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ftlint]\nselect = ["FT2"]\nfail-on = "warning"\n'
        'min-examples = 5\n[tool.ftlint.map]\nprompt = "Question"\n'
        "[tool.ftlint.rules.token-cost]\nprice-per-1m = 2.5\n",
        encoding="utf-8",
    )
    sub = tmp_path / "data" / "deep"
    sub.mkdir(parents=True)
    config = load_config(start=sub)
    assert config.select == ["FT2"]
    assert config.fail_on is Severity.WARNING
    assert config.min_examples == 5
    assert config.column_map == {"prompt": "Question"}
    assert config.rule_options == {"token-cost": {"price-per-1m": 2.5}}


def test_ftlint_toml_wins_over_a_pyproject_without_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    assert find_config_file(tmp_path) is None
    (tmp_path / "ftlint.toml").write_text('target = "azure-openai"\n', encoding="utf-8")
    assert load_config(start=tmp_path).target == "azure-openai"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"selct": ["FT1"]}, "unknown setting 'selct'"),
        ({"fail-on": "fatal"}, "unknown severity"),
        ({"min-examples": -1}, "non-negative integer"),
        ({"select": [1]}, "list of strings"),
    ],
)
def test_bad_settings_are_clear_errors(table, message):
    with pytest.raises(ConfigError, match=message):
        config_from_table(table, source="ftlint.toml")


def test_invalid_toml_is_a_config_error(tmp_path):
    (tmp_path / "ftlint.toml").write_text("select = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(start=tmp_path)


@pytest.mark.parametrize(
    ("text", "size"),
    [("512MB", 512_000_000), ("1 GiB", 2**30), ("1000", 1000), ("1.5kb", 1500)],
)
def test_sizes(text, size):
    assert parse_size(text) == size


def test_bad_size():
    with pytest.raises(ConfigError):
        parse_size("lots")


keys = st.text(min_size=1, max_size=6)


@given(st.lists(keys, min_size=1, max_size=4), st.integers())
def test_pointer_set_then_resolve(tokens, value):
    document: dict = {}
    node = document
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    ptr = pointer.join(*tokens)
    assert pointer.split(ptr) == tokens
    pointer.set_value(document, ptr, value)
    assert pointer.resolve(document, ptr) == value
    pointer.delete_value(document, ptr)
    assert pointer.resolve(document, ptr, "gone") == "gone"


def test_pointer_into_lists():
    document = {"messages": [{"content": "a"}, {"content": "b"}]}
    assert pointer.resolve(document, "/messages/1/content") == "b"
    assert pointer.resolve(document, "/messages/7/content") is None
    pointer.set_value(document, "/messages/-", {"content": "c"})
    assert document["messages"][2] == {"content": "c"}
