"""py_zones — zones, counters, a gauge, a mark and thread names from Python
(`import perftop`), with exact answers, for tests/python/module.test.sh.

    python3 py_zones.py [N [STATUS]]

Zone "py.step" runs N times (default 1000), each beside count("py.steps")
and count("py.bytes", 3); the decorated method Parser.parse_line runs 2N
times; zone "py.outer" runs once around 5 runs of "py.inner"; zone
"py.fail" and the decorated Parser.broken each raise once (caught here);
thread "py-worker" runs zone "py.worker" N times; gauge "py.queue" ends at
42.5; one mark says "py reloaded /etc/app.conf"; the main thread is named
"py-main". It waits (up to PT_WAIT seconds, default 30) for perftop to
connect when the agent is loaded (nothing is counted before), prints the
same lines with or without the agent, and exits with STATUS (default 0).
"""
import os
import sys
import threading
import time

import perftop


class Parser:
    @perftop.zone()
    def parse_line(self, line):
        return len(line.split(","))

    @perftop.zone()
    def broken(self):
        raise KeyError("broken")


def busy(x):
    for _ in range(200):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    return x


def worker(n, out):
    perftop.thread_name("py-worker")
    x = 1
    for _ in range(n):
        with perftop.zone("py.worker"):
            x = busy(x)
    out.append(x)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    status = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if perftop.AGENT_LOADED:
        deadline = time.monotonic() + float(os.environ.get("PT_WAIT", "30"))
        while not perftop.connected() and time.monotonic() < deadline:
            time.sleep(0.01)
    perftop.thread_name("py-main")

    out = []
    t = threading.Thread(target=worker, args=(n, out))
    t.start()

    p = Parser()
    x = 1
    fields = 0
    for i in range(n):
        with perftop.zone("py.step"):
            x = busy(x)
        perftop.count("py.steps")
        perftop.count("py.bytes", 3)
        perftop.gauge("py.queue", i)
        fields += p.parse_line("a,b,%d" % i)
        fields += p.parse_line("c")
    with perftop.zone("py.outer"):
        for _ in range(5):
            with perftop.zone("py.inner"):
                x = busy(x)
    try:
        with perftop.zone("py.fail"):
            raise ValueError("inside a zone")
    except ValueError as e:
        print("caught ValueError: %s" % e)
    try:
        p.broken()
    except KeyError as e:
        print("caught KeyError: %s" % e)
    perftop.gauge("py.queue", 42.5)
    perftop.mark("py reloaded %s", "/etc/app.conf")
    t.join()
    print("steps %d fields %d x %d worker %d" % (n, fields, x, out[0]))
    sys.stdout.flush()
    sys.exit(status)


if __name__ == "__main__":
    main()
