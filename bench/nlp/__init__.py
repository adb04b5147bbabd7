"""Benchmarks for the nlp library: text analysis, transcription, hotspot clustering."""
