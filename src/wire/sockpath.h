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

/* Makes sure the directory holding path exists, is a real directory (not a
 * symlink) owned by uid with no group/other access, creating it 0700 if
 * absent. Returns 0, or a negative errno with a reason in why:
 * "socket directory '/x' is a symlink; refusing it", "... is owned by uid 0". */
int sockpath_prepare_dir(const char *path, uid_t uid, char *why, size_t why_len);

#endif
