#!/usr/bin/env python3
"""Reader with the semantics of the Python skill's session_registry.py (list_recent_sessions, get_session,
find_session_by_label, update_session, cleanup_old_sessions), pointed at a given registry file.

Used by PythonCompatTest to prove that files written by the Java port keep working with the original functions.
Usage: session_registry_reader.py REGISTRY_FILE COMMAND [ARGS...]; prints the result as JSON.
"""

import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

REGISTRY_FILE = Path(sys.argv[1])


def _load():
    # The original reset a corrupt file to empty; the tests only feed it valid files.
    if not REGISTRY_FILE.exists():
        data = {"sessions": {}}
        _save(data)
        return data
    return json.loads(REGISTRY_FILE.read_text())


def _save(data):
    REGISTRY_FILE.write_text(json.dumps(data, indent=2))
    os.chmod(REGISTRY_FILE, 0o600)


def get_session(session_id):
    data = _load()
    entry = data["sessions"].get(session_id)
    if entry:
        entry["last_accessed"] = datetime.now().isoformat()  # the original touched it on every read
        _save(data)
    return entry


def list_recent_sessions(hours=72):
    data = _load()
    cutoff = datetime.now() - timedelta(hours=hours)
    found = []
    for entry in data["sessions"].values():
        try:
            if datetime.fromisoformat(entry["last_accessed"]) >= cutoff:
                found.append(entry)
        except (ValueError, KeyError):
            continue
    found.sort(key=lambda e: e.get("last_accessed", ""), reverse=True)
    return found


def find_session_by_label(label):
    # As the original: a null label raises AttributeError here (the port tolerates it).
    data = _load()
    wanted = label.lower()
    for entry in data["sessions"].values():
        if entry.get("label", "").lower() == wanted:
            return entry
    for entry in data["sessions"].values():
        if wanted in entry.get("label", "").lower():
            return entry
    return None


def update_session(session_id, **fields):
    data = _load()
    if session_id not in data["sessions"]:
        return False
    entry = data["sessions"][session_id]
    entry["last_accessed"] = datetime.now().isoformat()
    for key, value in fields.items():
        if key in entry:
            entry[key] = value
    _save(data)
    return True


def cleanup_old_sessions(days=30):
    data = _load()
    cutoff = datetime.now() - timedelta(days=days)
    old = []
    for session_id, entry in data["sessions"].items():
        try:
            if datetime.fromisoformat(entry["last_accessed"]) < cutoff:
                old.append(session_id)
        except (ValueError, KeyError):
            old.append(session_id)
    for session_id in old:
        del data["sessions"][session_id]
    if old:
        _save(data)
    return len(old)


def main():
    command, args = sys.argv[2], sys.argv[3:]
    if command == "list":
        result = [e["session_id"] for e in list_recent_sessions(int(args[0]))]
    elif command == "get":
        result = get_session(args[0])
    elif command == "find":
        entry = find_session_by_label(args[0])
        result = entry and entry["session_id"]
    elif command == "update":
        result = update_session(args[0], **{k: json.loads(v) for k, v in (a.split("=", 1) for a in args[1:])})
    elif command == "cleanup":
        result = cleanup_old_sessions(int(args[0]))
    else:
        raise SystemExit("unknown command " + command)
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
