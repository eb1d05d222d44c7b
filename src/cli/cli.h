/*
 * cli — perftop's command line: options, subcommands, and their dispatch.
 */
#ifndef PERFTOP_CLI_CLI_H
#define PERFTOP_CLI_CLI_H

/* Parses argv and runs what it asks for. Returns the process exit status:
 * 0 on success, 1 on a runtime error, 2 on a usage error. */
int cli_main(int argc, char **argv);

#endif
