"""The app's logic without Kivy: API client, outbox, sync, local cache, checklists, messages."""
