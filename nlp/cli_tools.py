"""The `segment` and `transcribe` commands of the `gridwatch nlp` command group."""

import io
import json
import sys

import click

EXIT_FILE_ERRORS = 1
EXIT_NO_MODEL = 2


def register(group: click.Group) -> click.Group:
    """Add the segment and transcribe commands to a click group and return it."""
    group.add_command(segment)
    group.add_command(transcribe)
    return group


def _line(obj) -> bytes:
    """Return one compact JSON line in UTF-8 (Chinese kept readable, whatever the locale)."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _read_areas(path: str) -> list[dict]:
    """Read a JSON list of area dicts, or an object holding it under "areas"."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"cannot read {path!r}: {exc}", param_hint="--places") from exc
    if isinstance(data, dict):
        data = data.get("areas")
    if not isinstance(data, list) or not all(isinstance(a, dict) for a in data):
        raise click.BadParameter(f"{path!r} must hold a JSON list of area objects", param_hint="--places")
    return data


def _segmenter(places: str | None):
    """Return one segmenter for the whole run, with the area names when given."""
    from nlp.segment import Segmenter, default_segmenter  # lazy: CLI start-up time: each tool loads what it uses

    if not places:
        return default_segmenter()
    from nlp.places import PlaceResolver  # lazy: CLI start-up time: each tool loads what it uses

    try:
        names = PlaceResolver(_read_areas(places)).names()
    except (KeyError, ValueError) as exc:
        raise click.BadParameter(f"bad area in {places!r}: {exc}", param_hint="--places") from exc
    return Segmenter(names)


@click.command("segment")
@click.option("--keywords", "with_keywords", is_flag=True, help='Add "keywords": [[word, weight], ...].')
@click.option("--top-k", default=8, show_default=True, type=click.IntRange(min=1), help="Keywords per line.")
@click.option("--idf", "idf_path", type=click.Path(dir_okay=False), help="IDF table (JSON, from save_idf) for keywords.")
@click.option("--mask", "with_mask", is_flag=True, help='Add "masked": the line with personal data masked.')
@click.option("--places", type=click.Path(dir_okay=False), help="JSON list of areas whose names segment whole.")
def segment(with_keywords: bool, top_k: int, idf_path: str | None, with_mask: bool, places: str | None):
    """Read lines on stdin; write one JSON line {"tokens": [...]} per input line."""
    from nlp.keywords import extract, load_idf  # lazy: CLI start-up time: each tool loads what it uses
    from nlp.pii import mask

    idf = None
    if idf_path:
        try:
            idf = load_idf(idf_path)
        except (OSError, ValueError) as exc:
            raise click.BadParameter(str(exc), param_hint="--idf") from exc
    seg = _segmenter(places)
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline=None)
    out = sys.stdout.buffer
    for line in stdin:
        line = line.rstrip("\n")
        record = {"tokens": seg.cut(line)}
        if with_keywords:
            record["keywords"] = [[w, round(s, 4)] for w, s in extract(record["tokens"], top_k=top_k, idf=idf)]
        if with_mask:
            record["masked"] = mask(line)
        out.write(_line(record))
    out.flush()


def _load(model: str, model_dir: str | None, quantize: bool):
    """Load the model or exit with one error line naming the model and the folder searched."""
    from nlp.transcribe import ModelUnavailable, load_model  # lazy: Whisper and torch are heavy

    try:
        return load_model(model, model_dir, quantize=quantize)
    except ModelUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
    except Exception as exc:  # a corrupt or foreign checkpoint: same contract, no traceback
        click.echo(f"error: cannot load whisper model {model!r}: {type(exc).__name__}: {exc}", err=True)
    sys.exit(EXIT_NO_MODEL)


@click.command("transcribe")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--model", envvar="WHISPER_MODEL", default="small", show_default=True,
              help="Model name in the model folder, or a checkpoint path [env WHISPER_MODEL].")
@click.option("--model-dir", envvar="WHISPER_MODEL_DIR", default=None,
              help="Folder of <name>.pt checkpoints [env WHISPER_MODEL_DIR; default whisper's cache folder].")
@click.option("--quantize/--no-quantize", envvar="WHISPER_QUANTIZE", default=False, show_default=True,
              help="int8 dynamic quantization of linear layers (CPU) [env WHISPER_QUANTIZE].")
@click.option("--threads", envvar="WHISPER_THREADS", default=0, type=click.IntRange(min=0),
              help="torch CPU threads (0: torch's default) [env WHISPER_THREADS].")
@click.option("--language", default="zh", show_default=True)
def transcribe(files: tuple[str, ...], model: str, model_dir: str | None, quantize: bool, threads: int, language: str):
    """Transcribe audio files; write one JSON line per file (the transcript, or an error)."""
    import torch

    from nlp import transcribe as tr  # lazy: Whisper and torch are heavy

    if threads:
        torch.set_num_threads(threads)
    loaded = _load(model, model_dir, quantize)
    failed = 0
    for path in files:
        try:
            audio = tr.decode_audio(path)
            record = {"file": path, **tr.transcribe(loaded, audio, model_name=model, language=language)}
        except tr.AudioDecodeError as exc:
            failed += 1
            record = {"file": path, "error": str(exc)}
        except Exception as exc:  # keep going with the other files
            failed += 1
            record = {"file": path, "error": f"transcription failed: {type(exc).__name__}: {exc}"}
        sys.stdout.buffer.write(_line(record))
        sys.stdout.buffer.flush()
    if failed:
        sys.exit(EXIT_FILE_ERRORS)
