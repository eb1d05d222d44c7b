// spin: a Go program linked with cgo (so it is dynamically linked with libc
// and LD_PRELOAD loads the agent), for tests/agent/signals.test.sh. The Go
// runtime installs its own handler for every signal with raw system calls;
// the agent must say it cannot sample, and the program must run unchanged.
// `spin [SECS]` burns SECS (2) of CPU and prints "spin done".
package main

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	secs := 2.0
	if len(os.Args) > 1 {
		if v, err := strconv.ParseFloat(os.Args[1], 64); err == nil {
			secs = v
		}
	}
	_ = C.abs(1)
	end := time.Now().Add(time.Duration(secs * float64(time.Second)))
	x := uint64(1)
	for time.Now().Before(end) {
		for i := 0; i < 100000; i++ {
			x = x*33 + 7
		}
	}
	fmt.Println("spin done", x%2 < 2)
}
