#!/usr/bin/env python3
"""`run-task steer` -> the message on Claude's stdin: wall time, and what bounds it.

Target: median <= 250 ms. A real supervised run (scripts/run-task with examples/fake-claude in the two-way input
mode) replays the recorded steered turn (src/test/resources/fixtures/claude/stdin-steer-mid-turn.txt), waiting after
its tool call for one stdin line per message; the fake stamps each line with the wall clock as it reads it
(FAKE_CLAUDE_STDIN_STAMPS). Each sample: the wall clock just before `scripts/run-task steer "<label>" -m TEXT`
starts, to the stamp of its line. Also timed: the steer command's own wall time (until it exits, after the runner
said "written"), and, interleaved with the samples, `run-task steer --version`: the same start (the launcher, the
JVM, the archive steer uses, steer's command model) with nothing done, the floor. The host's load swings from minute
to minute; the interleaved floor moves with it.

    python3 bench/steer_latency.py [--runs 20]
"""

import argparse
import subprocess
import time

import benchlib as b

LABEL = "bench steer"
# The runner posts the chat's note of each message after answering; a gap keeps that off the next sample.
GAP = 0.5


def transcript(work, steers):
    """The recorded steered turn, waiting for `steers` messages after its tool call instead of one."""
    lines = (b.ROOT / "src/test/resources/fixtures/claude/stdin-steer-mid-turn.txt").read_text().splitlines()
    wait = next(i for i, line in enumerate(lines) if i > 0 and line.startswith(">> "))
    lines[wait:wait + 1] = [">> (a steered message)"] * steers
    path = work / "steer-transcript.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def stamps(path):
    return [float(s.replace(",", ".")) for s in path.read_text().split()] if path.exists() else []


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="messages steered into one run")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    with b.sandbox() as (work, stub, env):
        stamp_file = work / "stdin.stamps"
        run_env = {**env, "FAKE_CLAUDE_TRANSCRIPT": str(transcript(work, args.runs)),
                   "FAKE_CLAUDE_STDIN_STAMPS": str(stamp_file), "FAKE_CLAUDE_DELAY": "0"}
        proc = subprocess.Popen(b.supervise_argv(work, "--session-label", LABEL), env=run_env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while len(stamps(stamp_file)) < 1:  # the prompt: Claude runs and waits for the messages
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the supervised run did not start its child")
                time.sleep(0.05)
            time.sleep(1)  # let the runner settle (launch message, relay) before the first sample
            on_stdin, walls, floor = [], [], []
            for i in range(args.runs):
                floor.append(b.run_measured([str(b.LAUNCHER), "steer", "--version"], env).wall)
                before = len(stamps(stamp_file))
                t0 = time.time()
                u = b.run_measured([str(b.LAUNCHER), "steer", LABEL, "-m", f"Also do step {i} ✓",
                                    "--pid-dir", str(work / "pids")], env)
                if u.exit_code != 0:
                    raise SystemExit(f"steer exited {u.exit_code}")
                arrived = stamps(stamp_file)
                deadline = time.monotonic() + 10
                while len(arrived) < before + 1:  # written to the pipe; the fake reads it a moment later
                    if time.monotonic() > deadline:
                        raise SystemExit("steer exited 0 but Claude did not read its line")
                    time.sleep(0.005)
                    arrived = stamps(stamp_file)
                on_stdin.append(arrived[-1] - t0)
                walls.append(u.wall)
                time.sleep(GAP)
            if proc.wait(timeout=120) != 0:
                raise SystemExit(f"the supervised run exited {proc.returncode}")
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=120)
        b.report("steer command -> message on Claude's stdin", on_stdin, "ms", "<= 250 ms", scale=1000, digits=1)
        b.report("  steer command, wall time to its exit", walls, "ms", scale=1000, digits=1)
        b.report("  run-task steer --version, interleaved (the same start, nothing sent: the floor)", floor, "ms",
                 scale=1000, digits=1)
        b.report("  steer -> stdin minus the steer --version just before it",
                 [s - f for s, f in zip(on_stdin, floor)], "ms", scale=1000, digits=1)
        notes = [t for _, t in stub.messages() if t.startswith("📡 ↪️ ")]
        print(f"(the stub gateway received {len(notes)} '📡 ↪️ Sent to Claude Code' notes)")


if __name__ == "__main__":
    main()
