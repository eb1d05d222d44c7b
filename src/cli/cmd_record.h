/*
 * cmd_record — `perftop record` (a profile into a snapshot file, no screen)
 * and `perftop open` (a snapshot file in the same views as live).
 */
#ifndef PERFTOP_CLI_CMD_RECORD_H
#define PERFTOP_CLI_CMD_RECORD_H

/* perftop record -o FILE [-d SECS] [-F HZ] [-i SECS] -- CMD ...
 * perftop record -o FILE -p PID [-d SECS] [-i SECS]
 * argv[0] is "record". Returns the exit status: 0, 1 (runtime), 2 (usage). */
int cmd_record(int argc, char **argv);

/* perftop open FILE [--batch] [-p PID] [--theme NAME] [--no-color]
 * argv[0] is "open". Returns 0, 1 when the file cannot be loaded or shown,
 * 2 on a usage error. */
int cmd_open(int argc, char **argv);

#endif
