"""Shared helpers of the benchmark scripts: JDK and Python 3 only.

Every figure is measured on what users run: scripts/run-task (the launcher, with its JVM options and the
class-data-sharing archive) against bench/StubGateway.java, with examples/fake-claude standing in for Claude.
"""

import base64
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "scripts" / "run-task"
WRAPPER = ROOT / "bench" / "claude-wrapper"
TOKEN = "bench-gateway-token"
SESSION = "agent:main:telegram:group:-1001234567890:topic:42"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    found = shutil.which("java")
    if not found:
        sys.exit("java not found: install a JDK 17+ or set JAVA_HOME")
    return found


def machine() -> str:
    """One paragraph saying where the figures come from."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1048576:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    version = subprocess.run([java(), "-version"], capture_output=True, text=True).stderr.splitlines()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')} | {platform.system()} {platform.release()} | {cpu}, "
            f"{os.cpu_count()} cores, {mem} | {version[1] if len(version) > 1 else version} | load {load}")


def ensure_built() -> None:
    """Builds the jar and the archive when missing (the launcher would do it on first use, but not timed)."""
    if not (ROOT / "target" / "run-task.jar").exists():
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package"], cwd=ROOT, check=True)
    subprocess.run([str(LAUNCHER), "--version"], check=True, stdout=subprocess.DEVNULL)
    if not archive_in_use():
        print("note: no class-data-sharing archive matches this jar and JVM; making one", file=sys.stderr)
        subprocess.run([str(LAUNCHER)], env={**os.environ, "RUN_TASK_CDS": "dump"}, check=True)


def archive_in_use() -> bool:
    """Whether a JVM started by the launcher maps our archive: our own Main comes from it."""
    out = subprocess.run([str(LAUNCHER), "--version"], capture_output=True, text=True,
                         env={**os.environ, "RUN_TASK_JAVA_OPTS": "-Xlog:class+load=info:stderr"}).stderr
    return any("dev.cctask.cli.Main source: shared objects file" in line for line in out.splitlines())


@dataclass
class Usage:
    """One finished process: wall seconds, its own CPU seconds, peak RSS in MiB (max of it and its children)."""
    exit_code: int
    wall: float
    cpu: float
    children_cpu: float
    peak_rss_mb: float


def run_measured(argv, env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                 on_start=None) -> Usage:
    """Runs argv to its end. The launcher execs java, so the process measured is the JVM itself."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, stdin=stdin)
    if on_start:
        on_start(p)
    # wait for the exit but leave the zombie: its /proc stat still holds its own final CPU times
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    wall = time.perf_counter() - t0
    fields = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICK
    children = (int(fields[13]) + int(fields[14])) / CLOCK_TICK
    _, status, rusage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return Usage(p.returncode, wall, own, children, rusage.ru_maxrss / 1024)


def cpu_seconds(pid: int) -> float:
    """A live process's own user + system CPU seconds (10 ms resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


class Stub:
    """bench/StubGateway.java on an ephemeral loopback port, logging every request with its arrival time."""

    def __init__(self, work: Path, max_seconds: int = 7200):
        self.port_file = work / "stub.port"
        self.log = work / "stub.log"
        self.proc = subprocess.Popen([java(), str(ROOT / "bench" / "StubGateway.java"), str(self.port_file),
                                      str(self.log), str(max_seconds)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not self.port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                sys.exit("the stub gateway did not start")
            time.sleep(0.05)
        self.port = int(self.port_file.read_text())

    def requests(self):
        """[(arrival in seconds since the epoch, path, body as parsed JSON or text)], oldest first."""
        out = []
        for line in self.log.read_text().splitlines():
            ns, path, body = line.split("\t")
            raw = base64.b64decode(body).decode("utf-8")
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw
            out.append((int(ns) / 1e9, path, parsed))
        return out

    def messages(self):
        """[(arrival, text)] of the `message` tool posts."""
        return [(t, b["args"]["message"]) for t, path, b in self.requests()
                if path == "/tools/invoke" and isinstance(b, dict) and b.get("tool") == "message"]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@contextmanager
def sandbox():
    """A private HOME, state dir and OpenClaw config pointing at a fresh stub gateway; yields (work, stub, env)."""
    with tempfile.TemporaryDirectory(prefix="run-task-bench-") as d:
        work = Path(d)
        stub = Stub(work)
        try:
            home = work / "home"
            state = home / ".openclaw"
            state.mkdir(parents=True)
            (state / "openclaw.json").write_text(
                "{gateway: {port: %d, auth: {mode: 'token', token: '%s'}}}\n" % (stub.port, TOKEN))
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("OPENCLAW_", "RUN_TASK_NOTIFY_", "FAKE_CLAUDE_", "JAVA_TOOL_OPTIONS"))}
            env.update(HOME=str(home), OPENCLAW_STATE_DIR=str(state))
            yield work, stub, env
        finally:
            stub.stop()


def supervise_argv(work: Path, *extra: str) -> list:
    """The launcher supervising bench/claude-wrapper (examples/fake-claude) in the sandbox, with a chat route."""
    return [str(LAUNCHER), "-t", "bench task", "-p", str(work / "project"), "-s", SESSION,
            "-o", str(work / "out.txt"), "--pid-dir", str(work / "pids"), "--claude-bin", str(WRAPPER),
            "--delivery-deadline", "30", *extra]


def read_stamps(path: Path):
    """The claude-wrapper file: start and exit wall-clock times and the fake's CPU seconds (it and its children)."""
    lines = path.read_text().splitlines()
    start = float(lines[0].split()[1].replace(",", "."))
    end = float(lines[3].split()[1].replace(",", "."))

    def secs(word):  # bash `times`: 0m1.234s
        m, s = word.rstrip("s").split("m")
        return int(m) * 60 + float(s.replace(",", "."))

    cpu = sum(secs(w) for line in lines[1:3] for w in line.split())
    return start, end, cpu


def spread(values):
    """median, min, max and the sample count, as a dict."""
    values = sorted(values)
    return {"n": len(values), "median": statistics.median(values), "min": values[0], "max": values[-1]}


def report(name: str, values, unit: str, target: str = "", scale: float = 1.0, digits: int = 1) -> dict:
    s = spread([v * scale for v in values])
    line = (f"{name}: median {s['median']:.{digits}f} {unit} (min {s['min']:.{digits}f}, "
            f"max {s['max']:.{digits}f}, n={s['n']})")
    print(line + (f"   target {target}" if target else ""), flush=True)
    return s
