"""Demo city data and the command that loads it."""
