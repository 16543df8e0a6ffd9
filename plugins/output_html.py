"""``html`` output: one self-contained HTML file for people (``-f html --output-file FILE``,
``prepare --report-html FILE``).

Per file: its verdict for the run's target (accepted / accepted with warnings / rejected:
the remaining findings' severities against ``fail_on``), the figures of the token rules
(examples, shapes, tokens, epochs, estimated cost), histograms of tokens per example (with the
model's training limit marked), of trained tokens (the answers: assistant / completion
messages) and of messages per example, the findings grouped by rule with their first
examples, duplicate and near-duplicate pairs side by side, the train/valid overlap pair by
pair, and the records that ``prepare`` left out with their reasons. Lists are capped (the
JSON report has everything), so the file stays small on any dataset.

Choices:

* **Jinja2 with autoescaping** renders the page: every value from the data (excerpts, paths,
  messages, class names) is escaped by the template engine, and data is only ever a template
  *variable*, never template source, so ``{{ 7*7 }}`` in a dataset is printed as it is.
  Jinja2 is an optional extra (``pip install 'ftlint[html]'``), imported only here, when this
  format renders; a run asking for the format without it stops before reading anything.
* **The charts are inline SVG drawn here**, by a Jinja macro from bar geometry computed in
  Python (about a hundred lines). Only bar histograms with a reference line are needed.
  matplotlib's SVG backend is a heavy dependency for that; pygal (light, maintained) by
  default writes a ``<script>`` fetched from kozea.github.io, an XML declaration, comments
  and namespaces with URLs and per-chart CSS, has no ``role="img"`` and no reference lines,
  so it would need post-processing to be safe offline. Drawing the SVG here keeps the same
  escaping for chart labels as for the rest, and gives each chart ``role="img"``, a
  ``<title>`` and ``<desc>``, a viewBox, and a ``<details>`` table with the numbers for screen
  readers. (The submit plugin's loss curve is drawn the same way.)
* **No script, nothing external**: inline CSS, system fonts, no URL anywhere; a
  Content-Security-Policy ``default-src 'none'`` meta tag makes the browser refuse any
  request or script even if something slipped through. Hover text comes from SVG
  ``<title>`` elements.

For classification data the class balance is drawn as horizontal bars from the summary's
``class_counts`` (``classification-detected``), with a table of every class. Pairs of examples
come from ``Diagnostic.related`` (the first copy of a duplicate, the training example of an
overlap) with the excerpts of both, which the engine reads when the report is HTML
(``Config.related_excerpts``); a finding of another plugin without related locations is
paired from its message's wording. Anything else of the data it shows (class names) goes
through ``Report.mask`` like the findings did.
"""

from __future__ import annotations

from typing import Any, TextIO

from ftlint import Config, ConfigError, OutputFormat, Report, hookimpl

INSTALL_HINT = "pip install 'ftlint[html]'"
#: The page's template, beside this module (package data of ftlint.plugins).
TEMPLATE = "output_html.html.j2"


def jinja_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("jinja2") is not None


class HtmlFormat(OutputFormat):
    name = "html"
    description = "one self-contained HTML page: verdict, figures, charts, findings (needs jinja2)"

    def require(self) -> None:
        if not jinja_available():
            raise ConfigError(
                f"the html output format needs Jinja2, which is not installed: {INSTALL_HINT}"
            )

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        stream.write(render_html(report))


def render_html(report: Report) -> str:
    try:
        import jinja2
    except ImportError:
        raise ConfigError(
            f"the html output format needs Jinja2, which is not installed: {INSTALL_HINT}"
        ) from None
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    import importlib.resources

    from ftlint.plugins.html_page import context

    template = importlib.resources.files(__package__).joinpath(TEMPLATE).read_text("utf-8")
    return environment.from_string(template).render(**context(report))


@hookimpl
def ftlint_configure(config: Config) -> None:
    # Stop before anything is read when the report cannot be rendered.
    if config.output_format == HtmlFormat.name:
        HtmlFormat().require()


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [HtmlFormat()]


def __getattr__(name: str) -> Any:
    """The page's parts (``verdict``, ``make_bins``, ``class_chart`` ...) under their old
    address: they moved to ``ftlint.plugins.html_page``, imported only when asked for."""
    if name.startswith("__"):
        raise AttributeError(name)
    from ftlint.plugins import html_page

    try:
        return getattr(html_page, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
