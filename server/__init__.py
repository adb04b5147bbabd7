"""GridWatch server."""
