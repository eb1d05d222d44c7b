"""python_zone — what a zone from Python (`import perftop`) costs, against
the timer Python programs write today (a `with` block that reads
time.perf_counter() twice and appends the difference to a list), in the
same process, in interleaved rounds. Prints, per variant, the median over
ROUNDS rounds of ns per use, the empty loop's cost subtracted:

    python-zone-ns LABEL VARIANT NS

Usage: python3 python_zone.py LABEL [ROUNDS [N]]. It waits up to 30 s for
perftop to connect when the agent is loaded.
"""
import statistics
import sys
import time

import perftop


class Timer:
    """The pure-Python timer: the samples go to a list per name."""

    samples = {}

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, et, ev, tb):
        Timer.samples.setdefault(self.name, []).append(time.perf_counter() - self.t0)


def v_empty(n):
    for _ in range(n):
        pass


def v_timer(n):
    for _ in range(n):
        with Timer("parse"):
            pass


def v_zone(n):
    for _ in range(n):
        with perftop.zone("parse"):
            pass


@perftop.zone()
def decorated():
    pass


def plain():
    pass


def v_plain_call(n):
    for _ in range(n):
        plain()


def v_decorated(n):
    for _ in range(n):
        decorated()


def v_count(n):
    for _ in range(n):
        perftop.count("calls")


VARIANTS = [("empty", v_empty), ("timer", v_timer), ("zone", v_zone),
            ("plain_call", v_plain_call), ("decorated", v_decorated), ("count", v_count)]


def main():
    label = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
    if perftop.AGENT_LOADED:
        deadline = time.monotonic() + 30
        while not perftop.connected() and time.monotonic() < deadline:
            time.sleep(0.01)
    per = {name: [] for name, _ in VARIANTS}
    for r in range(rounds):
        order = VARIANTS if r % 2 == 0 else VARIANTS[::-1]
        for name, fn in order:
            Timer.samples.clear()
            t0 = time.perf_counter_ns()
            fn(n)
            per[name].append((time.perf_counter_ns() - t0) / n)
    empty = statistics.median(per["empty"])
    call = statistics.median(per["plain_call"])
    for name, _ in VARIANTS:
        if name == "empty":
            continue
        value = statistics.median(per[name]) - empty
        if name == "decorated":
            value = statistics.median(per[name]) - call
        print("python-zone-ns %s %s %.1f" % (label, name, value))
    print("python-zone-connected %s %s" % (label, perftop.connected()))


if __name__ == "__main__":
    main()
