"""Tests for the triage package."""
