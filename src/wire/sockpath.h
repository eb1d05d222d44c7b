/*
 * sockpath — where perftop listens and agents connect, shared by both sides.
 *
 * $PERFTOP_SOCKET if set, else $XDG_RUNTIME_DIR/perftop/perftop.sock, else
 * /tmp/perftop-$UID/perftop.sock. perftop creates the directory mode 0700 and
 * refuses one that is a symlink, not a directory, owned by another user or
 * open to others (as tmux does); agents only connect.
 */
#ifndef PERFTOP_WIRE_SOCKPATH_H
#define PERFTOP_WIRE_SOCKPATH_H

#include <stddef.h>
#include <sys/types.h>

enum { SOCKPATH_MAX = 108 }; /* sizeof(sun_path) */

/* Writes the default socket path for uid into out. Returns 0, or -ENAMETOOLONG.
 * Reads the environment: call it outside signal handlers. */
int sockpath_default(char *out, size_t len, uid_t uid);

/* After sockpath_default() gave -ENAMETOOLONG: why, naming the whole path,
 * the variable it came from and the fix, e.g. "the socket path
 * '/long/.../perftop/perftop.sock' (from XDG_RUNTIME_DIR) is 230 bytes, over
 * the 107 a Unix socket address holds: set PERFTOP_SOCKET to a shorter path,
 * e.g. /tmp/perftop-1000/perftop.sock". */
void sockpath_too_long(char *why, size_t why_len, uid_t uid);

/* Makes sure the directory holding path exists, is a real directory (not a
 * symlink) owned by uid with no group/other access, creating it 0700 if
 * absent. Returns 0, or a negative errno with a reason and its fix in why:
 * "socket directory '/x' is a symlink; refusing it: remove the link, or set
 * PERFTOP_SOCKET to a path in a private directory", "... is open to other
 * users (mode 755): chmod 700 '/x', or set PERFTOP_SOCKET ...". */
int sockpath_prepare_dir(const char *path, uid_t uid, char *why, size_t why_len);

/* sockpath_prepare_dir(), then the socket's own name: free, or a socket
 * (a live or stale one: the listener tells them apart). Anything else
 * there gives "'PATH' exists and is not a socket: move it away, or set
 * PERFTOP_SOCKET to another path" and -EEXIST. */
int sockpath_check(const char *path, uid_t uid, char *why, size_t why_len);

#endif
