"""Transcription real-time factor on CPU: our path against plain whisper.transcribe, fp32 and int8."""

import os
import shutil
import tempfile
import time
import warnings
from typing import NamedTuple

from bench.nlp.whisper_setup import SHAPES, Counter, build_checkpoints, speech

FIXED_TOKENS = 64  # about what 10 s of Chinese speech decodes to
# Options given to BOTH paths in the main table so that each decodes exactly FIXED_TOKENS tokens
# in one pass per 30-s window: greedy, no temperature fallback, no skipping.
FIXED = dict(temperature=0.0, sample_len=FIXED_TOKENS, compression_ratio_threshold=None,
             logprob_threshold=None, no_speech_threshold=None)


def _ours(model, audio, overrides):
    """Run our transcribe() (shipped Chinese defaults, then overrides)."""
    from nlp.transcribe import transcribe

    return transcribe(model, audio, "bench", **overrides)


def _plain(model, audio, overrides):
    """Run whisper.transcribe with whisper's default options, then overrides."""
    import whisper

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "FP16 is not supported on CPU; using FP32 instead"
        return whisper.transcribe(model, audio, **overrides)


PATHS = (("ours", "ours: nlp.transcribe.transcribe", _ours), ("plain", "plain: whisper.transcribe", _plain))


class Run(NamedTuple):
    """Best wall and CPU seconds of some runs, and the encoder passes and decoder steps of one."""

    wall: float
    cpu: float
    enc: int
    dec: int


def timed(fn, model, audio, overrides, counter, repeats: int) -> Run:
    """Run fn repeats times and return the best wall and CPU (this process) times."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        counter.reset()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(model, audio, overrides)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return Run(wall, cpu, counter.encoder, counter.decoder)


def _row(label: str, run: Run, duration: float) -> None:
    """Print one result row."""
    print(f"  {label:<40} {run.wall:6.2f} s  RTF {run.wall / duration:6.3f}  cpu {run.cpu:6.2f} s  "
          f"enc {run.enc:2d}  dec {run.dec:3d}")


def _decoding_note(folder: str) -> None:
    """Print how long our PyAV decoding takes against whisper's ffmpeg subprocess."""
    if not os.path.exists(os.path.join(folder, "speech.wav")) or not shutil.which("ffmpeg"):
        return
    import whisper

    from nlp.audio import decode_audio

    path = os.path.join(folder, "speech.wav")
    start = time.perf_counter()
    decode_audio(path)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    whisper.load_audio(path)
    plain = time.perf_counter() - start
    print(f"audio decoding (not in the timings below): ours (PyAV, silence trimmed) {ours * 1000:.0f} ms, "
          f"whisper.load_audio (ffmpeg subprocess) {plain * 1000:.0f} ms")


EXPLAIN = f"""\
checkpoints: whisper's tiny and base dimensions with random weights, saved in whisper's format and loaded
  with nlp.whisper_models.load_model (int8 = load_model(quantize=True)); plain whisper runs the same model.
fixed length: both paths get {FIXED}
  so that each decodes exactly {FIXED_TOKENS} tokens in one pass (the 'babble' checkpoint never ends a text).
  All else is each path's default: ours adds the Chinese prompt and language zh; plain whisper first
  detects the language (one more encoder pass and decoder step).
RTF = wall time / audio duration; cpu = CPU time of this process (with 1 thread, the work itself, without
  the waits a busy machine adds); enc = encoder passes computed; dec = decoder steps (one per token)."""


def _fixed_length(shape, path, audio, duration, threads_list, plain_threads, repeats) -> dict:
    """Print the fixed-length rows of one shape and return {(precision, threads, path): Run}."""
    import torch

    from nlp.audio import SAMPLE_RATE
    from nlp.whisper_models import load_model

    times = {}
    for precision in ("fp32", "int8"):
        model = load_model(path, device="cpu", quantize=precision == "int8")
        counter = Counter(model)
        torch.set_num_threads(1)
        for _key, _label, fn in PATHS:  # warm-up: tokenizer, mel filters, allocations
            fn(model, audio[:SAMPLE_RATE], {**FIXED, "sample_len": 4})
        for threads in threads_list:
            torch.set_num_threads(threads)
            print(f"{shape} {precision}, {threads} thread{'s' if threads > 1 else ''}, fixed length:")
            for key, label, fn in PATHS:
                if key == "plain" and threads not in plain_threads:
                    continue
                times[(precision, threads, key)] = run = timed(fn, model, audio, FIXED, counter, repeats)
                _row(label, run, duration)
        counter.close()
    return times


