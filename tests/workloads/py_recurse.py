"""py_recurse — a recursion exactly 40 deep whose leaf burns CPU, for
tests/python/frames.test.sh.

    python3 py_recurse.py [SCALE]

main calls descend(40); descend(n) calls descend(n - 1) down to
descend(1), which calls burn_leaf: every sample in burn_leaf has exactly 40
descend frames above it (and none of them is the leaf). Repeated ROUNDS
times. Prints one checksum line.
"""
import sys

DEPTH = 40
ROUNDS = 20


def burn_leaf(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) % 1000003  # hot: burn_leaf
    return acc


def descend(level, n):
    if level == 1:
        return burn_leaf(n)
    return descend(level - 1, n) + 1


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    total = 0
    for _ in range(ROUNDS):
        total += descend(DEPTH, 150000 * scale)
    print("recurse", total)


if __name__ == "__main__":
    main()
