"""py_parents — Python frames whose caller is reached through C code, for
tests/python/frames.test.sh.

    python3 py_parents.py [SCALE]

sort_records calls sorted(records, key=lambda r: ...): the lambda (hot
line marked "hot: lambda") runs under builtin sorted's C code, and its
parent Python frame must be sort_records. consume_numbers runs a for loop
over the generator produce_numbers (hot line marked "hot: generator"),
which is resumed from C each step; its parent Python frame must be
consume_numbers. Prints one checksum line.
"""
import sys


def sort_records(records):
    return sorted(records, key=lambda r: (r * r * 31 + r * 17 + (r >> 3) * (r & 255) + (r % 97) * (r % 89) + (r ^ 0x5bd1) * 7) % 65521)  # hot: lambda


def produce_numbers(n):
    for i in range(n):
        acc = 0
        for k in range(30):
            acc = (acc * 31 + i + k) % 1000003  # hot: generator
        yield acc


def consume_numbers(n):
    total = 0
    for x in produce_numbers(n):
        total += x
    return total


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    records = [(i * 7919) % 100003 for i in range(20000 * scale)]
    total = 0
    for _ in range(5):
        total += sort_records(records)[0]
        total += consume_numbers(6000 * scale)
    print("parents", total)


if __name__ == "__main__":
    main()
