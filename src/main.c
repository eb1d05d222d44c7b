/* main — perftop's entry point: hands the command line to the cli layer. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
