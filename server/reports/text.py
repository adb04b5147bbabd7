"""A report's words as the pipeline reads them."""
from server.models import Report


def full_text(report: Report) -> str:
    """The report's words: what was typed and what was said."""
    heard = [t.corrected_text or t.text for t in report.transcripts if (t.corrected_text or t.text)] \
        if report.has_audio else []
    return "\n".join(p for p in [report.text, *heard] if p)
