"""NLP and analytics layer: topics, similar cases, sentiment, satisfaction and CRM analytics.

Works on texts and plain records (see `nlp.records`); imports nothing else of Kefu's.
"""

from __future__ import annotations

__all__ = ["FORMAT_VERSION"]

# Bumped when an artefact layout changes, so old models are refused instead of misread.
FORMAT_VERSION = 2  # 2: KMeans topics, stacked-ridge satisfaction, hybrid index
