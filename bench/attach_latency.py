#!/usr/bin/env python3
"""Attaching a 1 MB result: child exit -> final message at the gateway, with --attach auto against --attach never.

Target: attaching the full output as a document (issue 20) adds <= 300 ms between the child's exit and the
final message's acceptance. The fake Claude replays the demo transcript with a 1 MB Markdown result; runs
alternate between --attach never and --attach auto, so both see the same minutes. bench/claude-wrapper stamps
the child's exit, the stub gateway the arrival of each request (it answers at once): the final message is the
first `message` post without the 📡 prefix and without a `buffer`, the document the post with one.

    python3 bench/attach_latency.py [--runs 10] [--mb 1]
"""

import argparse
import json

import benchlib as b

TRANSCRIPT = b.ROOT / "examples" / "transcripts" / "demo.jsonl"


def write_transcript(path, megabytes: float) -> int:
    """The demo transcript with a result of about `megabytes` MB of Markdown; returns its size in bytes."""
    line = "- a finding of the report, with details and a little ünïcödé\n"
    text = "# Report\n\n" + line * int(megabytes * 1_000_000 / len(line.encode()))
    events = [json.loads(l) for l in TRANSCRIPT.read_text(encoding="utf-8").splitlines() if l.strip()]
    for event in events:
        if event.get("type") == "result":
            event["result"] = text
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return len(text.encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="runs of each mode")
    ap.add_argument("--mb", type=float, default=1.0, help="size of the result in MB")
    args = ap.parse_args()

    print(b.machine())
    b.ensure_built()
    finals = {"never": [], "auto": []}
    documents, wakes = [], []
    with b.sandbox() as (work, stub, env):
        transcript = work / "result.jsonl"
        size = write_transcript(transcript, args.mb)
        print(f"result: {size} bytes")
        for i in range(args.runs * 2):
            mode = "never" if i % 2 == 0 else "auto"
            stamps = work / f"stamps-{i}"
            run_env = {**env, "FAKE_CLAUDE_TRANSCRIPT": str(transcript), "FAKE_CLAUDE_DELAY": "0",
                       "FAKE_CLAUDE_SLEEP_AFTER": "1", "BENCH_STAMPS": str(stamps)}
            seen = len(stub.requests())
            u = b.run_measured(b.supervise_argv(work, "--attach", mode), run_env)
            if u.exit_code != 0:
                raise SystemExit(f"run {i} ({mode}) exited {u.exit_code}")
            _, exited, _ = b.read_stamps(stamps)
            new = [(t, body) for t, path, body in stub.requests()[seen:]
                   if path == "/tools/invoke" and isinstance(body, dict)]
            posts = [(t, body) for t, body in new if body.get("tool") == "message"
                     and not body["args"]["message"].startswith("📡")]
            final = next(t for t, body in posts if "buffer" not in body["args"])
            finals[mode].append(final - exited)
            if mode == "auto":
                document = next(t for t, body in posts if "buffer" in body["args"])
                documents.append(document - exited)
                wakes.append(next(t for t, body in new if body.get("tool") == "sessions_send") - exited)
    never = b.report("child exit -> final message, --attach never", finals["never"], "ms", scale=1000)
    auto = b.report("child exit -> final message, --attach auto", finals["auto"], "ms", scale=1000)
    b.report("child exit -> document at the gateway, --attach auto", documents, "ms", scale=1000)
    b.report("child exit -> wake, --attach auto", wakes, "ms", scale=1000)
    added = auto["median"] - never["median"]
    print(f"attaching adds (median auto - median never): {added:.1f} ms   target <= 300 ms", flush=True)


if __name__ == "__main__":
    main()
