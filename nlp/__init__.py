"""NLP layer: topics, similar cases, sentiment and satisfaction (built in a later issue)."""
