"""Benchmarks: speed and accuracy, measured and reported with their numbers (never asserted)."""
