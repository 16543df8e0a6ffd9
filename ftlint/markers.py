"""pluggy's markers for ftlint's hooks, in a module of their own so that any module can mark
a hook implementation without importing the plugin manager (and what it imports)."""

import pluggy

#: The name of the hook namespace and of the entry-point group.
PROJECT = "ftlint"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
