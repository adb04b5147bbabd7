"""python -m bench.load: 20,000 reports at concurrency 64 (one in ten with a photo) through gunicorn, PostgreSQL,
Redis and two RQ workers; prints throughput, p50/p99, the time to drain the queues, and the loss check."""
import argparse
import os
import sys
import time

from . import run

REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/11")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--reports", type=int, default=20000, help="reports to send (default 20000)")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight (default 64)")
    parser.add_argument("--photo-every", type=int, default=10, help="one report in N has a photo (default 10)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn processes (default 3)")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn process (default 4)")
    parser.add_argument("--rq-workers", type=int, default=2, help="RQ workers (default 2)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    print(f"load bench: {args.reports} reports, concurrency {args.concurrency}, one in {args.photo_every} with a "
          f"photo; gunicorn {args.web_workers}x{args.web_threads} threads, {args.rq_workers} RQ workers; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    outcome = run.run(args.reports, args.concurrency, photo_every=args.photo_every, web_workers=args.web_workers,
                      web_threads=args.web_threads, rq_count=args.rq_workers, redis_url=REDIS_URL,
                      progress=lambda line: print(line, flush=True))
    print("\n".join(["", *outcome.lines(), f"({time.monotonic() - began:.0f} s in all)"]))
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
