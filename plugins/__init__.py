"""First-party non-rule plugins: readers, output formats, the submit step. Installed as
``ftlint.plugins``."""
