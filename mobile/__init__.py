"""GridWatch mobile."""
