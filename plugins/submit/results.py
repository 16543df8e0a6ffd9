"""After a job: its step metrics (the result file, a CSV), the loss curves drawn from them, and
how to call the fine-tuned model.

The plot is an SVG written here (a few polylines; no dependency), or a PNG through matplotlib
when it is installed (``pip install ftlint[plot]``) and asked for with ``--plot-format png``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ftlint.plugins.submit.jobs import MetricPoint
from ftlint.plugins.submit.ui import UI

#: Column names seen in result files for each series, first match wins.
COLUMNS = {
    "step": ("step",),
    "train_loss": ("train_loss", "training_loss"),
    "valid_loss": ("valid_loss", "validation_loss"),
    "full_valid_loss": ("full_valid_loss", "full_validation_loss"),
}
SERIES = (
    ("train_loss", "train loss", "#1f77b4"),
    ("valid_loss", "validation loss", "#ff7f0e"),
    ("full_valid_loss", "full validation loss", "#2ca02c"),
)


# ---------------------------------------------------------------------------------------------
# The result file


def decode_result_content(data: bytes) -> str | None:
    """The CSV text of a result file: plain, or base64-encoded as some endpoints serve it."""
    text = data.decode("utf-8-sig", errors="replace").strip()
    if _looks_like_csv(text):
        return text + "\n"
    try:
        decoded = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    text = decoded.decode("utf-8-sig", errors="replace").strip()
    return text + "\n" if _looks_like_csv(text) else None


def _looks_like_csv(text: str) -> bool:
    header = text.split("\n", 1)[0].lower()
    return "step" in header and "," in header


def _float(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_result_csv(text: str) -> list[MetricPoint]:
    """Step metrics from a result CSV, one point per step, in step order."""
    reader = csv.DictReader(io.StringIO(text))
    fields = {name.strip().lower(): name for name in reader.fieldnames or []}

    def column(key: str) -> str | None:
        return next((fields[c] for c in COLUMNS[key] if c in fields), None)

    step_col = column("step")
    if step_col is None:
        return []
    cols = {key: column(key) for key in ("train_loss", "valid_loss", "full_valid_loss")}
    points: dict[int, MetricPoint] = {}
    for row in reader:
        step = _float(row.get(step_col))
        if step is None:
            continue
        values = {key: _float(row.get(col)) if col else None for key, col in cols.items()}
        points[int(step)] = MetricPoint(int(step), **values)
    return [points[s] for s in sorted(points)]


@dataclass
class Results:
    csv_path: Path | None = None
    plot_path: Path | None = None
    points: list[MetricPoint] | None = None
    source: str = "none"

    def summary(self) -> dict[str, Any]:
        points = self.points or []
        last_train = next((p for p in reversed(points) if p.train_loss is not None), None)
        last_valid = next((p for p in reversed(points) if p.valid_loss is not None), None)
        return {
            "result_file": str(self.csv_path) if self.csv_path else None,
            "plot": str(self.plot_path) if self.plot_path else None,
            "metrics_source": self.source,
            "steps": len(points),
            "final_train_loss": last_train.train_loss if last_train else None,
            "final_valid_loss": last_valid.valid_loss if last_valid else None,
        }


def save_results(
    client: Any,
    job: Any,
    dest_dir: Path,
    stem: str,
    ui: UI,
    fallback: list[MetricPoint],
    plot_format: str = "svg",
    overwrite: bool = False,
) -> Results:
    """Download the job's result file next to the data and draw its loss curves. Without a
    result file the metrics seen in the events are plotted instead. An existing file is not
    replaced unless ``overwrite`` (``--force``): the metrics are still read and shown."""
    import openai

    results = Results()
    job_id = str(getattr(job, "id", "job"))
    base = dest_dir / f"{stem}.{job_id}" if stem else dest_dir / job_id
    for file_id in list(getattr(job, "result_files", None) or [])[:1]:
        try:
            content = client.files.content(file_id).content
        except openai.OpenAIError as exc:
            from ftlint.plugins.submit.errors import describe_api_error

            ui.warn(describe_api_error(exc, f"downloading the result file {file_id}").message)
            break
        text = decode_result_content(content)
        if text is None:
            ui.warn(f"the result file {file_id} is not a metrics CSV; it was not saved")
            break
        target = base.with_name(base.name + ".results.csv")
        if write_sidecar(target, text.encode("utf-8"), overwrite, ui):
            results.csv_path = target
        results.points = parse_result_csv(text)
        results.source = "result file"
    if not results.points and fallback:
        results.points = list(fallback)
        results.source = "job events"
    if results.points:
        title = f"{job_id} · {getattr(job, 'fine_tuned_model', None) or getattr(job, 'model', '')}"
        results.plot_path = draw_plot(results.points, base, title, plot_format, ui, overwrite)
    return results


def write_sidecar(target: Path, data: bytes, overwrite: bool, ui: UI) -> bool:
    """Write a result file atomically; an existing one is kept (a warning says so) unless
    ``overwrite``. False when nothing was written."""
    from ftlint import AtomicWriter, OutputExists

    try:
        with AtomicWriter(target, overwrite=overwrite) as handle:
            handle.write(data)
    except OutputExists:
        ui.warn(f"{target} exists and is kept; pass --force to overwrite it")
        return False
    except OSError as exc:
        ui.warn(f"cannot write {target}: {exc.strerror or exc}")
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Plotting


def draw_plot(
    points: list[MetricPoint],
    base: Path,
    title: str,
    plot_format: str,
    ui: UI,
    overwrite: bool = False,
) -> Path | None:
    if plot_format == "png":
        target = base.with_name(base.name + ".loss.png")
        try:
            data = render_png(points, title)
        except ImportError:
            ui.note("matplotlib is not installed (pip install 'ftlint[plot]'); drawing an SVG")
        else:
            return target if write_sidecar(target, data, overwrite, ui) else None
    target = base.with_name(base.name + ".loss.svg")
    svg = render_svg(points, title)
    if svg is None:
        return None
    return target if write_sidecar(target, svg.encode("utf-8"), overwrite, ui) else None


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    for _ in range(count + 3):
        if value > high + step * 1e-9:
            break
        ticks.append(round(value, 12))
        value += step
    return ticks


def _label(value: float) -> str:
    return f"{value:.4g}"


def render_svg(points: list[MetricPoint], title: str) -> str | None:
    """Loss per step as an SVG line chart (train, validation, full validation)."""
    series = []
    for key, label, colour in SERIES:
        xy = [(p.step, getattr(p, key)) for p in points if getattr(p, key) is not None]
        if xy:
            series.append((label, colour, xy))
    if not series:
        return None
    width, height = 800, 450
    left, right, top, bottom = 70, 20, 40, 50
    all_x = [x for _, _, xy in series for x, _ in xy]
    all_y = [y for _, _, xy in series for _, y in xy]
    x_ticks = _nice_ticks(min(all_x), max(all_x))
    y_ticks = _nice_ticks(min(all_y), max(all_y))
    x_low, x_high = x_ticks[0], max(x_ticks[-1], max(all_x))
    y_low, y_high = y_ticks[0], max(y_ticks[-1], max(all_y))
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(x: float) -> float:
        return left + (x - x_low) / ((x_high - x_low) or 1.0) * plot_w

    def sy(y: float) -> float:
        return top + plot_h - (y - y_low) / ((y_high - y_low) or 1.0) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2:.0f}" y="22" text-anchor="middle" font-size="14">'
        f"{escape(title)}</text>",
    ]
    for tick in y_ticks:
        y = sy(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e5e5"/>'
        )
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_label(tick)}</text>')
    for tick in x_ticks:
        x = sx(tick)
        out.append(
            f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 5}" '
            'stroke="black"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{_label(tick)}</text>'
        )
    out.append(
        f'<path d="M{left},{top} V{top + plot_h} H{width - right}" fill="none" stroke="black"/>'
    )
    out.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 10}" text-anchor="middle">step</text>'
    )
    out.append(
        f'<text x="16" y="{top + plot_h / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2:.0f})">loss</text>'
    )
    for index, (label, colour, xy) in enumerate(series):
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in xy)
        if len(xy) > 1:
            out.append(
                f'<polyline class="series" data-series="{escape(label)}" fill="none" '
                f'stroke="{colour}" stroke-width="1.5" points="{coords}"/>'
            )
        if len(xy) <= 50:
            out.extend(
                f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}"/>'
                for x, y in xy
            )
        ly = top + 8 + index * 18
        lx = width - right - 170
        out.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{colour}" '
            'stroke-width="2"/>'
        )
        out.append(f'<text x="{lx + 30}" y="{ly + 4}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_png(points: list[MetricPoint], title: str) -> bytes:
    """Loss per step as PNG bytes through matplotlib (ImportError when it is not installed);
    written like every other file, atomically and never over an existing one unasked."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    try:
        for key, label, colour in SERIES:
            xy = [(p.step, getattr(p, key)) for p in points if getattr(p, key) is not None]
            if xy:
                axes.plot([x for x, _ in xy], [y for _, y in xy], label=label, color=colour)
        axes.set_xlabel("step")
        axes.set_ylabel("loss")
        axes.set_title(title)
        axes.grid(alpha=0.3)
        axes.legend()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)


