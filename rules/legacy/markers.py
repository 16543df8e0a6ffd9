"""The markers of the legacy prompt/completion format: the separators the legacy
``prepare_data`` tool proposed to end prompts with, and the stop sequences it proposed to end
completions with. The separator and stop-sequence rules choose among them; with a chat model,
``LegacySeparators`` removes them."""

from __future__ import annotations

#: Separators the legacy tool proposed, in its order; the first that no prompt contains wins.
#: ``" ->"`` only when no prompt spans several lines.
PROMPT_SEPARATORS = (
    " ->",
    "\n\n###\n\n",
    "\n\n===\n\n",
    "\n\n---\n\n",
    "\n\n===>\n\n",
    "\n\n--->\n\n",
)
#: The separator when every one of ``PROMPT_SEPARATORS`` occurs in some prompt.
FALLBACK_SEPARATOR = "\n\n### =>\n\n"
#: Stop sequences the legacy tool proposed, in its order; the first no completion contains wins.
STOP_SEQUENCES = ("\n", ".", " END", "***", "+++", "&&&", "$$$", "@@@", "%%%")
#: The stop sequence when every one of ``STOP_SEQUENCES`` occurs in some completion.
FALLBACK_STOP = " [END]"
