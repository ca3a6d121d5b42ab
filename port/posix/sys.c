/* Process-level services on Linux/POSIX. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"

int sys_read_file(const char *path, char *buf, size_t cap, size_t *len, unsigned *mode)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : errno ? errno : EINVAL;
        close(fd);
        return e;
    }
    *mode = (unsigned)(st.st_mode & 07777);
    size_t got = 0;
    for (;;) {
        if (got + 1 >= cap) {
            close(fd);
            return EFBIG;
        }
        ssize_t n = read(fd, buf + got, cap - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return e;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *len = got;
    return 0;
}

const char *sys_getenv(const char *name)
{
    return getenv(name);
}

bool sys_stdout_is_tty(void)
{
    return isatty(STDOUT_FILENO) == 1;
}

void sys_no_core_dumps(void)
{
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static long status_kb(const char *key)
{
    char buf[2048];
    size_t len = 0;
    unsigned mode;
    if (sys_read_file("/proc/self/status", buf, sizeof buf, &len, &mode) != 0)
        return -1;
    const char *p = strstr(buf, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

long sys_peak_rss_kb(void)
{
    return status_kb("VmHWM:");
}

long sys_rss_kb(void)
{
    return status_kb("VmRSS:");
}

/* probes descriptors instead of reading /proc/self/fd: opendir would
 * allocate */
int sys_fd_count(void)
{
    struct rlimit rl;
    int n = 0;
    long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur : 1024;
    if (max > 65536)
        max = 65536;
    for (int fd = 0; fd < max; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}
