#!/usr/bin/env python3
"""The queue of --max-parallel (issue 19): slot hand-over latency and what a queued runner costs while it waits.

Targets: hand-over median <= 200 ms; a queued runner's CPU <= 0.1 s per minute of waiting.

Hand-over: --runs + 1 launches with --max-parallel 1, each queued behind the one before, each fake Claude quiet
for --quiet seconds after its transcript. bench/claude-wrapper stamps the wall clock at the start and just before
the exit of each child; the hand-over is the next child's start stamp minus the previous child's exit stamp
(the runner notices the exit, reports, frees its slot; the kernel hands the lock to the queued runner, which
starts its Claude).

Queued CPU: one run holds the only slot for --wait seconds plus a settle time; a second launch waits in the queue.
Its JVM's own CPU is read from /proc/<pid>/stat once it is queued (after a settle time, so start-up is not
counted) and --wait seconds later.

    python3 bench/slot_handover.py [--runs 10] [--quiet 2] [--wait 60]
"""

import argparse
import subprocess
import time
from pathlib import Path

import benchlib as b

SETTLE = 3.0  # seconds after a launch is queued: its start-up work is over


def run_argv(work: Path, name: str, *extra: str) -> list:
    """The launcher supervising bench/claude-wrapper, with its own project and output file, at most 1 at once."""
    return [str(b.LAUNCHER), "-t", f"bench task {name}", "-p", str(work / f"project-{name}"), "-s", b.SESSION,
            "-o", str(work / f"out-{name}.txt"), "--pid-dir", str(work / "pids"), "--claude-bin", str(b.WRAPPER),
            "--delivery-deadline", "30", "--max-parallel", "1", *extra]


def pid_file_of(work: Path, pid: int):
    """The key=value lines of the runner's PID file (empty when there is none yet)."""
    for f in (work / "pids").glob("*.pid") if (work / "pids").is_dir() else []:
        try:
            lines = f.read_text().splitlines()
        except OSError:
            continue
        if lines and lines[0] == str(pid):
            return dict(line.split("=", 1) for line in lines[3:] if "=" in line)
    return {}


def await_state(work: Path, proc, key: str, limit: float = 60):
    deadline = time.monotonic() + limit
    while key not in pid_file_of(work, proc.pid):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"run {proc.pid} never showed {key} in its PID file (exit {proc.poll()})")
        time.sleep(0.02)


def launch(work: Path, env: dict, name: str, *extra: str):
    run_env = {**env, "BENCH_STAMPS": str(work / f"stamps-{name}"), "BENCH_ENV_FILE": str(work / f"env-{name}")}
    return subprocess.Popen(run_argv(work, name, *extra), env=run_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=open(work / f"log-{name}", "w"))


def handover(work: Path, env: dict, runs: int, quiet: float):
    env = {**env, "FAKE_CLAUDE_DELAY": "0", "FAKE_CLAUDE_SLEEP_AFTER": str(quiet)}
    procs = []
    for i in range(runs + 1):
        p = launch(work, env, str(i))
        await_state(work, p, "claude_pid" if i == 0 else "queued")
        procs.append(p)
    for p in procs:
        if p.wait(timeout=600) != 0:
            raise SystemExit(f"run {p.pid} exited {p.returncode}")
    stamps = [b.read_stamps(work / f"stamps-{i}") for i in range(runs + 1)]
    return [stamps[i + 1][0] - stamps[i][1] for i in range(runs)]


def queued_cpu(work: Path, env: dict, wait: float):
    # a transcript without its result: the holder's Claude works (sleeps) until it is cancelled
    demo = (b.ROOT / "examples" / "transcripts" / "demo.jsonl").read_text().splitlines()
    unfinished = work / "unfinished.jsonl"
    unfinished.write_text("\n".join(line for line in demo if '"type":"result"' not in line) + "\n")
    holder = launch(work, {**env, "FAKE_CLAUDE_DELAY": "0", "FAKE_CLAUDE_TRANSCRIPT": str(unfinished),
                           "FAKE_CLAUDE_SLEEP_AFTER": str(wait + SETTLE + 60)}, "holder")
    await_state(work, holder, "claude_pid")
    queued = launch(work, {**env, "FAKE_CLAUDE_DELAY": "0"}, "queued")
    await_state(work, queued, "queued")
    time.sleep(SETTLE)
    start = b.cpu_seconds(queued.pid)
    time.sleep(wait)
    end = b.cpu_seconds(queued.pid)
    if "queued" not in pid_file_of(work, queued.pid):
        raise SystemExit("the queued run left the queue during the measurement")
    holder.terminate()  # what `run-task cancel` sends (which would wait for this unreaped child forever)
    holder.wait(timeout=120)
    queued.wait(timeout=120)
    return end - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="hand-overs to measure")
    ap.add_argument("--quiet", type=float, default=2, help="seconds each fake Claude stays after its transcript")
    ap.add_argument("--wait", type=float, default=60, help="seconds of waiting in the queue to measure")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    with b.sandbox() as (work, stub, env):
        gaps = handover(work, env, args.runs, args.quiet)
    b.report("slot hand-over: child exit -> next queued child's start", gaps, "ms", "<= 200 ms", scale=1000)
    with b.sandbox() as (work, stub, env):
        cpu = queued_cpu(work, env, args.wait)
    print(f"queued runner CPU over {args.wait:.0f} s of waiting: {cpu:.2f} s "
          f"= {cpu * 60 / args.wait:.3f} s per minute   target <= 0.1 s per minute", flush=True)


if __name__ == "__main__":
    main()
