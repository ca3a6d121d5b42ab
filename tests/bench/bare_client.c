/* bare_client: the smallest honest HTTPS GET on the same mbedTLS build as
 * gwhist (port/mbedtls_config.h, static arena, getrandom() as PSA's external
 * RNG, CA from a PEM file, hostname verified), for the footprint figure
 * "what gwhist adds beyond a bare TLS client". Blocking socket, no HTTP
 * parsing beyond finding the end of the header; prints the body size and the
 * arena high-water mark.
 *   bare_client HOST PORT PATH CA.pem [HEADER] */
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/ssl.h"
#include "mbedtls/psa_util.h"
#include "psa/crypto.h"

static unsigned char arena[48 * 1024];
static unsigned char pem[64 * 1024];
static unsigned char buf[16384];

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
                                             uint8_t *out, size_t size, size_t *len)
{
    (void)ctx;
    for (*len = 0; *len < size;) {
        ssize_t n = getrandom(out + *len, size - *len, 0);
        if (n <= 0)
            return PSA_ERROR_INSUFFICIENT_ENTROPY;
        *len += (size_t)n;
    }
    return PSA_SUCCESS;
}

static int bio_send(void *fd, const unsigned char *b, size_t n)
{
    ssize_t r = send(*(int *)fd, b, n, MSG_NOSIGNAL);
    return r < 0 ? MBEDTLS_ERR_SSL_WANT_WRITE - 1 : (int)r;
}

static int bio_recv(void *fd, unsigned char *b, size_t n)
{
    ssize_t r = recv(*(int *)fd, b, n, 0);
    return r < 0 ? MBEDTLS_ERR_SSL_WANT_READ - 1 : (int)r;
}

int main(int argc, char **argv)
{
    static mbedtls_x509_crt ca;
    static mbedtls_ssl_config conf;
    static mbedtls_ssl_context ssl;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    int fd, ret;
    if (argc < 5)
        return fprintf(stderr, "usage: bare_client HOST PORT PATH CA.pem [HEADER]\n"), 2;
    mbedtls_memory_buffer_alloc_init(arena, sizeof arena);
    if (psa_crypto_init() != PSA_SUCCESS)
        return 1;
    int cf = open(argv[4], O_RDONLY);
    ssize_t pl = cf < 0 ? -1 : read(cf, pem, sizeof pem - 1);
    mbedtls_x509_crt_init(&ca);
    if (pl <= 0 || mbedtls_x509_crt_parse(&ca, pem, (size_t)pl + 1) != 0)
        return fprintf(stderr, "bare_client: bad CA file %s\n", argv[4]), 1;
    if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0)
        return fprintf(stderr, "bare_client: cannot resolve %s\n", argv[1]), 1;
    fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)
        return fprintf(stderr, "bare_client: cannot connect\n"), 1;
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    if (mbedtls_ssl_setup(&ssl, &conf) != 0 || mbedtls_ssl_set_hostname(&ssl, argv[1]) != 0)
        return 1;
    mbedtls_ssl_set_bio(&ssl, &fd, bio_send, bio_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0)
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE &&
            ret != MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
            return fprintf(stderr, "bare_client: handshake -0x%04x\n", (unsigned)-ret), 1;
    int n = snprintf((char *)buf, sizeof buf, "GET %s HTTP/1.1\r\nHost: %s\r\n%s%sConnection: close\r\n\r\n",
                     argv[3], argv[1], argc > 5 ? argv[5] : "", argc > 5 ? "\r\n" : "");
    if (mbedtls_ssl_write(&ssl, buf, (size_t)n) != n)
        return 1;
    unsigned long total = 0, head = 0;
    char tail[4] = {0};
    for (;;) {
        ret = mbedtls_ssl_read(&ssl, buf, sizeof buf);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
            continue;
        if (ret <= 0)
            break;
        for (int i = 0; i < ret && !head; i++) { /* end of header: CRLF CRLF */
            memmove(tail, tail + 1, 3);
            tail[3] = (char)buf[i];
            if (memcmp(tail, "\r\n\r\n", 4) == 0)
                head = total + (unsigned long)i + 1;
        }
        total += (unsigned long)ret;
    }
    size_t cur, peak, blocks;
    mbedtls_memory_buffer_alloc_cur_get(&cur, &blocks);
    mbedtls_memory_buffer_alloc_max_get(&peak, &blocks);
    printf("body=%lu arena_peak=%zu\n", head ? total - head : 0, peak);
    close(fd);
    return ret < 0 && ret != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY;
}
