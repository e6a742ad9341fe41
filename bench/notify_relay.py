#!/usr/bin/env python3
"""`run-task notify -m TEXT` from inside a supervised run, through the run's notify relay: wall time.

Target: median <= 20 ms. A real supervised run (scripts/run-task with examples/fake-claude idling) provides the
relay; the notify calls use the environment the run gave its child, as Claude would. The relay takes 6
messages a minute, so the samples come from several runs, 6 each. The launcher posts with curl; the same
message through the JVM (`-t 120` makes the launcher hand it to the JVM) and a bare curl call (what the
launcher's fast path costs beyond curl's own start) are timed too. Calls are a second apart (see GAP).

    python3 bench/notify_relay.py [--runs 4]
"""

import argparse
import os
import subprocess
import time

import benchlib as b

PER_RUN = 6  # the relay's limit a minute
# The relay posts each message to the gateway before it takes the next request, so back-to-back calls would time
# that queue; Claude's notes come minutes apart. A second between calls leaves the relay idle for each one.
GAP = 1.0


def relay_env(work, env):
    """Starts a supervised run whose fake Claude idles; returns (process, the child's environment)."""
    env_file = work / "child.env"
    env_file.unlink(missing_ok=True)
    run_env = {**env, "FAKE_CLAUDE_SLEEP_AFTER": "300", "FAKE_CLAUDE_DELAY": "0", "BENCH_ENV_FILE": str(env_file)}
    proc = subprocess.Popen(b.supervise_argv(work), env=run_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not env_file.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the supervised run did not start its child")
        time.sleep(0.05)
    child = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return proc, {**env, "RUN_TASK_NOTIFY_URL": child["RUN_TASK_NOTIFY_URL"],
                  "RUN_TASK_NOTIFY_SECRET": child["RUN_TASK_NOTIFY_SECRET"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=4, help="supervised runs for the curl path (6 samples each)")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    with b.sandbox() as (work, stub, env):
        curl, jvm, bare = "launcher + curl", "launcher + JVM (-t 120)", "curl alone, no launcher"
        results = {curl: [], jvm: [], bare: []}
        firsts = {}
        plan = [curl] * args.runs + [jvm, bare]
        for i, mode in enumerate(plan):
            proc, notify_env = relay_env(work, env)
            try:
                config = work / "curl.config"  # bench only: the launcher passes it through a pipe
                config.write_text('header = "Authorization: Bearer %s"\n' % notify_env["RUN_TASK_NOTIFY_SECRET"])
                for k in range(PER_RUN):
                    text = f"Step {i}.{k} done ✓"
                    argv = {curl: [str(b.LAUNCHER), "notify", "-m", text],
                            jvm: [str(b.LAUNCHER), "notify", "-t", "120", "-m", text],
                            bare: ["curl", "--silent", "--fail", "--output", "/dev/null", "--config", str(config),
                                   "--data-raw", text, notify_env["RUN_TASK_NOTIFY_URL"]]}[mode]
                    u = b.run_measured(argv, notify_env)
                    if u.exit_code != 0:
                        raise SystemExit(f"{mode}: notify exited {u.exit_code}")
                    results[mode].append(u.wall)
                    if k == 0:
                        firsts.setdefault(mode, []).append(u.wall)
                    time.sleep(GAP)
            finally:
                proc.terminate()  # cancels the run (SIGTERM), which ends its fake Claude too
                proc.wait(timeout=120)
        for mode, walls in results.items():
            b.report(f"notify through the relay, {mode}", walls, "ms", "<= 20 ms" if mode == curl else "",
                     scale=1000, digits=1)
        b.report("  of which the first call of each run (the relay's first request)", firsts[curl], "ms",
                 scale=1000, digits=1)
        relayed = [t for _, t in stub.messages() if t.startswith("📡 Step ")]
        print(f"(the stub gateway received {len(relayed)} relayed messages)")


if __name__ == "__main__":
    main()
