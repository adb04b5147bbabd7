"""Interoperability with the city's other systems: API keys, department webhooks, their admin API and commands.

The Open311 endpoint itself is ``server.open311``; the exports are ``server.exports``.
"""