# ---------------------------------------------------------------------------------------------
# Using the model


def usage_snippet(fine_tuned_model: str, base_model: str, provider: str) -> str:
    """How to call the fine-tuned model, as a short Python snippet."""
    legacy = base_model.startswith(("babbage", "davinci"))
    if provider == "azure":
        call = (
            "client.completions.create(model=DEPLOYMENT, prompt=...)"
            if legacy
            else 'client.chat.completions.create(model=DEPLOYMENT, messages=[{"role": "user", '
            '"content": "Hello"}])'
        )
        return (
            f"# Azure: deploy {fine_tuned_model} first (a deployment of the fine-tuned model),\n"
            "# then call the deployment by its name:\n"
            "from openai import AzureOpenAI\n"
            "client = AzureOpenAI()  # AZURE_OPENAI_ENDPOINT, OPENAI_API_VERSION, key from env\n"
            f"response = {call}"
        )
    if legacy:
        return (
            "from openai import OpenAI\n"
            "client = OpenAI()\n"
            f'response = client.completions.create(model="{fine_tuned_model}", '
            'prompt="...", max_tokens=64)\n'
            "print(response.choices[0].text)"
        )
    return (
        "from openai import OpenAI\n"
        "client = OpenAI()\n"
        "response = client.chat.completions.create(\n"
        f'    model="{fine_tuned_model}",\n'
        '    messages=[{"role": "user", "content": "Hello"}],\n'
        ")\n"
        "print(response.choices[0].message.content)"
    )
