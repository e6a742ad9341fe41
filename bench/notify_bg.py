#!/usr/bin/env python3
"""`run-task notify --bg` wall time and peak RSS against a local stub gateway.

Targets: median wall <= 300 ms, peak RSS <= 60 MB. For comparison the same command is also timed without the
class-data-sharing archive (RUN_TASK_CDS=off) and as a plain `java -jar` with default JVM options.

    python3 bench/notify_bg.py [--runs 20] [--no-compare]
"""

import argparse
import subprocess

import benchlib as b


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--no-compare", action="store_true", help="only the launcher with its archive")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    notify = ["notify", "--bg", "-g", "120363000000000000@g.us", "-m", "Benchmark ✓ step done"]
    variants = [("launcher (CDS archive)", [str(b.LAUNCHER), *notify], {})]
    if not args.no_compare:
        variants += [("launcher, RUN_TASK_CDS=off", [str(b.LAUNCHER), *notify], {"RUN_TASK_CDS": "off"}),
                     ("java -jar, default JVM options", [b.java(), "-jar", str(b.ROOT / "target" / "run-task.jar"),
                                                         *notify], {})]
    with b.sandbox() as (work, stub, env):
        for name, argv, extra in variants:
            run_env = {**env, **extra}
            subprocess.run(argv, env=run_env, stdout=subprocess.DEVNULL, check=True)  # warm the page cache
            walls, rss = [], []
            for _ in range(args.runs):
                u = b.run_measured(argv, run_env)
                if u.exit_code != 0:
                    raise SystemExit(f"{name}: exit {u.exit_code}")
                walls.append(u.wall)
                rss.append(u.peak_rss_mb)
            target = name.startswith("launcher (")
            b.report(f"notify --bg wall, {name}", walls, "ms", "<= 300 ms" if target else "", scale=1000, digits=0)
            b.report(f"notify --bg peak RSS, {name}", rss, "MB", "<= 60 MB" if target else "")
        posted = len(stub.messages())
        print(f"(stub gateway received {posted} message posts)")


if __name__ == "__main__":
    main()
