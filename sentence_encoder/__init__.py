"""A leaf library both environments import: all-MiniLM-L6-v2 sentence embeddings on onnxruntime.

The Rasa side's intent classifier and the app side's NLP layer (topics, similar cases,
satisfaction) share this one implementation. It imports nothing of Kefu's.
"""

from sentence_encoder.encoder import (
    KNOWN_ENCODERS,
    EncoderUnavailable,
    SentenceEncoder,
    load_encoder,
    model_directory,
)

__all__ = [
    "KNOWN_ENCODERS",
    "EncoderUnavailable",
    "SentenceEncoder",
    "load_encoder",
    "model_directory",
]
