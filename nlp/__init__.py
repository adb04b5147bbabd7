"""GridWatch nlp."""
