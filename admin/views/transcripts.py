"""Transcript correction against the audio; Whisper's original text is kept, and every correction recorded."""

from flask import abort, flash, redirect, render_template, request, url_for

from server.extensions import db
from server.web.pagination import paginate
from server.models import Media, Transcript, TranscriptCorrection

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, SUPERVISOR, current, login_required
from ..i18n import gettext

PER_PAGE = 40
MAX_CHARS = 4000


@bp.get("/transcripts")
@login_required(SUPERVISOR, ADMIN)
def transcript_list():
    """Transcripts, the uncertain and uncorrected first."""
    page = max(request.args.get("page", 1, type=int), 1)
    found = paginate(db.select(Transcript), page, PER_PAGE, Transcript.corrected_text.is_not(None),
                     Transcript.status == "ok", Transcript.id.desc())
    return render_template("admin/transcripts.html", rows=found.items, page=page, pages=found.pages)


def _transcript(media_id: str) -> Transcript:
    row = db.session.execute(db.select(Transcript).where(Transcript.media_id == media_id)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


@bp.get("/transcripts/<media_id>")
@login_required(SUPERVISOR, ADMIN)
def transcript_edit(media_id: str):
    """The recording, Whisper's text and segments, the current correction and the history."""
    row = _transcript(media_id)
    history = db.session.execute(db.select(TranscriptCorrection).where(
        TranscriptCorrection.transcript_id == row.id).order_by(TranscriptCorrection.id.desc())).scalars().all()
    return render_template("admin/transcript.html", t=row, media=db.session.get(Media, media_id), history=history)


@bp.post("/transcripts/<media_id>")
@login_required(SUPERVISOR, ADMIN)
def transcript_save(media_id: str):
    """Store a correction (the original stays in ``text``)."""
    row = _transcript(media_id)
    text = (request.form.get("corrected_text") or "").strip()
    if not text or len(text) > MAX_CHARS:
        flash(gettext("Write the corrected text (at most {n} characters).", n=MAX_CHARS), "error")
        return redirect(url_for("admin.transcript_edit", media_id=media_id))
    previous = row.corrected_text if row.corrected_text is not None else row.text
    if text != previous:
        db.session.add(TranscriptCorrection(transcript_id=row.id, previous_text=previous or "", corrected_text=text,
                                            corrected_by_id=current().id))
        row.corrected_text, row.corrected_by_id = text, current().id
        record("transcript.correct", str(row.id), report=row.report_id, commit=False)
        db.session.commit()
        flash(gettext("Correction saved; the original transcript is kept."), "success")
    return redirect(url_for("admin.transcript_edit", media_id=media_id))
