#!/usr/bin/env python3
"""JMH throughput of the stream parser (dev.cctask.claude.StreamParser) on one core, in MB/s of stream-json.

Target: >= 200 MB/s. Builds bench/jmh (a separate Maven module, outside the project's build) against the
packaged target/run-task.jar and runs StreamParserBench with JMH's defaults for the JVM (C2, default heap), as
a measure of the parser itself; the supervisor runs with C1 only (see bench/supervisor_stream.py for that).

    python3 bench/parser_jmh.py [--quick]
"""

import argparse
import json
import re
import subprocess

import benchlib as b

JMH = b.ROOT / "bench" / "jmh"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 warm-up and 3 measured iterations of 1 s")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    subprocess.run(["mvn", "-B", "-q", "-f", str(JMH / "pom.xml"), "package"], check=True)
    classpath = ":".join([str(JMH / "target" / "classes"), (JMH / "target" / "classpath.txt").read_text().strip(),
                          str(b.ROOT / "target" / "run-task.jar")])
    result = JMH / "target" / "jmh-result.json"
    cmd = [b.java(), f"-Dproject.dir={b.ROOT}", "-cp", classpath, "org.openjdk.jmh.Main", "StreamParserBench",
           "-rf", "json", "-rff", str(result)]
    if args.quick:
        cmd += ["-wi", "2", "-i", "3", "-w", "1", "-r", "1"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r"corpus (\w+): \d+ lines, (\d+) bytes", out)}
    for run in json.loads(result.read_text()):
        corpus = run["params"]["corpus"]
        per_iteration = [ops * sizes[corpus] / 1e6 for fork in run["primaryMetric"]["rawData"] for ops in fork]
        b.report(f"StreamParser, {corpus} corpus ({sizes[corpus]} bytes an operation)", per_iteration, "MB/s",
                     ">= 200 MB/s", digits=0)


if __name__ == "__main__":
    main()
