#!/usr/bin/env python3
"""Compile-only checks with clang that the style guide asks for and g++ cannot make.

  headers        every header under common/, services/ and cli/ compiles alone
                 (self-contained: it includes what it uses);
  thread-safety  every source that takes an absl::Mutex (itself, or the
                 header of its name) compiles under clang's -Wthread-safety as
                 an error, so Abseil's ABSL_GUARDED_BY / EXCLUSIVE_LOCKS_REQUIRED
                 annotations on the mutexes that guard state hold. (Sources
                 without a mutex have nothing to check, and skipping them
                 keeps the check to a few minutes.)

Both read the flags of the real build from BUILD_DIR/compile_commands.json
(include paths, definitions) and run clang++ -fsyntax-only, JOBS at a time.
Exit status 1 and each failing file's diagnostics on a violation.
"""
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD_DIR", "build"))
JOBS = int(os.environ.get("JOBS", "2"))
CLANG = os.environ.get("CLANG", "clang++")
CHECK_FLAGS = ["-fsyntax-only", "-Wthread-safety", "-Werror=thread-safety",
               "-Wno-pragma-once-outside-header", "-Wno-unknown-warning-option"]


def compile_commands():
    with open(os.path.join(BUILD, "compile_commands.json")) as f:
        return json.load(f)


def clang_flags(command):
    """The -I, -isystem, -D and -std flags of one g++ command line."""
    args = shlex.split(command)
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-I", "-isystem", "-D") and i + 1 < len(args):
            out += [a, args[i + 1]]
            i += 2
            continue
        if a.startswith(("-I", "-D", "-std=")):
            out.append(a)
        i += 1
    return out


def takes_a_mutex(source):
    for path in (source, os.path.splitext(source)[0] + ".h"):
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                if "absl::Mutex" in f.read():
                    return True
    return False


def run(job):
    name, argv, cwd = job
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return name, p.returncode, p.stdout + p.stderr


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("headers", "thread-safety"):
        sys.exit("usage: clang_check.py headers|thread-safety")
    entries = [e for e in compile_commands()
               if not e["file"].startswith(os.path.join(BUILD, ""))]  # not generated code
    jobs = []
    if sys.argv[1] == "thread-safety":
        for e in entries:
            if not takes_a_mutex(e["file"]):
                continue
            command = e.get("command") or " ".join(shlex.quote(a) for a in e["arguments"])
            argv = [CLANG] + clang_flags(command) + CHECK_FLAGS + [e["file"]]
            jobs.append((os.path.relpath(e["file"], ROOT), argv, e["directory"]))
    else:
        flags = unique_pairs(entries)
        listed = subprocess.run(["git", "ls-files", "common/*.h", "services/*.h", "cli/*.h"],
                                cwd=ROOT, capture_output=True, text=True, check=True)
        for header in listed.stdout.split():
            argv = ([CLANG] + flags + CHECK_FLAGS +
                    ["-x", "c++", os.path.join(ROOT, header)])
            jobs.append((header, argv, BUILD))
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        for name, code, output in pool.map(run, jobs):
            if code != 0:
                failed += 1
                print(f"FAILED {name}\n{output}", flush=True)
    print(f"{sys.argv[1]}: {len(jobs) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def unique_pairs(entries):
    """Every include path and definition of the build, once each."""
    seen, out = set(), []
    for e in entries:
        command = e.get("command") or " ".join(shlex.quote(a) for a in e["arguments"])
        args = clang_flags(command)
        i = 0
        while i < len(args):
            item = tuple(args[i:i + 2]) if args[i] in ("-I", "-isystem", "-D") else (args[i],)
            i += len(item)
            if item not in seen:
                seen.add(item)
                out += list(item)
    return out


if __name__ == "__main__":
    main()
