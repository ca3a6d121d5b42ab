/* The mbedTLS configuration as built: the options the design relies on are
 * on, the ones it forbids are off, and mbedTLS memory comes from the arena. */
#include "testutil.h"

#include <stdlib.h>

#include "mbedtls/build_info.h"
#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "psa/crypto.h"

#include "limits.h"
#include "tls.h"

static void test_config_options(void **state)
{
    (void)state;
    assert_int_equal(MBEDTLS_SSL_IN_CONTENT_LEN, 16384);
    assert_true(MBEDTLS_SSL_OUT_CONTENT_LEN <= 4096);
#if !defined(MBEDTLS_SSL_PROTO_TLS1_2) || !defined(MBEDTLS_SSL_PROTO_TLS1_3) ||                    \
    !defined(MBEDTLS_SSL_CLI_C) || !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C) ||                      \
    !defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK) || !defined(MBEDTLS_SSL_SESSION_TICKETS) || \
    !defined(MBEDTLS_SSL_SERVER_NAME_INDICATION) || !defined(MBEDTLS_X509_RSASSA_PSS_SUPPORT) ||   \
    !defined(MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS)
    fail_msg("a required mbedTLS option is off");
#endif
#if defined(MBEDTLS_SSL_SRV_C) || defined(MBEDTLS_SSL_PROTO_DTLS) ||                                \
    defined(MBEDTLS_SSL_RENEGOTIATION) || defined(MBEDTLS_ENTROPY_C) || defined(MBEDTLS_FS_IO) ||  \
    defined(MBEDTLS_CIPHER_MODE_CBC) || defined(MBEDTLS_SHA1_C) || defined(MBEDTLS_MD5_C) ||       \
    defined(MBEDTLS_DEPRECATED_WARNING) || defined(MBEDTLS_SSL_PROTO_TLS1_1)
    fail_msg("a forbidden mbedTLS option is on");
#endif
}

static void test_arena_is_used(void **state)
{
    (void)state;
    assert_int_equal(tls_global_init(), 0);
    size_t before = 0, after = 0, blocks = 0;
    mbedtls_memory_buffer_alloc_cur_get(&before, &blocks);
    void *p = mbedtls_calloc(1, 1000);
    assert_non_null(p);
    /* the arena's own bookkeeping saw the block: it did not come from libc */
    mbedtls_memory_buffer_alloc_cur_get(&after, &blocks);
    assert_true(after >= before + 1000);
    assert_true(tls_arena_peak() >= after);
    mbedtls_free(p);
    /* the arena is bounded: a request beyond it fails instead of growing */
    assert_null(mbedtls_calloc(1, tls_arena_size() + 1));
    assert_int_equal(tls_arena_size(), LIM_TLS_ARENA);
}

static void test_psa_random(void **state)
{
    (void)state;
    unsigned char a[32] = {0}, b[32] = {0};
    assert_int_equal(tls_global_init(), 0);
    assert_int_equal(psa_generate_random(a, sizeof a), PSA_SUCCESS);
    assert_int_equal(psa_generate_random(b, sizeof b), PSA_SUCCESS);
    assert_memory_not_equal(a, b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_options),
        cmocka_unit_test(test_arena_is_used),
        cmocka_unit_test(test_psa_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
