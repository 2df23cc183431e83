"""Finding commitments, challenges and successes in what people write."""

from followthrough.extraction.extractor import Extractor

__all__ = ["Extractor"]
