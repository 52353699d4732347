"""Many machines, measured: tasks/s on luigid with 1, 2 and 4 worker processes against --local-scheduler,
and S3 dump/load MB/s of a large array against a plain s3fs put/get (on moto's S3 server, 127.0.0.1).

    python benchmarks/many_machines.py [--tasks 200] [--array-mb 1024] [--no-s3] [--no-local]
                                       [--processes 1,2,4] [--task-seconds 0] [--luigi-config FILE]

Every figure is one run (not a median): process start-up is part of tasks/s, as it is for a user.
Needs `pip install -e '.[test]'` (moto[server], s3fs, numpy). Leaves no server or workspace behind.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = textwrap.dedent("""
    import os
    import time
    import uuid

    import luigi

    import kartwheel


    class Leaf(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def run(self):
            open(os.path.join("markers", f"Leaf{self.index}-{uuid.uuid4().hex}"), "w").close()
            time.sleep(float(os.environ.get("TASK_SECONDS", "0")))
            self.dump(self.index)


    class Root(kartwheel.TaskOnKart):
        tasks = luigi.IntParameter()

        def requires(self):
            return [Leaf(index=i) for i in range(self.tasks - 1)]

        def run(self):
            open(os.path.join("markers", f"Root-{uuid.uuid4().hex}"), "w").close()
            self.dump(sum(self.load()))


    if __name__ == "__main__":
        if os.path.exists("extra.ini"):
            kartwheel.add_config("extra.ini")
        kartwheel.run()
""")

# luigi's own luigid on port 0 (the port is printed once it listens), counting each RPC's calls and the
# seconds luigid spends in it, and the get_work calls that found nothing to hand out; written at exit.
COUNTING_LUIGID = """
import atexit, collections, json, sys, time

import luigi.scheduler
import luigi.server

calls, seconds = collections.Counter(), collections.Counter()
depth = [0]  # luigid's RPC methods call one another: only the outermost call is a request


def counted(name, method):
    def wrapper(self, *args, **kwargs):
        depth[0] += 1
        started = time.perf_counter()
        try:
            reply = method(self, *args, **kwargs)
        finally:
            depth[0] -= 1
        if depth[0] == 0:
            seconds[name] += time.perf_counter() - started
            calls[name] += 1
            if name == "get_work" and reply.get("task_id") is None:
                calls["get_work, nothing to hand out"] += 1
        return reply

    return wrapper


for name in luigi.scheduler.RPC_METHODS:
    setattr(luigi.scheduler.Scheduler, name, counted(name, getattr(luigi.scheduler.Scheduler, name)))


def report():
    rpcs = {name: [count, round(seconds[name], 3)] for name, count in calls.most_common()}
    with open(sys.argv[1], "w") as file:
        json.dump(rpcs, file)


atexit.register(report)
bind = luigi.server._init_api


def bind_and_announce(**kwargs):
    names = bind(**kwargs)
    print(names[0][1], flush=True)
    return names


luigi.server._init_api = bind_and_announce
scheduler = luigi.scheduler.Scheduler(state_path=sys.argv[2])
luigi.server.run(api_port=0, address="127.0.0.1", scheduler=scheduler)
"""
# The README's advice for many short tasks; `--luigi-config` with an empty file measures luigi's defaults.
LUIGI_CONFIG = "[worker]\nwait_interval = 0.1\nwait_jitter = 0.1\n[scheduler]\nprune_on_get_work = true\n"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(command: list[str], port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{command[:3]} did not start on port {port}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def build(folder: Path, tasks: int, processes: int, port: int | None, env: dict) -> dict:
    """One build of the fan-in by `processes` worker processes; seconds, tasks/s, and runs per task."""
    (folder / "markers").mkdir()
    command = [sys.executable, "pipeline.py", "Root", f"--tasks={tasks}"]
    if port is None:
        command.append("--local-scheduler")
    else:
        command += ["--scheduler-host", "127.0.0.1", "--scheduler-port", str(port)]
    started = time.perf_counter()
    running = []
    for number in range(processes):
        lock_dir = folder / f"host{number}"
        lock_dir.mkdir()
        # A log file, not a pipe: a pipe nobody reads fills up and blocks its writer.
        with open(folder / f"host{number}.log", "w") as log:
            running.append(
                subprocess.Popen(
                    [*command, "--lock-pid-dir", str(lock_dir)],
                    cwd=folder,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            )
    codes, cpu = [], 0.0
    for number, process in enumerate(running):
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        codes.append((process.returncode, (folder / f"host{number}.log").read_text()))
    seconds = time.perf_counter() - started
    for code, stderr in codes:
        if code != 0:
            raise SystemExit(f"a worker process exited {code}:\n{stderr[-2000:]}")
    runs = collections.Counter(marker.name.split("-")[0] for marker in (folder / "markers").iterdir())
    return {
        "seconds": round(seconds, 3),
        "tasks_per_s": round(tasks / seconds, 1),
        "every_task_once": len(runs) == tasks and set(runs.values()) == {1},
        "worker processes' CPU s": round(cpu, 2),
        "tasks run by each process": [ran_here(stderr) for _, stderr in codes],
    }


def ran_here(stderr: str) -> int | None:
    """The tasks a process ran, from its last line: `root complete: 200 tasks, 57 run here, ...`."""
    found = re.search(r"root complete: \d+ tasks?(?:, (\d+) run here)?", stderr)
    return None if found is None else int(found.group(1) or 0)


def workspace(parent: Path, pipeline_env: dict, extra: str = "") -> Path:
    folder = Path(tempfile.mkdtemp(dir=parent))
    (folder / "pipeline.py").write_text(PIPELINE)
    if extra:
        (folder / "extra.ini").write_text(extra)
    return folder


def on_luigid(folder: Path, tasks: int, processes: int, env: dict) -> dict:
    """A build on a luigid of its own (no task of an earlier build in its table), with luigid's CPU and RPCs."""
    rpcs = folder / "rpcs.json"
    luigid = subprocess.Popen(
        [sys.executable, "-c", COUNTING_LUIGID, str(rpcs), str(folder / "luigid.state")],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(luigid.stdout.readline())
        result = build(folder, tasks, processes, port, env)
        result["luigid CPU s"] = round(cpu_seconds(luigid.pid), 2)
    finally:
        stop(luigid)
        luigid.stdout.close()
    result["luigid RPCs: calls, seconds inside"] = json.loads(rpcs.read_text())
    return result


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scheduling(args: argparse.Namespace, parent: Path, env: dict, s3_endpoint: str | None) -> dict:
    results = {}
    if not args.no_local:
        results["local-scheduler, 1 process"] = build(workspace(parent, env), args.tasks, 1, None, env)
    for processes in map(int, args.processes.split(",")):
        results[f"luigid, {processes} process(es)"] = on_luigid(workspace(parent, env), args.tasks, processes, env)
    if s3_endpoint is not None:
        import boto3

        boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="bench-graph")
        extra = "[TaskOnKart]\nworkspace_directory = s3://bench-graph/resources\n"
        extra += f"[kartwheel]\nendpoint_url = {s3_endpoint}\n"
        folder = workspace(parent, env, extra)
        results["luigid, 4 processes, workspace on S3 (moto)"] = on_luigid(folder, args.tasks, 4, env)
    return results


def peak() -> float:
    """This process's peak resident memory (MB) since the last reset_peak()."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def reset_peak() -> float:
    """Start a new peak at the current resident memory (MB), which is returned."""
    Path("/proc/self/clear_refs").write_text("5")
    return peak()


def s3_throughput(args: argparse.Namespace, endpoint: str) -> dict:
    import boto3
    import kartwheel
    import luigi
    import numpy as np
    import s3fs

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench-io")
    config = luigi.configuration.get_config()
    config.add_section("kartwheel") if not config.has_section("kartwheel") else None
    config.set("kartwheel", "endpoint_url", endpoint)

    class Holder(kartwheel.TaskOnKart):
        pass

    array = np.random.default_rng(0).random(args.array_mb * 2**20 // 8)
    megabytes = array.nbytes / 2**20
    target = Holder(workspace_directory="s3://bench-io/kartwheel").make_target("big.pkl")
    results = {}
    baseline = reset_peak()
    started = time.perf_counter()
    target.dump(array)
    results["kartwheel dump MB/s"] = round(megabytes / (time.perf_counter() - started), 1)
    results["kartwheel dump, peak memory beyond the array, MB"] = round(peak() - baseline, 1)
    baseline = reset_peak()
    started = time.perf_counter()
    loaded = target.load()
    results["kartwheel load MB/s"] = round(megabytes / (time.perf_counter() - started), 1)
    results["kartwheel load, peak memory beyond the loaded array, MB"] = round(peak() - baseline - megabytes, 1)
    assert np.array_equal(loaded, array)
    del loaded
    fs = s3fs.S3FileSystem(endpoint_url=endpoint)
    baseline = reset_peak()
    started = time.perf_counter()
    with fs.open("bench-io/plain/big.bin", "wb") as file:
        file.write(memoryview(array).cast("B"))
    results["s3fs put MB/s"] = round(megabytes / (time.perf_counter() - started), 1)
    results["s3fs put, peak memory beyond the array, MB"] = round(peak() - baseline, 1)
    baseline = reset_peak()
    started = time.perf_counter()
    data = fs.cat_file("bench-io/plain/big.bin")
    results["s3fs get MB/s"] = round(megabytes / (time.perf_counter() - started), 1)
    results["s3fs get, peak memory beyond the bytes read, MB"] = round(peak() - baseline - megabytes, 1)
    assert len(data) == array.nbytes
    results["array MiB"] = args.array_mb
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--array-mb", type=int, default=1024)
    parser.add_argument("--no-s3", action="store_true")
    parser.add_argument("--no-local", action="store_true", help="skip the --local-scheduler build")
    parser.add_argument("--processes", default="1,2,4", help="worker processes per luigid build")
    parser.add_argument("--task-seconds", type=float, default=0.0, help="seconds each leaf task sleeps")
    parser.add_argument("--luigi-config", type=Path, help="a luigi.cfg for luigid and workers instead of ours")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "many_machines.json"))
    args = parser.parse_args()
    env = {
        **os.environ,
        **CREDENTIALS,
        "PYTHONPATH": str(ROOT / "runtime") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "TASK_SECONDS": str(args.task_seconds),
    }
    os.environ.update(CREDENTIALS)
    with tempfile.TemporaryDirectory() as tmp:
        parent = Path(tmp)
        (parent / "luigi.cfg").write_text(args.luigi_config.read_text() if args.luigi_config else LUIGI_CONFIG)
        env["LUIGI_CONFIG_PATH"] = str(parent / "luigi.cfg")
        moto = endpoint = None
        if not args.no_s3:
            port = free_port()
            moto = serve([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], port, env)
            endpoint = f"http://127.0.0.1:{port}"
        try:
            results = {"scheduling": scheduling(args, parent, env, endpoint)}
            if endpoint is not None:
                results["s3"] = s3_throughput(args, endpoint)
        finally:
            if moto is not None:
                stop(moto)
    print(json.dumps(results, indent=2))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
