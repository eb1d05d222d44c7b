/* attach_python — the Python frames hook of the outside sampler; see
 * attach_python.h. This is the stub: no Python frames. */
#include "collect/attach_python.h"

struct attach_python *attach_python_new(pid_t pid)
{
	(void)pid;
	return NULL;
}

void attach_python_free(struct attach_python *py)
{
	(void)py;
}

size_t attach_python_frames(struct attach_python *py, pid_t pid, pid_t tid,
			    struct attach_frame *frames, size_t n, size_t cap)
{
	(void)py;
	(void)pid;
	(void)tid;
	(void)frames;
	(void)cap;
	return n; /* no Python frames */
}
