/*
 * listener — the Unix socket agents connect to.
 *
 * Binds a stream socket at a path whose directory sockpath_prepare_dir()
 * vetted, after making sure no other perftop is already listening there (a
 * stale socket file left by a killed perftop is replaced). Accepted peers are
 * checked with SO_PEERCRED: only the same uid (or root) is let in.
 */
#ifndef PERFTOP_COLLECT_LISTENER_H
#define PERFTOP_COLLECT_LISTENER_H

#include <stddef.h>
#include <sys/types.h>

/* Opens a non-blocking listening socket at path. Returns the fd, or a
 * negative errno with a reason in why ("another perftop is listening on
 * '/x'", "socket directory ... is a symlink", ...). */
int listener_open(const char *path, char *why, size_t why_len);

/* Accepts one pending connection (non-blocking, close-on-exec). Returns its
 * fd with the peer's pid and uid, -EAGAIN when none is pending, or another
 * negative errno. A peer of another uid is accepted and returned: the caller
 * refuses and logs it through listener_peer_allowed(). */
int listener_accept(int listen_fd, pid_t *peer_pid, uid_t *peer_uid);

/* Descriptors kept free for everything but agents: /proc readings, the
 * symbolizer's open modules (at most 64), the screen, saving a snapshot. */
enum { LISTENER_FD_RESERVE = 80 };

/* Whether a connection on descriptor fd leaves LISTENER_FD_RESERVE
 * descriptors under perftop's RLIMIT_NOFILE soft limit; limit_out (may be
 * NULL) gets that limit. An agent that would not is turned away, so the
 * process list never goes blind for lack of descriptors. */
int listener_fd_room(int fd, long *limit_out);

/* Raises this process's RLIMIT_NOFILE soft limit to the hard limit.
 * perftop run and record give their command back the limit perftop was
 * started with (collect/launch.c). Returns the soft limit now in force. */
long listener_raise_fd_limit(void);

/* True when a peer of uid may connect to a perftop running as our_uid. */
int listener_peer_allowed(uid_t peer_uid, uid_t our_uid);

/* Whether something listens on the Unix socket at path: 1 when a
 * connection is accepted (it is closed at once), 0 when refused (nobody
 * listens: a socket its perftop left), a negative errno otherwise. */
int listener_alive(const char *path);

/* Closes fd and removes the socket file at path, if it is still ours. */
void listener_close(int fd, const char *path);

#endif
