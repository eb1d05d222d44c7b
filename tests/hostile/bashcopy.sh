#!/bin/bash
# bashcopy.sh — a plain bash script that copies a file line by line through
# descriptors 3 and 4 (exec 3<IN 4>OUT), the numbers bash scripts reach for
# first. The suite compares OUT with IN byte for byte.
#   bash bashcopy.sh IN OUT
exec 3<"$1" 4>"$2"
n=0
while IFS= read -r line <&3; do
	printf '%s\n' "$line" >&4
	n=$((n + 1))
done
exec 3<&- 4>&-
echo "bashcopy copied $n lines"
