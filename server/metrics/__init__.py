"""Department assessment (三率): the figures and their API."""
