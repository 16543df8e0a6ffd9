"""The ``html`` output format and ``prepare --report-html``: the page as a real browser sees
it (headless Chromium, loaded from disk with the network disabled: its DOM and a screenshot),
escaping of hostile data, no external reference, the size cap, and the report on the bundled
example and on real files in every input format.

The browser tests skip when no Chromium is installed (CI installs it: ``.ci/run``).
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ftlint.plugins import output_html
from ftlint.plugins.output_html import (
    class_chart,
    histogram_chart,
    make_bins,
    pair_groups,
    render_html,
    verdict,
)

from ftlint.model import Diagnostic, DroppedRecord, Location, Related, Severity
from ftlint.report import FileReport, Report
from tests.conftest import REPO, write_jsonl

EXAMPLE = REPO / "examples" / "support_faq.csv"
BIG = REPO / "benchmarks" / "data" / "chat_100000.jsonl"
TWO_MB = 2 * 1024 * 1024

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JINJA = "[{{ 7*7 }}] {% raw %} {# c #}"


def chat(user: str, assistant: str) -> dict:
    return {
        "messages": [
            {"role": "user", "content": user},
            {"role": "assistant", "content": assistant},
        ]
    }


# -- the browser -------------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Run headless Chromium on a local file, offline: ``browser(page, "--dump-dom")``
    returns standard output; ``browser(page, "--screenshot=OUT")`` writes a PNG."""
    executable = _chromium()
    if executable is None:
        pytest.skip("chromium is not installed")

    def run(page: Path, *flags: str, size: str = "1280,2000") -> str:
        profile = tmp_path_factory.mktemp("chromium-profile")
        command = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            # Every request would go to a closed port: the page must need none.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            f"--window-size={size}",
            *flags,
            page.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    return run


class Page(HTMLParser):
    """The elements, attributes and text of an HTML document (a file or a dumped DOM)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.texts).append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


def assert_offline(page: Page) -> None:
    """Nothing that a browser would fetch: no URL in any attribute or in the CSS, no script,
    no external stylesheet, and the CSP that forbids both."""
    assert page.tags("script") == []
    assert page.tags("link") == []
    assert page.tags("img") == []
    assert page.tags("iframe") == [] and page.tags("object") == [] and page.tags("embed") == []
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href", "action", "srcset", "poster", "data"):
                assert value is not None and value.startswith("#"), (tag, name, value)
            assert not re.search(r"(?i)\b(https?:|ftp:|file:|//)", value or ""), (tag, name, value)
    css = "".join(page.styles)
    assert "url(" not in css and "@import" not in css and "http" not in css
    csp = [
        a
        for a in page.tags("meta")
        if (a.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert csp and "default-src 'none'" in (csp[0].get("content") or "")


# -- a minimal PNG decoder (no Pillow needed) ---------------------------------------------------


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """``(width, height, channels, pixels)`` of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat = 8, b""
    width = height = channels = 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    pixels = bytearray(height * stride)
    previous = bytearray(stride)
    position = 0
    for y in range(height):
        kind = raw[position]
        line = bytearray(raw[position + 1 : position + 1 + stride])
        position += 1 + stride
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
        pixels[y * stride : (y + 1) * stride] = line
        previous = line
    return width, height, channels, bytes(pixels)


def colours(width: int, height: int, channels: int, pixels: bytes) -> dict[tuple, int]:
    counts: dict[tuple, int] = {}
    for i in range(0, width * height * channels, channels):
        key = tuple(pixels[i : i + 3])
        counts[key] = counts.get(key, 0) + 1
    return counts


