"""Simplified Chinese for every English text of the admin pages."""
ZH = {}
