"""First-party rule plugins, one module per concern. Installed as ``ftlint.rules``."""
