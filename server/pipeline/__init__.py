"""The background pipeline: transcribe → analyse → route, on RQ or in-process."""
