/* sink: where a rendered report goes (port/posix/sink.c). "-" is stdout; a
 * character device is a serial port (raw 8N1 via termios at a given baud);
 * anything else is a regular file, replaced atomically (temp file in the same
 * directory, fsync, rename) so a reader never sees half a report. A sink
 * whose device failed or vanished is re-opened on the next write. */
#ifndef GWHIST_SINK_H
#define GWHIST_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

enum sink_kind { SINK_STDOUT, SINK_FILE, SINK_SERIAL };

enum sink_err {
    SINK_OK,
    SINK_PATH_TOO_LONG,
    SINK_BAD_BAUD,
    SINK_OPEN,    /* open() failed: errno in the detail */
    SINK_NOT_TTY, /* a character device that is not a terminal */
    SINK_TERMIOS, /* tcgetattr/tcsetattr refused the settings */
    SINK_WRITE,
    SINK_TIMEOUT, /* the device did not take the bytes in time */
    SINK_RENAME,
};

struct sink {
    enum sink_kind kind;
    int fd; /* -1 while closed */
    uint32_t baud;
    char path[LIM_PATH];
    char detail[LIM_PATH + 64]; /* what failed, for the message */
};

/* Valid --baud values: 1200 to 921600 in the standard steps. */
bool sink_baud_valid(uint32_t baud);

/* Decides the kind from path (stat) and opens it; a regular file is only
 * written on sink_write. */
enum sink_err sink_open(struct sink *s, const char *path, uint32_t baud);

/* Writes the whole buffer: stdout and serial directly, a file by atomic
 * replace. On failure the sink is closed and re-opened on the next call. */
enum sink_err sink_write(struct sink *s, const char *buf, size_t len);

void sink_close(struct sink *s);
const char *sink_strerror(enum sink_err e);

#endif
