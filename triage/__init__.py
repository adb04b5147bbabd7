"""GridWatch triage."""
