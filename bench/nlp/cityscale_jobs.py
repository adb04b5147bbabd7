"""The city-scale benchmark's jobs, each run in a fresh worker process (its peak RSS is that job's)."""

import json
import pickle
import resource
import time
from pathlib import Path

from bench.nlp.cityscale_data import all_docs, generate, light_docs, load_docs, write_store
from nlp.hotspots import cluster
from nlp.hotspots.partition import cluster_partition, merge, plan


def _peak_mb() -> float:
    """Return this process's peak RSS in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _labels(path: Path, hotspots: list) -> None:
    """Write {report id: hotspot number} of the hotspots' members."""
    with open(path, "w") as f:
        json.dump({str(m): k for k, h in enumerate(hotspots) for m in h["members"]}, f)


def data_job(store: str, n: int, seed: int) -> dict:
    """Generate n reports and write them (with tokens and the true incidents) into the store."""
    start = time.perf_counter()
    reports = generate(n, seed)
    write_store(Path(store), reports)
    return {"seconds": time.perf_counter() - start, "rss_mb": _peak_mb()}


def plan_job(store: str, work: str, max_size: int) -> dict:
    """Read the light columns of the window and cut it into partitions (written to work/plan.pkl)."""
    start = time.perf_counter()
    the_plan = plan(light_docs(Path(store)), max_size)
    with open(Path(work) / "plan.pkl", "wb") as f:
        pickle.dump(the_plan, f)
    sizes = [len(p.ids) for p in the_plan.partitions]
    return {"seconds": time.perf_counter() - start, "rss_mb": _peak_mb(), "partitions": len(sizes),
            "largest": max(sizes), "halo": sum(len(p.halo) for p in the_plan.partitions), "mode": the_plan.mode}


def partition_job(store: str, work: str, key: str, core: list, halo: list, info: dict) -> dict:
    """Cluster one partition, reading its reports from the store, and write its clusters to work/<key>.pkl."""
    start = time.perf_counter()
    clusters = cluster_partition(load_docs(Path(store), core + halo), core, info)
    with open(Path(work) / f"part-{key}.pkl", "wb") as f:
        pickle.dump((key, clusters), f)
    return {"key": key, "seconds": time.perf_counter() - start, "rss_mb": _peak_mb(), "size": len(core) + len(halo)}


def merge_job(store: str, work: str, info: dict, max_size: int) -> dict:
    """Merge the partitions' clusters across borders; write the members' labels to work/partitioned.json."""
    start = time.perf_counter()
    results = []
    for path in sorted(Path(work).glob("part-*.pkl")):
        with open(path, "rb") as f:
            results.append(pickle.load(f))
    hotspots = merge(results, lambda ids: load_docs(Path(store), ids), info, batch=max_size)
    _labels(Path(work) / "partitioned.json", hotspots)
    return {"seconds": time.perf_counter() - start, "rss_mb": _peak_mb(), "hotspots": len(hotspots)}


def baseline_job(store: str, work: str, memory_gb: float) -> dict:
    """Cluster the whole window in one process (address space capped at memory_gb)."""
    cap = int(memory_gb * 2 ** 30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    start = time.perf_counter()
    try:
        hotspots = cluster(all_docs(Path(store)))
    except MemoryError:
        return {"seconds": time.perf_counter() - start, "rss_mb": _peak_mb(), "status": "no memory"}
    _labels(Path(work) / "single.json", hotspots)
    return {"seconds": time.perf_counter() - start, "rss_mb": _peak_mb(), "hotspots": len(hotspots), "status": "ok"}
