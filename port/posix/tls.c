/* mbedTLS client glue: static arena, getrandom() RNG, TLS connections. */
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/version.h"
#include "psa/crypto.h"

#include "limits.h"
#include "tls.h"

static unsigned char tls_arena[LIM_TLS_ARENA];

/* PSA's only randomness: the kernel's CSPRNG (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG). */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
                                             uint8_t *out, size_t size, size_t *len)
{
    (void)ctx;
    size_t got = 0;
    while (got < size) {
        ssize_t n = getrandom(out + got, size - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return PSA_ERROR_INSUFFICIENT_ENTROPY;
        }
        got += (size_t)n;
    }
    *len = got;
    return PSA_SUCCESS;
}

int tls_global_init(void)
{
    static int done;
    if (done)
        return 0;
    mbedtls_memory_buffer_alloc_init(tls_arena, sizeof tls_arena);
    if (psa_crypto_init() != PSA_SUCCESS)
        return -1;
    done = 1;
    return 0;
}

size_t tls_arena_size(void)
{
    return sizeof tls_arena;
}

size_t tls_arena_peak(void)
{
    size_t used = 0, blocks = 0;
    mbedtls_memory_buffer_alloc_max_get(&used, &blocks);
    return used;
}

const char *tls_lib_version(void)
{
    return MBEDTLS_VERSION_STRING;
}
