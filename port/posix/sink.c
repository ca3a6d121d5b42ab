/* Report sinks on POSIX: stdout, atomic file replace, termios serial port. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "sink.h"

/* a serial write may take len*10/baud seconds; allow that plus this much */
#define SINK_SLACK_MS 5000

static const struct {
    uint32_t baud;
    speed_t code;
} bauds[] = {
    {1200, B1200},     {2400, B2400},     {4800, B4800},     {9600, B9600},
    {19200, B19200},   {38400, B38400},   {57600, B57600},   {115200, B115200},
    {230400, B230400}, {460800, B460800}, {921600, B921600},
};

static int baud_code(uint32_t baud, speed_t *code)
{
    for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
        if (bauds[i].baud == baud) {
            *code = bauds[i].code;
            return 0;
        }
    }
    return -1;
}

bool sink_baud_valid(uint32_t baud)
{
    speed_t c;
    return baud_code(baud, &c) == 0;
}

static enum sink_err fail(struct sink *s, enum sink_err e, const char *what)
{
    snprintf(s->detail, sizeof s->detail, "%s %s: %s", what, s->path, strerror(errno));
    if (s->kind == SINK_SERIAL && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    return e;
}

/* raw 8N1, no flow control, no modem control, the given speed */
static enum sink_err serial_setup(struct sink *s)
{
    struct termios t;
    speed_t code;
    if (baud_code(s->baud, &code) != 0)
        return SINK_BAD_BAUD;
    if (!isatty(s->fd))
        return fail(s, SINK_NOT_TTY, "not a terminal:");
    if (tcgetattr(s->fd, &t) != 0)
        return fail(s, SINK_TERMIOS, "tcgetattr");
    cfmakeraw(&t);
    t.c_cflag &= (tcflag_t) ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_iflag &= (tcflag_t) ~(IXON | IXOFF | IXANY);
    cfsetispeed(&t, code);
    cfsetospeed(&t, code);
    if (tcsetattr(s->fd, TCSANOW, &t) != 0)
        return fail(s, SINK_TERMIOS, "tcsetattr");
    return SINK_OK;
}

static enum sink_err serial_open(struct sink *s)
{
    s->fd = open(s->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0)
        return fail(s, SINK_OPEN, "open");
    enum sink_err e = serial_setup(s);
    if (e != SINK_OK && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    return e;
}

enum sink_err sink_open(struct sink *s, const char *path, uint32_t baud)
{
    struct stat st;
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->baud = baud;
    if (strlen(path) >= sizeof s->path)
        return SINK_PATH_TOO_LONG;
    strcpy(s->path, path);
    if (strcmp(path, "-") == 0) {
        s->kind = SINK_STDOUT;
        s->fd = STDOUT_FILENO;
        return SINK_OK;
    }
    if (stat(path, &st) == 0 && S_ISCHR(st.st_mode)) {
        s->kind = SINK_SERIAL;
        if (!sink_baud_valid(baud))
            return SINK_BAD_BAUD;
        return serial_open(s);
    }
    s->kind = SINK_FILE;
    return SINK_OK;
}

/* writes everything to a possibly non-blocking fd, polling until deadline */
static int write_all(int fd, const char *buf, size_t len, int64_t deadline)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
        int64_t left = deadline - clock_mono_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = {fd, POLLOUT, 0};
        if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
            return -1;
    }
    return 0;
}

static enum sink_err file_write(struct sink *s, const char *buf, size_t len)
{
    char tmp[LIM_PATH + 32];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", s->path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return SINK_PATH_TOO_LONG;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(s, SINK_OPEN, "open");
    if (write_all(fd, buf, len, clock_mono_ms() + SINK_SLACK_MS) != 0 || fsync(fd) != 0) {
        enum sink_err e = fail(s, SINK_WRITE, "write");
        close(fd);
        unlink(tmp);
        return e;
    }
    close(fd);
    if (rename(tmp, s->path) != 0) {
        enum sink_err e = fail(s, SINK_RENAME, "rename to");
        unlink(tmp);
        return e;
    }
    return SINK_OK;
}

enum sink_err sink_write(struct sink *s, const char *buf, size_t len)
{
    if (s->kind == SINK_FILE)
        return file_write(s, buf, len);
    if (s->kind == SINK_SERIAL && s->fd < 0) {
        enum sink_err e = serial_open(s);
        if (e != SINK_OK)
            return e;
    }
    int64_t budget = SINK_SLACK_MS;
    if (s->kind == SINK_SERIAL)
        budget += (int64_t)len * 10 * 1000 / s->baud;
    if (write_all(s->fd, buf, len, clock_mono_ms() + budget) != 0)
        return fail(s, errno == ETIMEDOUT ? SINK_TIMEOUT : SINK_WRITE, "write");
    if (s->kind == SINK_SERIAL)
        tcdrain(s->fd);
    return SINK_OK;
}

void sink_close(struct sink *s)
{
    if (s->kind == SINK_SERIAL && s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

const char *sink_strerror(enum sink_err e)
{
    switch (e) {
    case SINK_OK: return "ok";
    case SINK_PATH_TOO_LONG: return "output path too long";
    case SINK_BAD_BAUD: return "baud rate not supported (valid: 1200 2400 4800 9600 19200 38400 57600 115200 230400 460800 921600)";
    case SINK_OPEN: return "cannot open output";
    case SINK_NOT_TTY: return "character device is not a serial port";
    case SINK_TERMIOS: return "serial port refused raw 8N1 settings";
    case SINK_WRITE: return "write to output failed";
    case SINK_TIMEOUT: return "output device did not accept the report in time";
    case SINK_RENAME: return "cannot replace the output file";
    }
    return "unknown sink error";
}
