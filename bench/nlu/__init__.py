"""NLU benchmark: trains a Rasa pipeline (or a baseline) on a text,category CSV and scores it."""
