#!/usr/bin/env python3
"""Supervisor idle cost: CPU seconds the supervisor JVM uses while its Claude child is quiet.

Target: <= 1 s over 10 minutes. The fake Claude plays a short transcript, then sleeps --seconds (default 600);
the supervisor has a chat route, so it sends its heartbeats (every 60 s by default) as in real use. The CPU is
read from /proc/<pid>/stat at the start and the end of the quiet phase, so start-up and the final delivery are
not counted (they are printed apart). With --seconds shorter than 600 the figure is also scaled to 10 minutes,
and the output says so.

    python3 bench/supervisor_idle.py [--seconds 600] [--heartbeat-interval 60]
"""

import argparse
import time

import benchlib as b

SETTLE = 5.0  # seconds after the child starts: the transcript is played and start-up work is over


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--heartbeat-interval", type=int, default=60)
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    with b.sandbox() as (work, stub, env):
        env_file = work / "child.env"
        run_env = {**env, "FAKE_CLAUDE_DELAY": "0", "FAKE_CLAUDE_SLEEP_AFTER": str(args.seconds + SETTLE),
                   "BENCH_ENV_FILE": str(env_file), "BENCH_STAMPS": str(work / "stamps")}
        marks = {}

        def watch(proc):
            while not env_file.exists():  # the child has started
                time.sleep(0.01)
            time.sleep(SETTLE)
            marks["start"] = b.cpu_seconds(proc.pid)
            time.sleep(args.seconds)
            marks["end"] = b.cpu_seconds(proc.pid)

        u = b.run_measured(b.supervise_argv(work, "--timeout", str(int(args.seconds + 600)),
                                            "--heartbeat-interval", str(args.heartbeat_interval)),
                           run_env, on_start=watch)
        if u.exit_code != 0:
            raise SystemExit(f"the supervised run exited {u.exit_code}")
        idle = marks["end"] - marks["start"]
        heartbeats = [t for _, t in stub.messages() if " CC (" in t]
        print(f"supervisor CPU while the child was quiet for {args.seconds:.0f} s: {idle:.2f} s "
              f"({len(heartbeats)} heartbeats sent in the whole run)"
              + ("   target <= 1 s" if args.seconds == 600 else ""))
        if args.seconds != 600:
            print(f"scaled to 600 s (extrapolated from {args.seconds:.0f} s): {idle * 600 / args.seconds:.2f} s"
                  "   target <= 1 s")
        print(f"supervisor CPU outside the quiet phase (start-up, transcript, final delivery): "
              f"{u.cpu - idle:.2f} s; peak RSS {u.peak_rss_mb:.1f} MB")


if __name__ == "__main__":
    main()
