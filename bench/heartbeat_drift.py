#!/usr/bin/env python3
"""Heartbeat timing: how far each heartbeat's arrival at the gateway is from its schedule.

Target: <= 50 ms for each of 30 intervals of 5 s. Heartbeat k is due k * interval after the child started
(bench/claude-wrapper stamps the start); its error is arrival - due, which includes the HTTP post. The error
measured from the first heartbeat instead (the drift proper: does the clock slip?) and the spacing error
(arrival_k - arrival_k-1 - interval) are printed too; the difference is when the supervisor starts its clock.

    python3 bench/heartbeat_drift.py [--intervals 30] [--interval 5]
"""

import argparse

import benchlib as b


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--intervals", type=int, default=30)
    ap.add_argument("--interval", type=int, default=5)
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    with b.sandbox() as (work, stub, env):
        stamps = work / "stamps"
        quiet = args.intervals * args.interval + args.interval / 2
        run_env = {**env, "FAKE_CLAUDE_DELAY": "0", "FAKE_CLAUDE_SLEEP_AFTER": str(quiet), "BENCH_STAMPS": str(stamps)}
        u = b.run_measured(b.supervise_argv(work, "--heartbeat-interval", str(args.interval)), run_env)
        if u.exit_code != 0:
            raise SystemExit(f"the supervised run exited {u.exit_code}")
        started, _, _ = b.read_stamps(stamps)
        beats = [t for t, text in stub.messages() if " CC (" in text][:args.intervals]
        if len(beats) < args.intervals:
            raise SystemExit(f"only {len(beats)} heartbeats arrived")
        errors = [t - (started + (k + 1) * args.interval) for k, t in enumerate(beats)]
        spacing = [beats[k] - beats[k - 1] - args.interval for k in range(1, len(beats))]
        drift = [beats[k] - beats[0] - k * args.interval for k in range(1, len(beats))]
        b.report(f"heartbeat arrival - schedule from the child's start, {args.intervals} x {args.interval} s",
                 errors, "ms", "<= 50 ms each", scale=1000)
        b.report("heartbeat arrival - schedule from the first heartbeat (drift)", drift, "ms", scale=1000)
        b.report("heartbeat spacing - interval", spacing, "ms", scale=1000)
        print(f"worst heartbeat: {max(abs(e) for e in errors) * 1000:.1f} ms off schedule; "
              f"last one {errors[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