def _defaults_table(shape: str, path: str, audio, duration: float, repeats: int) -> None:
    """Print ours against plain whisper with all default options, on the end-of-text-at-once checkpoint."""
    import torch

    from nlp.whisper_models import load_model

    torch.set_num_threads(1)
    print(f"{shape}, 1 thread, ALL default options, 'silent' checkpoint (ends every text at once, so nothing "
          f"to equalise; temperature fallbacks and language detection as each path's defaults decide):")
    for precision in ("fp32", "int8"):
        model = load_model(path, device="cpu", quantize=precision == "int8")
        counter = Counter(model)
        for _key, label, fn in PATHS:
            _row(f"{label} ({precision})", timed(fn, model, audio, {}, counter, repeats), duration)
        counter.close()


def _summary(results: dict) -> None:
    """Print int8 speed-ups and plain/ours ratios: CPU time with 1 thread, wall time with 2."""
    print("summary (fixed-length runs; seconds of CPU time with 1 thread, of wall time with 2):")
    print(f"  {'shape':<6}{'threads':>8}{'ours fp32':>11}{'ours int8':>11}{'int8 x':>8}"
          f"{'plain fp32':>12}{'plain int8':>12}{'plain/ours fp32':>17}")
    worst: dict[int, float] = {}
    for (shape, threads), runs in results.items():
        t = {key: (run.cpu if threads == 1 else run.wall) for key, run in runs.items()}
        speedup = t[("fp32", "ours")] / t[("int8", "ours")]
        worst[threads] = min(worst.get(threads, speedup), speedup)
        plain = [t.get((p, "plain")) for p in ("fp32", "int8")]
        cells = [f"{v:.2f}" if v else "-" for v in plain]
        ratio = f"{plain[0] / t[('fp32', 'ours')]:.2f}" if plain[0] else "-"
        print(f"  {shape:<6}{threads:>8}{t[('fp32', 'ours')]:>11.2f}{t[('int8', 'ours')]:>11.2f}{speedup:>7.2f}x"
              f"{cells[0]:>12}{cells[1]:>12}{ratio:>17}")
    for threads, value in sorted(worst.items()):
        print(f"  target int8 >= 1.5x faster than fp32, {threads} thread(s): "
              f"{'met' if value >= 1.5 else 'NOT met'} (worst {value:.2f}x)")


def main(quick: bool = False) -> None:
    """Print RTF tables for tiny and base shapes, fp32 and int8, 1 and 2 threads, ours and plain."""
    import torch

    from nlp.audio import SAMPLE_RATE

    repeats = 1 if quick else 2
    plain_threads = (1,) if quick else (1, 2)
    threads_before = torch.get_num_threads()
    load = os.getloadavg()[0]
    print(f"== transcription: real-time factor on CPU (load average {load:.2f}, {os.cpu_count()} CPUs, "
          f"torch {torch.__version__}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}); "
          f"best of {repeats} ==")
    if load >= 1:
        print("note: other processes are busy; 2-thread rows compete with them for the second core (OpenMP "
              "threads spin while waiting for each other: expect them to be much slower, or run with "
              "OMP_WAIT_POLICY=PASSIVE)")
    results = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-whisper-") as folder:
            audio, source = speech(folder)
            duration = len(audio) / SAMPLE_RATE
            print(f"audio: {duration:.2f} s, {source}")
            _decoding_note(folder)
            print(EXPLAIN)
            if quick:
                print("quick: 2 threads for tiny only, plain whisper at 1 thread only, no all-defaults table")
            for shape in SHAPES:
                threads_list = (1,) if quick and shape != "tiny" else (1, 2)
                paths = build_checkpoints(folder, shape)
                times = _fixed_length(shape, paths["babble"], audio, duration, threads_list, plain_threads, repeats)
                for threads in threads_list:
                    results[(shape, threads)] = {(p, k): v for (p, th, k), v in times.items() if th == threads}
                if not quick:
                    _defaults_table(shape, paths["silent"], audio, duration, repeats)
                for path in paths.values():
                    os.remove(path)
    finally:
        torch.set_num_threads(threads_before)
    _summary(results)
    print(f"  load average at the end: {os.getloadavg()[0]:.2f}")
