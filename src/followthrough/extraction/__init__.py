"""Finding commitments, challenges and successes in what people write: rules, the trained
model, due dates, and the analysis worker that runs them apart from sync.

May import `mail` (parsing) and `errors`; never IMAP, the store, check-ins or the CLI.

``Extractor`` is imported lazily: modules such as ``analysis`` are used where spaCy
must not be loaded (the sync process leaves spaCy to its extraction worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followthrough.extraction.extractor import Extractor

__all__ = ["Extractor"]


def __getattr__(name: str) -> Any:
    if name == "Extractor":
        from followthrough.extraction.extractor import Extractor

        return Extractor
    raise AttributeError(name)
