#!/usr/bin/env python3
"""Child exit -> final request latency: from the fake Claude's exit to the final chat message at the gateway.

Target: median <= 100 ms (the original polled every 5 s: median 2.96 s). bench/claude-wrapper stamps the wall
clock just before the child exits; the stub gateway stamps the arrival of each request; the final message is
the first `message` post without the 📡 prefix (launch, heartbeats and relayed notes carry it).

    python3 bench/exit_latency.py [--runs 10] [--transcript FILE]

--transcript replays another recorded run, e.g. src/test/resources/fixtures/claude/subagent.jsonl (a background
subagent: the task tracking of issue 16 at work); the default is the demo transcript.
"""

import argparse
from pathlib import Path

import benchlib as b


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--transcript", help="transcript for examples/fake-claude (default: its demo transcript)")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    latencies, wakes = [], []
    with b.sandbox() as (work, stub, env):
        for i in range(args.runs):
            stamps = work / f"stamps-{i}"
            # a second of quiet after the transcript: start-up is over when the child exits
            run_env = {**env, "FAKE_CLAUDE_DELAY": "0", "FAKE_CLAUDE_SLEEP_AFTER": "1", "BENCH_STAMPS": str(stamps)}
            if args.transcript:
                run_env["FAKE_CLAUDE_TRANSCRIPT"] = str(Path(args.transcript).resolve())
            seen = len(stub.requests())
            u = b.run_measured(b.supervise_argv(work), run_env)
            if u.exit_code != 0:
                raise SystemExit(f"run {i} exited {u.exit_code}")
            _, exited, _ = b.read_stamps(stamps)
            new = stub.requests()[seen:]
            final = next(t for t, path, body in new if path == "/tools/invoke" and isinstance(body, dict)
                         and body.get("tool") == "message" and not body["args"]["message"].startswith("📡"))
            wake = next(t for t, path, body in new if isinstance(body, dict) and body.get("tool") == "sessions_send")
            latencies.append(final - exited)
            wakes.append(wake - exited)
    b.report("child exit -> final message at the gateway", latencies, "ms", "<= 100 ms", scale=1000)
    b.report("child exit -> wake (sessions_send) at the gateway", wakes, "ms", scale=1000)


if __name__ == "__main__":
    main()
