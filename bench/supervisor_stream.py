#!/usr/bin/env python3
"""Supervisor peak RSS and CPU while a fake Claude streams 10 MB, 100 MB and 1 GB of stream-json.

Targets: peak RSS flat <= 80 MB at every size; supervisor CPU <= 1 s per 100 MB.
The stream is examples/fake-claude's FAKE_CLAUDE_BULK_MB (text_delta stream events and assistant tool_use
lines), then its demo transcript. CPU is the supervisor JVM's own (user + system); the fake Claude's CPU is
measured apart (bench/claude-wrapper) and not counted.

    python3 bench/supervisor_stream.py [--sizes 10,100,1000] [--runs 3]
"""

import argparse

import benchlib as b


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,100,1000", help="MB, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    with b.sandbox() as (work, stub, env):
        for mb in (int(s) for s in args.sizes.split(",")):
            rss, cpu, per100, wall, fake = [], [], [], [], []
            for i in range(args.runs):
                stamps = work / f"stamps-{mb}-{i}"
                run_env = {**env, "FAKE_CLAUDE_BULK_MB": str(mb), "FAKE_CLAUDE_DELAY": "0",
                           "BENCH_STAMPS": str(stamps)}
                with open(work / f"run-{mb}-{i}.log", "w") as log:
                    u = b.run_measured(b.supervise_argv(work, "--timeout", "3600"), run_env, stderr=log)
                if u.exit_code != 0:
                    raise SystemExit(f"{mb} MB run {i}: exit {u.exit_code}\n" + (work / f"run-{mb}-{i}.log").read_text())
                rss.append(u.peak_rss_mb)
                cpu.append(u.cpu)
                per100.append(u.cpu * 100 / mb)
                wall.append(u.wall)
                fake.append(b.read_stamps(stamps)[2])
            b.report(f"{mb} MB stream: supervisor peak RSS", rss, "MB", "<= 80 MB")
            b.report(f"{mb} MB stream: supervisor CPU", cpu, "s", digits=2)
            b.report(f"{mb} MB stream: supervisor CPU per 100 MB", per100, "s", "<= 1 s", digits=2)
            b.report(f"{mb} MB stream: wall (fake Claude streaming included)", wall, "s", digits=2)
            b.report(f"{mb} MB stream: fake Claude's own CPU (not counted above)", fake, "s", digits=2)


if __name__ == "__main__":
    main()
