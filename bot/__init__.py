"""What runs inside the Rasa server (.venv-rasa): the input guard, the guarded channels, the NLU
components. It imports only itself and the leaf `sentence_encoder` (tests/test_layout.py)."""
