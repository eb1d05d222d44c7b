"""python_app — the Python workload of bench/python.bench.sh: what the
services and pipelines profiled with perftop do (regular expressions,
JSON, a recursive function) on two threads, a fixed amount of work.

    python3 python_app.py [SCALE]

Thread "parser" parses log lines with regular expressions and round-trips
records through JSON; the main thread walks a recursive tree and then
does the same parsing. Prints one checksum line.
"""
import json
import re
import sys
import threading

LINE = re.compile(r"(?P<ip>\d+\.\d+\.\d+\.\d+) - (?P<user>\w+) \[(?P<ts>[^\]]+)\] "
                  r'"(?P<verb>[A-Z]+) (?P<path>/\S*) HTTP/1\.[01]" (?P<status>\d{3}) (?P<size>\d+)')
WORD = re.compile(r"[a-z]+")


def make_lines(n):
    verbs = ("GET", "POST", "PUT", "DELETE")
    return ['10.%d.%d.%d - user%d [07/Dec/2026:10:%02d:%02d +0000] "%s /api/v1/items/%d?q=alpha%d HTTP/1.1" %d %d'
            % (i % 256, (i * 7) % 256, (i * 13) % 256, i % 50, i % 60, (i * 3) % 60, verbs[i % 4], i,
               i % 17, 200 + (i % 5) * 100, 100 + i * 37 % 9000) for i in range(n)]


def parse_logs(lines):
    total = 0
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        rec = m.groupdict()
        rec["words"] = WORD.findall(rec["path"])
        rec["size"] = int(rec["size"])
        back = json.loads(json.dumps({"record": rec, "tags": [rec["verb"], rec["status"]]}))
        total += back["record"]["size"] + len(back["record"]["words"])
    return total


def tree_sum(depth, seed):
    if depth == 0:
        return seed % 7
    return tree_sum(depth - 1, seed * 3 + 1) + tree_sum(depth - 1, seed * 5 + 2) + depth


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    lines = make_lines(2000)
    out = {}

    def parser():
        out["parser"] = sum(parse_logs(lines) for _ in range(3 * scale))

    t = threading.Thread(target=parser, name="parser")
    t.start()
    rec = sum(tree_sum(15, s) for s in range(scale))
    mine = sum(parse_logs(lines) for _ in range(scale))
    t.join()
    print("python_app", out["parser"], rec, mine)


if __name__ == "__main__":
    main()
