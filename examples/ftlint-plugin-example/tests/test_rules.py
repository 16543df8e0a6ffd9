"""The plugin's rules, tested with ftlint's kit: one YAML file of cases per rule in cases/."""

from pathlib import Path

import pytest

from ftlint.testing import case_params, run_case


@pytest.mark.parametrize("case", case_params(Path(__file__).parent / "cases"))
def test_rule_case(case):
    run_case(case)
