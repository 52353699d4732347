"""S3 against a local folder on the same graph: tasks/s of a first build and of a no-op rebuild, and the S3
requests each costs (counted from the access log of moto's S3 server on 127.0.0.1).

    python benchmarks/s3_speed.py [--tasks 200] [--workers 1,2] [--repeat 1] [--runtime PATH ...]

The graph is many_machines.py's fan-in (leaves dumping an int, a root summing them), built by one process with
`--local-scheduler --workers N` (N > 1 runs each task in a forked process). Every build is a new process, so
start-up is part of tasks/s. Local and S3 take turns within each repeat, so the machine's noise falls on both;
`--runtime` names more `runtime/` folders (another commit's, say) measured in the same turns.
Needs `pip install -e '.[test]'` (moto[server], s3fs).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from many_machines import CREDENTIALS, PIPELINE, free_port

ROOT = Path(__file__).resolve().parent.parent
REQUEST = re.compile(r'"(GET|PUT|POST|HEAD|DELETE) (\S+) HTTP')


def kind(method: str, url: str) -> str:
    """A request's S3 operation, from its method and URL (path style: /bucket/key?query)."""
    path, _, query = url.partition("?")
    has_key = path.strip("/").count("/") >= 1
    if (method == "GET" and not has_key) or "list-type" in query:
        return "LIST"
    if "uploads" in query.split("&") or query.startswith("uploads"):
        return f"{method} uploads (list/start multipart)"
    if "uploadId" in query:
        return f"{method} multipart part/complete/abort"
    return f"{method} object"


def build(folder: Path, tasks: int, workers: int, env: dict) -> float:
    """Seconds one `--local-scheduler` process takes to build the fan-in; fails on a non-zero exit."""
    command = [sys.executable, "pipeline.py", "Root", f"--tasks={tasks}", "--local-scheduler", f"--workers={workers}"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds


def requests_since(log: Path, offset: int) -> tuple[collections.Counter, int]:
    """The S3 requests moto logged after `offset` bytes of its log, by operation; and the new offset."""
    with open(log, "rb") as file:
        file.seek(offset)
        text = file.read().decode(errors="replace")
        end = file.tell()
    counts: collections.Counter = collections.Counter()
    for method, url in REQUEST.findall(text):
        counts[kind(method, url)] += 1
    return counts, end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--workers", default="1,2", help="--workers of the build process, one measurement each")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--runtime", action="append", default=[], help="another runtime/ folder to measure")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "s3_speed.json"))
    args = parser.parse_args()
    os.environ.update(CREDENTIALS)
    runtimes = {"this tree": str(ROOT / "runtime"), **{path: path for path in args.runtime}}
    samples: dict[str, list[float]] = collections.defaultdict(list)
    requests: dict[str, collections.Counter] = {}
    with tempfile.TemporaryDirectory() as tmp:
        parent = Path(tmp)
        (parent / "luigi.cfg").write_text("[core]\nno_configure_logging = true\n")
        base_env = {**os.environ, **CREDENTIALS, "LUIGI_CONFIG_PATH": str(parent / "luigi.cfg"), "TASK_SECONDS": "0"}
        port = free_port()
        log = parent / "moto.log"
        log_file = open(log, "w")  # noqa: SIM115  (open for the server's whole life)
        moto = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env=base_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        endpoint = f"http://127.0.0.1:{port}"
        try:
            import boto3

            deadline = time.monotonic() + 30
            while True:
                try:
                    s3 = boto3.client("s3", endpoint_url=endpoint)
                    s3.list_buckets()
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            for repeat in range(args.repeat):
                for workers in map(int, args.workers.split(",")):
                    for name, runtime in runtimes.items():
                        for where in ("local", "s3"):
                            folder = Path(tempfile.mkdtemp(dir=parent))
                            (folder / "pipeline.py").write_text(PIPELINE)
                            (folder / "markers").mkdir()
                            if where == "s3":
                                bucket = f"bench-{repeat}-{workers}-{len(samples)}"
                                s3.create_bucket(Bucket=bucket)
                                (folder / "extra.ini").write_text(
                                    f"[TaskOnKart]\nworkspace_directory = s3://{bucket}/resources\n"
                                    f"[kartwheel]\nendpoint_url = {endpoint}\n"
                                )
                            env = {**base_env, "PYTHONPATH": runtime + os.pathsep + base_env.get("PYTHONPATH", "")}
                            for phase in ("first build", "no-op rebuild"):
                                key = f"{name} | workers={workers} | {where} | {phase}"
                                _, offset = requests_since(log, 0)
                                seconds = build(folder, args.tasks, workers, env)
                                time.sleep(0.2)  # let the server write its last log lines
                                counted, _ = requests_since(log, offset)
                                samples[key].append(seconds)
                                requests[key] = counted
                                print(f"{key}: {args.tasks / seconds:.1f} tasks/s, {sum(counted.values())} requests")
        finally:
            moto.terminate()
            moto.wait(timeout=10)
            log_file.close()
    results = {}
    for key, seconds in samples.items():
        median = statistics.median(seconds)
        counted = requests[key]
        results[key] = {
            "tasks/s": round(args.tasks / median, 1),
            "seconds": [round(value, 2) for value in seconds],
            "requests per task": round(sum(counted.values()) / args.tasks, 2),
            "requests": dict(counted.most_common()),
        }
    print(json.dumps(results, indent=2))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