def near(counts: dict[tuple, int], rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    return sum(
        n
        for c, n in counts.items()
        if all(abs(x - y) <= tolerance for x, y in zip(c, rgb, strict=True))
    )


# -- helpers -----------------------------------------------------------------------------------


def html_report(
    run_cli, tmp_path: Path, *args: str, name: str = "report.html"
) -> tuple[int, Path, str]:
    target = tmp_path / name
    code, out, err = run_cli("check", *args, "-f", "html", "--output-file", target)
    assert code in (0, 1), err
    assert out == ""
    return code, target, err


def json_report(run_cli, *args: str) -> dict:
    code, out, err = run_cli("check", *args, "-f", "json")
    assert code in (0, 1), err
    return json.loads(out)


# -- the page's content (no browser) ----------------------------------------------------------


def test_verdicts_follow_the_fail_level():
    loc = Location("a.jsonl")
    error = Diagnostic("FT201", "x", Severity.ERROR, "m", loc)
    warning = Diagnostic("FT203", "y", Severity.WARNING, "m", loc)
    info = Diagnostic("FT702", "z", Severity.INFO, "m", loc)
    assert verdict([info], Severity.ERROR) == "accepted"
    assert verdict([info, warning], Severity.ERROR) == "warnings"
    assert verdict([info, warning, error], Severity.ERROR) == "rejected"
    assert verdict([warning], Severity.WARNING) == "rejected"
    fixed = Diagnostic("FT201", "x", Severity.ERROR, "m", loc, fixed=True)
    assert verdict([fixed, info], Severity.ERROR) == "accepted"


def test_bins_and_the_limit_marker():
    bins = make_bins([10, 12, 15, 20, 31, 40])
    assert bins is not None and bins.width == 2 and sum(bins.counts) == 6 and not bins.overflow
    # A few outliers: the last bar counts everything above the 99th percentile.
    skewed = [100] * 500 + [101] * 499 + [50_000]
    bins = make_bins(skewed)
    assert bins is not None and bins.overflow and bins.counts[-1] == 1
    chart = histogram_chart("c", "Tokens", [100, 200, 300, 400], "tokens", "t", [(250, "limit")])
    assert (
        chart is not None and len(chart.markers) == 1 and "limit 250" in chart.markers[0]["label"]
    )
    far = histogram_chart("c", "Tokens", [100, 200], "tokens", "t", [(65_536, "limit")])
    assert far is not None and not far.markers and "off the chart" in far.notes[0]
    assert "65,536" in far.desc


def test_pairs_are_read_from_the_findings_that_name_another_example():
    def finding(code: str, name: str, message: str, line: int) -> Diagnostic:
        return Diagnostic(code, name, Severity.WARNING, message, Location("t.jsonl", line=line))

    groups = pair_groups(
        [
            finding("FT602", "dup", "duplicate of the example at line 3 (first copy); a", 9),
            finding("FT602", "dup", "duplicate of the example at line 3 (first copy); a", 12),
            finding(
                "FT604",
                "near",
                "near-dup of the example at line 5 (estimated similarity 0.93 ≥",
                40,
            ),
            finding(
                "FT605",
                "tvo",
                "is an exact copy of the training example at line 17 of t.jsonl; the",
                4,
            ),
            finding("FT999", "other", "nothing to pair here", 2),
        ],
        "t.jsonl",
    )
    by_code = {g.code: g for g in groups}
    assert set(by_code) == {"FT602", "FT604", "FT605"}
    copies = by_code["FT602"]
    assert copies.kind == "copies" and copies.copy_groups[0].first == "line 3"
    assert [c.where for c in copies.copy_groups[0].copies] == ["line 9", "line 12"]
    assert by_code["FT604"].kind == "pairs"
    assert by_code["FT604"].pairs[0].other == "line 5"
    assert by_code["FT604"].pairs[0].how == "estimated similarity 0.93"
    overlap = by_code["FT605"]
    assert overlap.kind == "overlap" and overlap.pairs[0].other == "line 17 of t.jsonl"


def test_the_page_of_a_huge_report_stays_small():
    """The worst case the caps must hold: 100,000 examples with a finding each, 50,000
    duplicates, 100,000 dropped records, long excerpts."""
    n = 100_000
    file = FileReport(path="big.jsonl", reader="jsonl", records=n, written=0)
    file.examples = {
        "record": list(range(1, n + 1)),
        "tokens": [50 + i % 3000 for i in range(n)],
        "trained_tokens": [20 + i % 700 for i in range(n)],
        "messages": [2 + i % 9 for i in range(n)],
    }
    file.summary = {"examples": n, "tokens": {"total": 10**8, "trained": 10**7, "limit": 65_536}}
    file.dropped = [
        DroppedRecord(Location("big.jsonl", line=i, record=i), "x" * 500) for i in range(n)
    ]
    diagnostics = []
    for i in range(1, n + 1):
        loc = Location("big.jsonl", line=i, record=i)
        diagnostics.append(
            Diagnostic("FT506", "a", Severity.WARNING, "m" * 300, loc, excerpt="e" * 5000)
        )
        if i % 2:
            message = f"duplicate of the example at line {i + 1} (first copy); x"
            diagnostics.append(Diagnostic("FT602", "b", Severity.WARNING, message, loc))
    html = render_html(Report("check", files=[file], diagnostics=diagnostics))
    assert len(html.encode()) < 300_000  # far under the 2 MB the issue allows
    assert "… and 99995 more" in html


@pytest.mark.slow
def test_the_page_of_the_100k_benchmark_file_is_under_2_mb(run_cli, tmp_path):
    if not BIG.exists():
        pytest.skip(f"{BIG} is absent (python benchmarks/generate.py chat 100000)")
    _, target, _ = html_report(run_cli, tmp_path, BIG)
    assert target.stat().st_size < TWO_MB
    assert "100,000" in Page(target.read_text("utf-8")).text


def test_without_jinja2_the_run_stops_before_reading(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(output_html, "jinja_available", lambda: False)
    train = write_jsonl(tmp_path / "t.jsonl", [chat("Hi", "Hello")])
    code, _, err = run_cli("check", train, "-f", "html", "--output-file", tmp_path / "r.html")
    assert code == 2 and "pip install 'ftlint[html]'" in err
    assert not (tmp_path / "r.html").exists()
    code, _, err = run_cli("prepare", train, "--report-html", tmp_path / "r.html")
    assert code == 2 and "pip install 'ftlint[html]'" in err
    assert not (tmp_path / "t_prepared.jsonl").exists() and not (tmp_path / "r.html").exists()


def test_without_jinja2_render_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "jinja2", None)
    from ftlint import ConfigError

    with pytest.raises(ConfigError, match=re.escape("pip install 'ftlint[html]'")):
        render_html(Report("check"))


def test_no_external_reference_in_the_file(run_cli, tmp_path):
    """URLs from the data appear as text only; the page itself names none."""
    train = write_jsonl(
        tmp_path / "t.jsonl",
        [
            chat("See https://evil.example/x.png", "url(http://evil.example/a.css) <|endoftext|>"),
            '{"messages": "https://evil.example/" ',
        ],
    )
    _, target, _ = html_report(run_cli, tmp_path, train)
    source = target.read_text("utf-8")
    page = Page(source)
    assert_offline(page)
    assert "https://evil.example" in page.text or "http://evil.example" in page.text
    url = re.compile(r"(?i)(https?|ftp|file)://")
    in_text = sum(len(url.findall(t)) for t in page.texts)
    assert in_text >= 2
    assert len(url.findall(source)) == in_text  # every URL in the file is data, as text


def test_prepare_report_html(run_cli, tmp_path):
    data = tmp_path / "faq.csv"
    shutil.copy(EXAMPLE, data)
    page = tmp_path / "faq.html"
    code, _, err = run_cli("prepare", data, "--fix", "--unsafe-fixes", "--report-html", page)
    assert code == 0, err
    assert (tmp_path / "faq_prepared.report.json").exists() and page.exists()
    report = json.loads((tmp_path / "faq_prepared.report.json").read_text("utf-8"))
    text = Page(page.read_text("utf-8")).text
    dropped = report["files"][0]["dropped"]
    assert dropped and f"Records left out of the output ({len(dropped)})" in text
    for record in dropped:
        assert record["reason"] in text
    # Refused when it exists (without --force) or is an input; --force overwrites.
    (tmp_path / "faq_prepared.jsonl").unlink()
    (tmp_path / "faq_prepared.report.json").unlink()
    code, _, err = run_cli("prepare", data, "--report-html", page)
    assert code == 2 and "exists; pass --force" in err
    assert not (tmp_path / "faq_prepared.jsonl").exists()
    code, _, err = run_cli("prepare", data, "--report-html", data, "--force")
    assert code == 2 and "over the input" in err
    before = page.stat().st_mtime_ns
    code, _, err = run_cli("prepare", data, "--report-html", page, "--force")
    assert code in (0, 1), err
    assert page.stat().st_mtime_ns != before


# -- in the browser ----------------------------------------------------------------------------


def test_the_bundled_example_in_the_browser(run_cli, tmp_path, browser):
    report = json_report(run_cli, EXAMPLE)
    _, target, _ = html_report(run_cli, tmp_path, EXAMPLE)
    dom = Page(browser(target, "--dump-dom"))
    assert_offline(dom)
    text = dom.text
    summary = report["summary"]
    verdict_text = "rejected" if report["summary"]["exit_code"] else "accepted"
    assert f"openai: {verdict_text}" in text
    assert f"{summary['errors']} errors, {summary['warnings']} warnings" in text
    assert f"examples {summary['examples']}" in text
    assert f"tokens (total) {summary['tokens']['total']:,}" in text
    assert f"epochs {summary['epochs']}" in text
    assert "estimated cost $" in text
    for d in report["diagnostics"]:
        assert f"{d['code']} {d['name']}" in text
        assert f"ftlint rule {d['code']}" in text
    # the charts, each with a title, a description and its numbers as a table
    svgs = dom.tags("svg")
    assert len(svgs) == 3 and all(s.get("role") == "img" and s.get("viewbox") for s in svgs)
    assert len(dom.tags("rect")) >= 3 and len(dom.tags("details")) >= 3
    assert "Tokens per example" in text and "Messages per example" in text
    assert "training limit of gpt-4.1-mini-2025-04-14 is 65,536 tokens" in text
    # the duplicate, side by side with its first copy and the text of both
    assert (
        "first copy later copies line 3, record 2 prompt: Can I change the delivery address"
    ) in text
    assert "line 32, record 24 (the same text)" in text


def test_hostile_data_is_text_in_the_browser(run_cli, tmp_path, browser):
    name = IMG + ".jsonl"
    rows = [
        {"messages": [{"role": SCRIPT, "content": "hi"}, {"role": "assistant", "content": "x"}]},
        chat(IMG, f"{IMG} {SCRIPT} <|endoftext|>"),
        chat(JINJA, f"{JINJA} <|endoftext|>"),
        SCRIPT,  # not JSON: its excerpt is the raw line
        IMG,
    ]
    rows += [chat(f"question {i}", f"answer {i}") for i in range(12)]
    train = write_jsonl(tmp_path / name, rows)
    _, target, _ = html_report(run_cli, tmp_path, train)
    source = target.read_text("utf-8")
    assert source.count("<script") == 0 and "<img" not in source
    dom = Page(browser(target, "--dump-dom"))
    assert_offline(dom)
    assert dom.tags("img") == [] and dom.tags("script") == []
    text = dom.text
    assert SCRIPT in text
    assert IMG in text
    assert "[{{ 7*7 }}] {% raw %} {# c #}" in text
    assert "[49]" not in text  # the template never evaluated it


def test_train_valid_overlap_pair_by_pair(run_cli, tmp_path, browser):
    train = write_jsonl(tmp_path / "train.jsonl", [chat(f"q{i}", f"a{i}") for i in range(12)])
    valid = write_jsonl(
        tmp_path / "valid.jsonl", [chat("q3", "a3"), chat("new", "one"), chat("q7", "a7")]
    )
    _, target, _ = html_report(run_cli, tmp_path, train, "--validation-file", valid)
    dom = Page(browser(target, "--dump-dom"))
    text = dom.text
    assert "validation examples also in the training set (2)" in text
    # Each pair on one row: the validation example and its text, the training example and
    # its text.
    assert "line 1, record 1 · exact copy user: q3 │ assistant: a3 " in text
    assert f"{train}, line 4, record 4 user: q3 │ assistant: a3" in text
    assert "line 3, record 3 · exact copy user: q7 │ assistant: a7 " in text
    assert f"{train}, line 8, record 8 user: q7 │ assistant: a7" in text
    cells = [a for a in dom.tags("div") if a.get("role") == "cell"]
    assert len(cells) == 4


def test_near_duplicates_side_by_side_with_both_texts(run_cli, tmp_path, browser):
    words = "the quarterly report shows that revenue from the northern region grew steadily "
    words += "while costs in the southern warehouses fell after new routing software arrived "
    words += "and the board asked the finance team for a detailed forecast of next year, "
    words += "covering hiring, equipment, marketing and the planned expansion into two new "
    words += "cities, and how the company will pay for the new delivery vans " + SCRIPT
    rows = [chat(f"question {i} about topic {i * 7}", f"answer {i}") for i in range(10)]
    rows.insert(2, chat("Summarise.", words))
    rows.append(chat("Summarise.", words.replace("steadily", "quickly")))
    train = write_jsonl(tmp_path / "n.jsonl", rows)
    _, target, _ = html_report(run_cli, tmp_path, train)
    assert "<script" not in target.read_text("utf-8")
    text = Page(browser(target, "--dump-dom")).text
    assert "earlier example this example" in text
    assert "near-duplicate" in text
    assert f"line 3, record 3 user: Summarise. │ assistant: {words[:60]}" in text
    assert "line 12, record 12 · estimated similarity 0." in text
    assert words.replace("steadily", "quickly")[:60] in text


def test_pairs_come_from_related_locations():
    """A finding with ``related`` is paired by it, whatever its wording: the other example's
    place and excerpt, next to the finding's own."""
    loc = Location("t.jsonl", line=9, record=9)
    first = Related(Location("t.jsonl", line=3, record=3), "first copy", "user: hi")
    d = Diagnostic("X1", "mine", Severity.WARNING, "worded my own way", loc, excerpt="user: hi",
                   related=(first,))  # fmt: skip
    other = Related(Location("train.jsonl", line=5, record=5), "training example", "user: a")
    v = Diagnostic("X2", "cross", Severity.WARNING, "also there", Location("v.jsonl", line=1),
                   excerpt="user: a", related=(other,))  # fmt: skip
    groups = {g.code: g for g in pair_groups([d, v], "t.jsonl")}
    copies = groups["X1"]
    assert copies.kind == "copies" and copies.copy_groups[0].first == "line 3, record 3"
    assert copies.copy_groups[0].first_excerpt == "user: hi"
    assert copies.copy_groups[0].copies[0].excerpt is None  # the same text, shown once
    overlap = groups["X2"]
    assert overlap.kind == "overlap" and overlap.pairs[0].other_excerpt == "user: a"
    assert overlap.pairs[0].other == "train.jsonl, line 5, record 5"


def _classification(tmp_path: Path) -> Path:
    import csv

    labels = [" positive"] * 14 + [" negative"] * 9 + [" " + SCRIPT] * 4 + [" " + JINJA] * 3
    path = tmp_path / "labels.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["prompt", "completion"])
        for i, label in enumerate(labels):
            writer.writerow([f"Review {i}: the parcel came on day {i % 5} ->", label])
    return path


def test_class_balance_chart_and_its_table(run_cli, tmp_path, browser):
    path = _classification(tmp_path)
    report = json_report(run_cli, path)
    summary = report["files"][0]["summary"]
    assert summary["task"] == "classification" and summary["classes"] == 4
    assert summary["class_counts"] == {" positive": 14, " negative": 9, " " + SCRIPT: 4,
                                       " " + JINJA: 3}  # fmt: skip
    _, target, _ = html_report(run_cli, tmp_path, path)
    source = target.read_text("utf-8")
    assert "<script" not in source
    dom = Page(browser(target, "--dump-dom"))
    assert_offline(dom)
    figure = [f for f in dom.tags("figure") if f.get("id", "").endswith("-classes")]
    assert len(figure) == 1
    text = dom.text
    assert "Class balance: examples per class" in text
    assert "Bar chart of the examples of each of 4 classes (30 examples)" in text
    # the table equivalent: every class, its examples and share, as text
    assert "positive 14 46.7%" in text and "negative 9 30.0%" in text
    assert f"{SCRIPT} 4 13.3%" in text and f"{JINJA} 3 10.0%" in text
    assert "[49]" not in text
    bars = [r for r in dom.tags("rect") if r.get("height") == "16"]
    assert len(bars) == 4
    widths = [float(b["width"]) for b in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > 3 * widths[-1]


def test_class_chart_of_many_classes_draws_the_largest():
    counts = {f"class {i}": 100 - i for i in range(50)}
    file = FileReport("f.csv", summary={"task": "classification", "classes": 70,
                                        "class_counts": counts, "classes_other": 40})  # fmt: skip
    chart = class_chart(file, 1, lambda t: t)
    assert chart is not None and len(chart.bars) == 20 and len(chart.rows) == 51
    assert chart.rows[-1] == (
        "20 other classes",
        "40",
        f"{100 * 40 / (sum(counts.values()) + 40):.1f}%",
    )
    assert "the 20 largest classes" in chart.desc
    assert class_chart(FileReport("f.csv", summary={"task": "conditional generation"}), 1,
                       lambda t: t) is None  # fmt: skip


def test_screenshot_is_not_blank(run_cli, tmp_path, browser):
    _, target, _ = html_report(run_cli, tmp_path, EXAMPLE)
    shot = tmp_path / "report.png"
    browser(target, f"--screenshot={shot}", size="1000,1300")
    data = shot.read_bytes()
    assert 20_000 < len(data) < 5_000_000
    width, height, channels, pixels = decode_png(data)
    assert (width, height) == (1000, 1300)
    counts = colours(width, height, channels, pixels)
    assert len(counts) > 50  # text, badges, charts: not a single colour
    assert max(counts.values()) < 0.97 * width * height
    assert near(counts, (0xB4, 0x23, 0x18)) > 500  # the red "rejected" badges
    assert near(counts, (0x3B, 0x6F, 0xB6)) > 2000  # the histogram bars


# -- real files in every input format ---------------------------------------------------------

REAL = [
    ("jsonl", "openai__openai-cookbook/toy_chat_fine_tuning.jsonl", ()),
    ("json", "hiyouga__LLaMA-Factory/alpaca_zh_demo.json", ()),
    (
        "csv",
        "openai__openai-cookbook/AG_news_samples.csv",
        ("--map", "prompt=description", "--map", "completion=label"),
    ),
    (
        "xlsx",
        "revenger101__BH-Assurance/Exemples_questions_reponses.xlsx",
        ("--map", "prompt=Question", "--map", "completion=Réponse"),
    ),
]


@pytest.mark.parametrize(("kind", "relative", "options"), REAL, ids=[r[0] for r in REAL])
def test_real_files_in_the_browser(
    run_cli, tmp_path, browser, shared_data, kind, relative, options
):
    path = shared_data / relative
    if not path.exists():
        pytest.skip(f"{relative} is absent")
    report = json_report(run_cli, path, *options)
    _, target, _ = html_report(run_cli, tmp_path, path, *options)
    assert target.stat().st_size < TWO_MB
    dom = Page(browser(target, "--dump-dom"))
    assert_offline(dom)
    text = dom.text
    summary = report["summary"]
    file = report["files"][0]
    assert file["reader"] == kind
    assert f"reader {kind}" in text and f"records read {file['records']:,}" in text
    expected = (
        "rejected"
        if summary["exit_code"]
        else ("accepted with warnings" if summary["warnings"] else "accepted")
    )
    assert f"openai: {expected}" in text
    classification = summary.get("task") == "classification"
    if "examples" in summary:
        assert f"examples {summary['examples']:,}" in text
        assert len(dom.tags("svg")) == 3 + classification  # + the class balance
    codes = {d["code"] for d in report["diagnostics"]}
    for code in codes:
        assert f"ftlint rule {code}" in text
    if classification:
        assert f"Classification data: {summary['classes']} classes" in text
        assert "Class balance: examples per class" in text
        largest, count = next(iter(summary["class_counts"].items()))
        assert f"{count:,} {100 * count / file['records']:.1f}%" in text or largest
