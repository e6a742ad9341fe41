#!/usr/bin/env python3
"""A run at the plan's usage limit: how soon the same session resumes after the reset, and what the paused runner costs.

Targets (issue 15):
  * from the reset time to the resumed `claude` process: at most the margin (30 s) + 2 s;
  * runner CPU while paused for 10 minutes: <= 0.5 s;
  * runner RSS while paused: no higher than while running.

The fake Claude (bench/claude-wrapper) first replays the real CLI's recorded limit after some work
(src/test/resources/fixtures/claude/usage-limit-after-work.jsonl, FAKE_CLAUDE_DELAY between lines so that the runner
supervises a working Claude for a few seconds), with resetsAt set to a time ahead; then, resumed, the recorded rest of
the session. The runner's phase is read from its PID file (`paused_until` while paused), its CPU from /proc/<pid>/stat
and its RSS (VmRSS) from /proc/<pid>/status, sampled every 200 ms.

    python3 bench/usage_limit.py resume [--runs 3] [--reset-in 5]
    python3 bench/usage_limit.py paused [--seconds 600]

`resume` runs the whole cycle (limit, pause, resume, result) and prints the reset -> resumed-process latency and the
RSS of both phases; `paused` pauses a run for --seconds (reset that far ahead), reads the CPU over the pause, then
cancels the run (`run-task cancel`).
"""

import argparse
import re
import subprocess
import threading
import time
from pathlib import Path

import benchlib as b

FIXTURES = b.ROOT / "src" / "test" / "resources" / "fixtures" / "claude"
MARGIN = 30  # task/Pause.MARGIN
SETTLE = 5.0  # seconds into the pause before the CPU is read: the ⏸ message is out, the registry written


def transcript(work: Path, resets_at: int) -> Path:
    text = (FIXTURES / "usage-limit-after-work.jsonl").read_text()
    path = work / f"limit-{resets_at}.jsonl"
    path.write_text(re.sub(r'"resetsAt":\d+', f'"resetsAt":{resets_at}', text))
    return path


def runs_file(work: Path, resets_at: int) -> Path:
    path = work / f"runs-{resets_at}.txt"
    path.write_text(f"1 {transcript(work, resets_at)}\n0 {FIXTURES / 'usage-limit-after-work-resumed.jsonl'}\n")
    return path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def phase(pids: Path) -> str:
    """running, paused or "" (no PID file, or Claude not started yet), from the run's PID file."""
    for f in pids.glob("*.pid"):
        try:
            text = f.read_text()
        except OSError:
            return ""
        if "\npaused_until=" in text:
            return "paused"
        if "\nclaude_pid=" in text:
            return "running"
    return ""


class Sampler:
    """VmRSS of the runner every 200 ms, by the phase its PID file names."""

    def __init__(self, pid: int, pids: Path):
        self.rss = {"running": [], "paused": []}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, args=(pid, pids), daemon=True)
        self.thread.start()

    def loop(self, pid, pids):
        while not self.stop.is_set():
            try:
                p = phase(pids)
                if p:
                    self.rss[p].append(rss_mb(pid))
            except (OSError, ValueError):
                pass
            time.sleep(0.2)

    def close(self):
        self.stop.set()
        self.thread.join()


def resume(args):
    latencies, running, paused = [], [], []
    with b.sandbox() as (work, stub, env):
        for i in range(args.runs):
            resets_at = int(time.time()) + args.reset_in
            stamps = work / f"stamps-{i}"
            run_env = {**env, "FAKE_CLAUDE_TRANSCRIPTS": str(runs_file(work, resets_at)), "FAKE_CLAUDE_DELAY": "0.3",
                       "BENCH_STAMPS": str(stamps)}
            samplers = []
            u = b.run_measured(b.supervise_argv(work, "--session-label", f"bench-{i}"), run_env,
                               on_start=lambda p: samplers.append(Sampler(p.pid, work / "pids")))
            samplers[0].close()
            if u.exit_code != 0:
                raise SystemExit(f"run {i} exited {u.exit_code}")
            started, _, _ = b.read_stamps(stamps)  # the last claude process: the resumed one
            latencies.append(started - resets_at)
            running.append(max(samplers[0].rss["running"]))
            paused.append(max(samplers[0].rss["paused"]))
    b.report("reset -> resumed claude process", latencies, "s", f"<= {MARGIN + 2} s (margin {MARGIN} s + 2 s)",
             digits=2)
    b.report("  of which beyond the margin", [x - MARGIN for x in latencies], "ms", "<= 2000 ms", scale=1000)
    b.report("runner RSS while running (max of each run)", running, "MB")
    b.report("runner RSS while paused (max of each run)", paused, "MB", "<= while running")


def paused_cpu(args):
    with b.sandbox() as (work, stub, env):
        resets_at = int(time.time()) + int(args.seconds) + 60
        run_env = {**env, "FAKE_CLAUDE_TRANSCRIPTS": str(runs_file(work, resets_at)), "FAKE_CLAUDE_DELAY": "0.3"}
        marks = {}

        def watch(proc):
            sampler = Sampler(proc.pid, work / "pids")
            while phase(work / "pids") != "paused":
                time.sleep(0.05)
            time.sleep(SETTLE)
            marks["start"] = b.cpu_seconds(proc.pid)
            time.sleep(args.seconds)
            marks["end"] = b.cpu_seconds(proc.pid)
            sampler.close()
            marks["rss"] = sampler.rss
            # in the background: the runner is our child, and stays a zombie (alive to `cancel`) until reaped below
            marks["cancel"] = subprocess.Popen([str(b.LAUNCHER), "cancel", "bench-paused", "--pid-dir",
                                                str(work / "pids")], env=env, stdout=subprocess.DEVNULL)

        u = b.run_measured(b.supervise_argv(work, "--session-label", "bench-paused"), run_env, on_start=watch)
        cancelled = marks["cancel"].wait()
        cpu = marks["end"] - marks["start"]
        print(f"runner CPU while paused for {args.seconds:.0f} s: {cpu:.2f} s"
              + ("   target <= 0.5 s" if args.seconds == 600 else ""))
        if args.seconds != 600:
            print(f"scaled to 600 s (extrapolated from {args.seconds:.0f} s): {cpu * 600 / args.seconds:.2f} s"
                  "   target <= 0.5 s")
        rss = marks["rss"]
        print(f"runner RSS: max {max(rss['running']):.1f} MB while running ({len(rss['running'])} samples), "
              f"max {max(rss['paused']):.1f} MB while paused ({len(rss['paused'])} samples)")
        messages = [t for _, t in stub.messages()]
        print(f"chat: {sum(t.startswith('⏸ ') for t in messages)} pause message(s), "
              f"{sum(' CC (' in t for t in messages)} heartbeat(s), last: {messages[-1].splitlines()[0]!r}; "
              f"cancel exit {cancelled}, runner exit {u.exit_code}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="figure", required=True)
    r = sub.add_parser("resume")
    r.add_argument("--runs", type=int, default=3)
    r.add_argument("--reset-in", type=int, default=5, help="seconds from the launch to the reset")
    p = sub.add_parser("paused")
    p.add_argument("--seconds", type=float, default=600)
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    resume(args) if args.figure == "resume" else paused_cpu(args)


if __name__ == "__main__":
    main()
