"""Every rule's YAML cases (tests/cases/<family>/<rule-name>.yml), run with ftlint.testing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftlint.testing import case_params, run_case

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("case", case_params(CASES))
def test_rule_case(case):
    run_case(case)
