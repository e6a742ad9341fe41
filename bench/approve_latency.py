#!/usr/bin/env python3
"""`run-task approve` -> the control_response on Claude's stdin: wall time, and what bounds it.

Target: median <= 250 ms (issue 18). A real supervised run (scripts/run-task --permissions ask with
examples/fake-claude in the two-way input mode) replays a Write that asks for permission N times: after each
`control_request can_use_tool` (as Claude Code 2.1.332 prints it, src/test/resources/fixtures/claude/
stdin-permission-prompts.txt) it waits for one stdin line, and stamps it with the wall clock as it reads it
(FAKE_CLAUDE_STDIN_STAMPS). Each sample: the wall clock just before `scripts/run-task approve "<label>" N` starts, to
the stamp of its line. Also timed: the approve command's own wall time (until it exits, after the runner said
"written"), and, interleaved with the samples, `run-task approve --version`: the same start with nothing sent, the
floor.

    python3 bench/approve_latency.py [--runs 20]
"""

import argparse
import json
import subprocess
import time

import benchlib as b

LABEL = "bench approve"
# The runner posts the chat's note of each answer after replying; a gap keeps that off the next sample.
GAP = 0.5


def transcript(work, requests):
    """write-tool.jsonl with `requests` permission requests after its Write tool_use, each waiting for its answer."""
    lines = (b.ROOT / "src/test/resources/fixtures/claude/write-tool.jsonl").read_text().splitlines()
    asks = []
    for i in range(requests):
        asks.append(json.dumps({"type": "control_request", "request_id": f"bench-{i}", "request": {
            "subtype": "can_use_tool", "tool_name": "Write", "input": {"file_path": str(work / "hello.txt"),
                                                                       "content": "hello\n"},
            "description": "hello.txt", "permission_suggestions": []}}, separators=(",", ":")))
        asks.append(">> (the answer)")
    lines[2:2] = asks
    path = work / "approve-transcript.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def stamps(path):
    return [float(s.replace(",", ".")) for s in path.read_text().split()] if path.exists() else []


def open_requests(work):
    """The numbers of the open requests, from the run's PID file (as `tasks --json` reads them)."""
    for pid_file in (work / "pids").glob("*.pid"):
        for line in pid_file.read_text().splitlines():
            if line.startswith("approvals="):
                return [a["n"] for a in json.loads(line[len("approvals="):])]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="requests approved in one run")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    with b.sandbox() as (work, stub, env):
        stamp_file = work / "stdin.stamps"
        run_env = {**env, "FAKE_CLAUDE_TRANSCRIPT": str(transcript(work, args.runs)),
                   "FAKE_CLAUDE_STDIN_STAMPS": str(stamp_file), "FAKE_CLAUDE_DELAY": "0"}
        proc = subprocess.Popen(b.supervise_argv(work, "--session-label", LABEL, "--permissions", "ask"),
                                env=run_env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            on_stdin, walls, floor = [], [], []
            for n in range(1, args.runs + 1):
                deadline = time.monotonic() + 60
                while n not in open_requests(work):  # the runner has request n open
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"the supervised run did not ask request {n}")
                    time.sleep(0.02)
                time.sleep(GAP)
                floor.append(b.run_measured([str(b.LAUNCHER), "approve", "--version"], env).wall)
                before = len(stamps(stamp_file))
                t0 = time.time()
                u = b.run_measured([str(b.LAUNCHER), "approve", LABEL, str(n), "--pid-dir", str(work / "pids")], env)
                if u.exit_code != 0:
                    raise SystemExit(f"approve exited {u.exit_code}")
                arrived = stamps(stamp_file)
                deadline = time.monotonic() + 10
                while len(arrived) < before + 1:  # written to the pipe; the fake reads it a moment later
                    if time.monotonic() > deadline:
                        raise SystemExit("approve exited 0 but Claude did not read its line")
                    time.sleep(0.005)
                    arrived = stamps(stamp_file)
                on_stdin.append(arrived[-1] - t0)
                walls.append(u.wall)
            if proc.wait(timeout=120) != 0:
                raise SystemExit(f"the supervised run exited {proc.returncode}")
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=120)
        b.report("approve command -> control_response on Claude's stdin", on_stdin, "ms", "<= 250 ms", scale=1000,
                 digits=1)
        b.report("  approve command, wall time to its exit", walls, "ms", scale=1000, digits=1)
        b.report("  run-task approve --version, interleaved (the same start, nothing sent: the floor)", floor, "ms",
                 scale=1000, digits=1)
        b.report("  approve -> stdin minus the approve --version just before it",
                 [s - f for s, f in zip(on_stdin, floor)], "ms", scale=1000, digits=1)
        asked = [t for _, t in stub.messages() if t.startswith("🔐 ")]
        print(f"(the stub gateway received {len(asked)} '🔐 Claude Code asks' messages)")


if __name__ == "__main__":
    main()
