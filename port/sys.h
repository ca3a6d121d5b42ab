/* sys: small process-level services for main (port/posix/sys.c): reading a
 * whole small file with its permission bits, the environment, whether stdout
 * is a terminal, refusing core dumps (they would hold the API key), and the
 * figures --stats reports (peak RSS, open descriptors). */
#ifndef GWHIST_SYS_H
#define GWHIST_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads path into buf (at most cap-1 bytes, NUL-terminated); *mode gets the
 * permission bits. Returns 0, an errno value, or EFBIG if it does not fit. */
int sys_read_file(const char *path, char *buf, size_t cap, size_t *len, unsigned *mode);

const char *sys_getenv(const char *name);
bool sys_stdout_is_tty(void);

/* No core dumps and no ptrace by other users: a crash must not leave the
 * API key on disk. */
void sys_no_core_dumps(void);

/* VmHWM and VmRSS from /proc/self/status in KiB, -1 if unknown. */
long sys_peak_rss_kb(void);
long sys_rss_kb(void);

/* Open file descriptors of this process, -1 if unknown. */
int sys_fd_count(void);

#endif
