"""GridWatch admin."""
