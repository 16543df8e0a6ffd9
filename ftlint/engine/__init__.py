"""The pipeline: read -> file rules -> record rules -> dataset rules -> fixes -> output.

One module per concern: ``select`` (which rules run), ``scan`` (one pass of a file through
the rules), ``parallel`` (byte ranges across processes, merged in order), ``fixes`` (the fix
plan and the fixed records), ``write`` (the output, atomically), ``engine`` (a run from file
to report), ``core_rules`` (the run's own problems). The engine knows no file format and no
rule: readers and rules come from plugins.
"""

from ftlint.engine.core_rules import CORE_RULES, RuleError, UnreadableFile
from ftlint.engine.engine import Engine
from ftlint.engine.fixes import FixPlan, apply_record_edits
from ftlint.engine.options import PrepareOptions
from ftlint.engine.scan import ScanResult, excerpt_of
from ftlint.engine.select import rule_matches, select_rules, unknown_selectors

__all__ = [
    "CORE_RULES",
    "Engine",
    "FixPlan",
    "PrepareOptions",
    "RuleError",
    "ScanResult",
    "UnreadableFile",
    "apply_record_edits",
    "excerpt_of",
    "rule_matches",
    "select_rules",
    "unknown_selectors",
]
