"""GridWatch triage: taxonomy, classification, severity, routing, lifecycle, deadlines."""
