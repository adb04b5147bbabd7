"""Tests for the nlp package."""
