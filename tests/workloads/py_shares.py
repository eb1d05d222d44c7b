"""py_shares — one thread whose three functions do 50/30/20 % of its work,
for tests/python/frames.test.sh.

    python3 py_shares.py [SCALE [ROUNDS]]

work_50, work_30 and work_20 run the same pure-Python arithmetic loop with
iteration counts in the ratio 5:3:2, called in turn for ROUNDS rounds (20 unless given) (so a
slow patch of the machine falls on all three alike). Each loop's body is
the line marked "hot: NAME"; the suite finds the lines by their marks.
Prints one checksum line; the same with or without a profiler.
"""
import sys

ROUNDS = 20
UNIT = 20000


def work_50(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) % 1000003  # hot: work_50
    return acc


def work_30(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) % 1000003  # hot: work_30
    return acc


def work_20(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) % 1000003  # hot: work_20
    return acc


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else ROUNDS
    unit = UNIT * scale
    total = 0
    for _ in range(rounds):
        total += work_50(5 * unit)
        total += work_30(3 * unit)
        total += work_20(2 * unit)
    print("shares", total)


if __name__ == "__main__":
    main()
