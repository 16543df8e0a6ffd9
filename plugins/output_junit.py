"""``junit`` output: JUnit XML, the test report CI systems show (GitLab's unit test reports,
Jenkins, Azure Pipelines, CircleCI). One ``testsuite`` per file read, one ``testcase`` per file
and rule that ran into a finding, ``classname`` the file and ``name`` the rule; a test case
fails with one ``failure`` element per finding (its location and message), so the report lists
every finding; a file without findings is one passing test case.

The element and attribute names are those of the JUnit XML format as CI systems read it
(Jenkins' ``junit-10.xsd``, the format GitLab documents under "Unit test reports": ``testsuites``
> ``testsuite`` (``name``, ``tests``, ``failures``, ``errors``, ``skipped``) > ``testcase``
(``classname``, ``name``, ``file``) > ``failure`` (``message``, ``type``, text)). XML 1.0 cannot
hold every character a dataset can: control characters are written as ``\\xNN`` escapes.
"""

from __future__ import annotations

import re
from typing import TextIO

from ftlint import Diagnostic, OutputFormat, Report, hookimpl, printable

#: What XML 1.0 forbids (C0 controls other than tab, LF, CR; the surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` as XML 1.0 can hold it: forbidden characters as visible escapes."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", printable(text))


def _attr(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(xml_text(text))


def escape(text: str) -> str:
    from xml.sax.saxutils import escape as xml_escape

    return xml_escape(text)


def _where(d: Diagnostic) -> str:
    return d.location.describe()


class JunitFormat(OutputFormat):
    name = "junit"
    description = "JUnit XML: a test case per file and rule (CI test reports)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        findings = [d for d in report.sorted_diagnostics() if not d.fixed]
        paths = [f.path for f in report.files]
        for d in findings:  # a finding about a file that was never read (no such file)
            if d.location.path not in paths:
                paths.append(d.location.path)
        by_file: dict[str, dict[tuple[str, str], list[Diagnostic]]] = {p: {} for p in paths}
        for d in findings:
            by_file[d.location.path].setdefault((d.code, d.name), []).append(d)
        failing_levels = report.fail_on
        suites = []
        total_tests = total_failures = 0
        for path, rules in by_file.items():
            cases = []
            failures = 0
            for (code, name), items in rules.items():
                failed = any(d.severity >= failing_levels for d in items)
                kind = "failure" if failed else "system-out"
                body = []
                for d in items:
                    text = f"{_where(d)}: {d.code} [{d.severity}] {d.message}"
                    if d.excerpt:
                        text += f"\n  | {d.excerpt}"
                    if kind == "failure":
                        body.append(
                            f'      <failure message={_attr(d.message)} type="{d.severity}">'
                            f"{escape(xml_text(text))}</failure>"
                        )
                    else:
                        body.append(text)
                if kind == "failure":
                    failures += 1
                    inner = "\n".join(body)
                else:  # below --fail-on: a passing case that still shows what was found
                    inner = f"      <system-out>{escape(xml_text(chr(10).join(body)))}</system-out>"
                cases.append(
                    f"    <testcase classname={_attr(path)} name={_attr(f'{code} {name}')} "
                    f"file={_attr(path)}>\n{inner}\n    </testcase>"
                )
            if not cases:
                cases.append(
                    f"    <testcase classname={_attr(path)} name={_attr('ftlint')} "
                    f"file={_attr(path)}/>"
                )
            total_tests += len(cases)
            total_failures += failures
            suites.append(
                f'  <testsuite name={_attr(path)} tests="{len(cases)}" '
                f'failures="{failures}" errors="0" skipped="0">\n'
                + "\n".join(cases)
                + "\n  </testsuite>"
            )
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(
            f'<testsuites name="ftlint" tests="{total_tests}" failures="{total_failures}" '
            f'errors="0">\n'
        )
        for suite in suites:
            stream.write(suite + "\n")
        stream.write("</testsuites>\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [JunitFormat()]
