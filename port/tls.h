/* tls: the mbedTLS side of gwhist (port/posix/tls.c). It owns the static
 * arena that all mbedTLS memory comes from, the random source (getrandom),
 * and the TLS client connection. It never parses HTTP. */
#ifndef GWHIST_TLS_H
#define GWHIST_TLS_H

#include <stddef.h>

/* Points mbedTLS at the static arena and starts PSA crypto. Call once,
 * before any other tls_ function. Returns 0, or -1 if PSA cannot start. */
int tls_global_init(void);

/* Arena size compiled in, and the most of it ever in use (high-water mark). */
size_t tls_arena_size(void);
size_t tls_arena_peak(void);

/* "3.6.6": the mbedTLS version linked in. */
const char *tls_lib_version(void);

#endif
