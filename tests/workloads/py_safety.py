"""py_safety — a Python program that does what a profiler's agent must
survive, for tests/python/safety.test.sh: its output and exit status must be
the same with and without the agent.

    python3 py_safety.py [THREADS]

In order: raises at the bottom of a 300-deep recursion and catches at the
top (finally blocks on the way), many times; starts and joins THREADS
threads (default 1000) in batches of 100; forks a multiprocessing pool
(the fork start method) and collects its results; installs its own
SIGUSR1 and SIGTERM handlers with signal.signal and sends itself both;
enables faulthandler, and has a forked child whose faulthandler reports
its SIGSEGV (the agent must leave the program's SIGSEGV handler in place);
then exits with status 7 while daemon threads still
run (Python loops, a sleep, a lock wait). Every line it prints is the same
from run to run (no pids, no times); nothing goes to stderr.
"""
import faulthandler
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback

DEPTH = 300


def dive(level, unwound):
    try:
        if level == 0:
            raise ValueError("bottom")
        return dive(level - 1, unwound)
    finally:
        unwound[0] += 1


def deep_raise(times):
    caught = frames = unwound = 0
    for _ in range(times):
        u = [0]
        try:
            dive(DEPTH, u)
        except ValueError as e:
            caught += 1
            frames = len(traceback.extract_tb(e.__traceback__))
        unwound += u[0]
    print("raise: caught %d, %d frames in the traceback, %d finally blocks" % (caught, frames, unwound),
          flush=True)


def busy(n, out, i):
    acc = 0
    for k in range(n):
        acc = (acc * 31 + k + i) % 1000003
    out[i] = acc


def many_threads(total):
    out = [None] * total
    for base in range(0, total, 100):
        batch = [threading.Thread(target=busy, args=(200, out, i))
                 for i in range(base, min(base + 100, total))]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
    print("threads: %d joined, checksum %d" % (sum(1 for x in out if x is not None), sum(out) % 1000003),
          flush=True)


def square_sum(n):
    acc = 0
    for k in range(n * 1000):
        acc = (acc + k * k) % 1000003
    return acc


def forked_pool():
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(3) as pool:
        res = pool.map(square_sum, range(1, 25))
    print("pool: %d results, checksum %d" % (len(res), sum(res) % 1000003), flush=True)


def own_signals():
    got = []
    signal.signal(signal.SIGUSR1, lambda s, f: got.append("USR1"))
    signal.signal(signal.SIGTERM, lambda s, f: got.append("TERM"))
    for _ in range(5):
        os.kill(os.getpid(), signal.SIGUSR1)
        busy(1000, [0], 0)  # the handlers run between bytecodes
    os.kill(os.getpid(), signal.SIGTERM)
    deadline = time.monotonic() + 30
    while len(got) < 6 and time.monotonic() < deadline:
        time.sleep(0.001)
    print("signals: %s; handlers still ours: %s" % (
        ",".join(got), signal.getsignal(signal.SIGUSR1) is not signal.SIG_DFL and
        signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)), flush=True)


def crash_here():
    import ctypes
    ctypes.string_at(0)  # SIGSEGV: faulthandler's handler must run


def faulthandler_child():
    import tempfile
    fd, path = tempfile.mkstemp(prefix="py_safety.")
    pid = os.fork()
    if pid == 0:
        faulthandler.enable(file=os.fdopen(fd, "w"))
        crash_here()
        os._exit(0)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    with open(path) as f:
        text = f.read()
    os.unlink(path)
    print("faulthandler child: killed by signal %s, report names crash_here: %s" % (
        os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "Segmentation fault" in text and "crash_here" in text), flush=True)


def daemons():
    lock = threading.Lock()
    lock.acquire()

    def spin():
        while True:
            busy(5000, [0], 0)

    for target in (spin, spin, lambda: time.sleep(3600), lock.acquire):
        threading.Thread(target=target, daemon=True).start()
    time.sleep(0.05)
    print("daemons: %d running at exit" % (threading.active_count() - 1), flush=True)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    deep_raise(50)
    many_threads(threads)
    forked_pool()
    own_signals()
    faulthandler.enable()
    print("faulthandler: %s" % faulthandler.is_enabled(), flush=True)
    faulthandler_child()
    daemons()
    sys.exit(7)


if __name__ == "__main__":
    main()
