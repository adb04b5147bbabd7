"""A file sent with a request (a report's photos and recording, a case step's attachments), read into memory."""
from dataclasses import dataclass


@dataclass
class Upload:
    """A file from the request: the form field it came in and its bytes."""

    field: str
    data: bytes
