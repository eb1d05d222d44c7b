"""py_threads — two threads doing the same work in the ratio 2:1, for
tests/python/frames.test.sh.

    python3 py_threads.py [SCALE]

Thread "worker-double" runs double_work, thread "worker-single" runs
single_work; both loops are the same pure-Python arithmetic (the line
marked "hot: NAME"), double_work for twice the iterations, in chunks so the
two threads take turns with the GIL. They start together; the main thread
only waits. Prints a checksum line, then each thread's CPU time as the
thread measured it (time.thread_time): the share a profiler must find,
which a loaded machine and the GIL's hand-offs move a little off 2:1.
"""
import sys
import threading
import time

CHUNK = 20000
results = {}


def spin(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) % 1000003
    return acc


def double_work(chunks):
    acc = 0
    for _ in range(2 * chunks):
        for i in range(CHUNK):
            acc = (acc * 31 + i) % 1000003  # hot: double_work
    results["double"] = acc


def single_work(chunks):
    acc = 0
    for _ in range(chunks):
        for i in range(CHUNK):
            acc = (acc * 31 + i) % 1000003  # hot: single_work
    results["single"] = acc


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    chunks = 60 * scale
    start = threading.Barrier(2)
    cpu = {}

    def run(fn):
        start.wait()
        t0 = time.thread_time()
        fn(chunks)
        cpu[fn.__name__] = time.thread_time() - t0

    threads = [threading.Thread(target=run, args=(double_work,), name="worker-double"),
               threading.Thread(target=run, args=(single_work,), name="worker-single")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("threads", results["double"], results["single"])
    print("cpu double_work %.6f single_work %.6f" % (cpu["double_work"], cpu["single_work"]))


if __name__ == "__main__":
    main()
