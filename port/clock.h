/* clock: the only place gwhist reads time or sleeps (port/posix/clock.c).
 * Monotonic milliseconds for deadlines and rates, wall-clock milliseconds
 * for the query window, the host's UTC offset for --date, and a sleep that
 * a stop request (SIGTERM/SIGINT) cuts short. */
#ifndef GWHIST_CLOCK_H
#define GWHIST_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

int64_t clock_mono_ms(void);
int64_t clock_wall_ms(void);

/* Offset of local time from UTC at the wall time given, in minutes
 * (0 when the host has no zone data, as in a FROM scratch container). */
int clock_local_offset_min(int64_t wall_ms);

/* Installs SIGTERM/SIGINT handlers that only set the stop flag, and makes
 * SIGPIPE harmless. */
void clock_install_signals(void);
bool clock_stop_requested(void);

/* Sleeps ms milliseconds, or less if a stop is requested. Returns true when
 * it slept the whole time. */
bool clock_sleep_ms(int64_t ms);

#endif
