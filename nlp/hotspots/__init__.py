"""Hotspots: clustering related reports, describing, tracking and de-duplicating them."""
