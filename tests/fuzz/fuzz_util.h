/* Shared by the libFuzzer harnesses: a running FNV-1a digest for event
 * transcripts, and the input header that chooses the split points. Every
 * harness checks an invariant and calls fuzz_fail (abort) when it breaks,
 * so libFuzzer reports it like a crash and saves the input. */
#ifndef GWHIST_FUZZ_UTIL_H
#define GWHIST_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_PIECES 8u

struct digest {
    uint64_t h;
    uint64_t n; /* bytes hashed */
};

static inline void dg_init(struct digest *d)
{
    d->h = 14695981039346656037ull;
    d->n = 0;
}

static inline void dg_bytes(struct digest *d, const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < len; i++) {
        d->h ^= b[i];
        d->h *= 1099511628211ull;
    }
    d->n += len;
}

static inline void dg_u64(struct digest *d, uint64_t v)
{
    dg_bytes(d, &v, sizeof v);
}

static inline void dg_str(struct digest *d, const char *s)
{
    dg_bytes(d, s, strlen(s) + 1);
}

/* Reads the split header: one byte n (low 3 bits: 0-7 cut points), then n
 * bytes, each the length of a piece; the rest of the data is the last
 * piece. Fills len[] with the piece lengths of the remaining data (cut to
 * what is there) and returns the number of pieces (>= 1). */
static inline size_t fuzz_pieces(const uint8_t **data, size_t *size, size_t len[FUZZ_MAX_PIECES])
{
    size_t ncut = 0, np = 0;
    if (*size > 0) {
        ncut = (*data)[0] & 7u;
        (*data)++;
        (*size)--;
    }
    if (ncut > *size)
        ncut = *size;
    const uint8_t *cut = *data;
    *data += ncut;
    *size -= ncut;
    size_t left = *size;
    for (size_t i = 0; i < ncut; i++) {
        size_t l = cut[i] < left ? cut[i] : left;
        len[np++] = l;
        left -= l;
    }
    len[np++] = left;
    return np;
}

#define fuzz_fail(...)                                                                             \
    do {                                                                                           \
        fprintf(stderr, "fuzz invariant broken: " __VA_ARGS__);                                    \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

#endif
