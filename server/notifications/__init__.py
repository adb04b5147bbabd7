"""In-app notifications: sending them and the inbox API."""
