"""The version of ftlint, in a module of its own so that the core can read it without
importing the package (and the whole public API) first."""

__version__ = "0.1.0"
