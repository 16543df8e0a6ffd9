"""An example third-party ftlint plugin (see ``ftlint_example.plugin``)."""

__version__ = "0.1.0"
