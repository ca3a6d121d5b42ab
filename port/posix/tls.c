/* mbedTLS client glue: static arena, getrandom() RNG, TLS connections,
 * and the streamed CA bundle behind the trusted-certificate callback. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbedtls/asn1.h"
#include "mbedtls/base64.h"
#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/platform.h"
#include "mbedtls/psa_util.h"
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"
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

size_t tls_arena_used(void)
{
    size_t used = 0, blocks = 0;
    mbedtls_memory_buffer_alloc_cur_get(&used, &blocks);
    return used;
}

const char *tls_lib_version(void)
{
    return MBEDTLS_VERSION_STRING;
}

/* ---- CA bundle, streamed ---------------------------------------------- */

static const char *const default_bundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/cert.pem",
    "/etc/pki/tls/certs/ca-bundle.crt",
};

static int copy_str(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap)
        return -1;
    memcpy(out, s, n + 1);
    return 0;
}

/* a readable regular file: the bundle is read again on every full
 * handshake, so a pipe or a device (which may never end) will not do */
static int readable_file(const char *path)
{
    struct stat st;
    return access(path, R_OK) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

enum tls_err tls_find_ca(const char *cacert, char *out, size_t cap)
{
    if (cacert != NULL) {
        if (!readable_file(cacert) || copy_str(out, cap, cacert) != 0)
            return TLS_ERR_CA_BUNDLE;
        return TLS_OK;
    }
    for (size_t i = 0; i < sizeof default_bundles / sizeof default_bundles[0]; i++) {
        if (access(default_bundles[i], F_OK) != 0)
            continue;
        if (!readable_file(default_bundles[i]) || copy_str(out, cap, default_bundles[i]) != 0)
            return TLS_ERR_CA_BUNDLE;
        return TLS_OK;
    }
    return TLS_ERR_NO_CA_BUNDLE;
}

/* Next byte of the bundle, or -1 at EOF or on a read error (ca->failed). */
static int ca_getc(struct tls_ca *ca)
{
    if (ca->rpos == ca->rlen) {
        ssize_t n;
        do
            n = read(ca->fd, ca->rbuf, sizeof ca->rbuf);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            ca->failed |= n < 0;
            return -1;
        }
        ca->rpos = 0;
        ca->rlen = (size_t)n;
    }
    return ca->rbuf[ca->rpos++];
}

/* One line without CR/LF into line; a longer line is cut and *cut set.
 * Returns its length, or -1 at the end of the bundle. */
static long ca_getline(struct tls_ca *ca, char *line, size_t cap, int *cut)
{
    size_t n = 0;
    int c;
    *cut = 0;
    /* blanks are dropped: "-----BEGIN CERTIFICATE-----" reads as
     * "-----BEGINCERTIFICATE-----", and base64 never contains them */
    while ((c = ca_getc(ca)) >= 0 && c != '\n') {
        if (c == '\r' || c == ' ' || c == '\t')
            continue;
        if (n + 1 < cap)
            line[n++] = (char)c;
        else
            *cut = 1;
    }
    line[n] = '\0';
    return (c < 0 && n == 0) ? -1 : (long)n;
}

/* Decodes the whole base64 quads of carry + line into ca->der. */
static int ca_decode_line(struct tls_ca *ca, const char *line, size_t n)
{
    unsigned char tmp[LIM_PEM_LINE + sizeof ca->carry];
    memcpy(tmp, ca->carry, ca->ncarry);
    memcpy(tmp + ca->ncarry, line, n);
    size_t total = ca->ncarry + n, whole = total / 4 * 4, out = 0;
    ca->ncarry = total - whole;
    memcpy(ca->carry, tmp + whole, ca->ncarry);
    if (whole == 0)
        return 0;
    if (mbedtls_base64_decode(ca->der + ca->der_len, sizeof ca->der - ca->der_len, &out, tmp,
                              whole) != 0)
        return -1;
    ca->der_len += out;
    return 0;
}

/* Moves *p past one element with the given tag. */
static int der_skip(unsigned char **p, const unsigned char *end, int tag)
{
    size_t len;
    if (mbedtls_asn1_get_tag(p, end, &len, tag) != 0)
        return -1;
    *p += len;
    return 0;
}

/* The subject Name of a DER certificate, tag and length included (the same
 * bytes mbedTLS keeps as subject_raw / issuer_raw). */
static int der_subject(unsigned char *der, size_t n, const unsigned char **subj, size_t *slen)
{
    const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    unsigned char *p = der, *end = der + n;
    size_t len;
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0)
        return -1;
    end = p + len;
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0)
        return -1;
    end = p + len;
    if (p < end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED) &&
        der_skip(&p, end, *p) != 0)
        return -1;
    /* serialNumber, signature, issuer, validity */
    if (der_skip(&p, end, MBEDTLS_ASN1_INTEGER) != 0 || der_skip(&p, end, seq) != 0 ||
        der_skip(&p, end, seq) != 0 || der_skip(&p, end, seq) != 0)
        return -1;
    unsigned char *start = p;
    if (der_skip(&p, end, seq) != 0)
        return -1;
    *subj = start;
    *slen = (size_t)(p - start);
    return 0;
}

/* Parses ca->der into *chain when its subject is the child's issuer. */
static void ca_offer(struct tls_ca *ca, const mbedtls_x509_crt *child, mbedtls_x509_crt **chain)
{
    const unsigned char *subj;
    size_t slen;
    if (der_subject(ca->der, ca->der_len, &subj, &slen) != 0 || slen != child->issuer_raw.len ||
        memcmp(subj, child->issuer_raw.p, slen) != 0)
        return;
    if (*chain == NULL) {
        *chain = mbedtls_calloc(1, sizeof **chain);
        if (*chain == NULL)
            return;
        mbedtls_x509_crt_init(*chain);
    }
    (void)mbedtls_x509_crt_parse_der(*chain, ca->der, ca->der_len);
}

/* One bundle line: tracks BEGIN/END and decodes the lines in between. */
static void ca_line(struct tls_ca *ca, const char *line, size_t n, int cut,
                    const mbedtls_x509_crt *child, mbedtls_x509_crt **chain)
{
    if (strcmp(line, "-----BEGINCERTIFICATE-----") == 0) {
        ca->in_cert = 1;
        ca->skip = 0;
        ca->der_len = 0;
        ca->ncarry = 0;
    } else if (strcmp(line, "-----ENDCERTIFICATE-----") == 0) {
        if (ca->in_cert && !ca->skip)
            ca_offer(ca, child, chain);
        ca->in_cert = 0;
    } else if (ca->in_cert && !ca->skip) {
        ca->skip = cut || ca_decode_line(ca, line, n) != 0;
    }
}

/* mbedTLS's trusted-CA callback: the candidates that may have issued child. */
static int ca_callback(void *ctx, const mbedtls_x509_crt *child, mbedtls_x509_crt **candidates)
{
    struct tls_ca *ca = ctx;
    char line[LIM_PEM_LINE];
    int cut;
    long n;
    *candidates = NULL;
    if (ca->insecure)
        return 0;
    ca->fd = open(ca->path, O_RDONLY | O_CLOEXEC);
    if (ca->fd < 0) {
        ca->failed = 1;
        return -1;
    }
    ca->rpos = ca->rlen = 0;
    ca->in_cert = 0;
    while ((n = ca_getline(ca, line, sizeof line, &cut)) >= 0)
        ca_line(ca, line, (size_t)n, cut, child, candidates);
    close(ca->fd);
    ca->fd = -1;
    if (*candidates != NULL && (*candidates)->raw.p == NULL) {
        mbedtls_x509_crt_free(*candidates);
        mbedtls_free(*candidates);
        *candidates = NULL;
    }
    return ca->failed ? -1 : 0;
}

/* ---- connections ------------------------------------------------------ */

/* Called for each certificate of a chain being verified: a full handshake. */
static int verify_seen(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void)crt;
    (void)depth;
    (void)flags;
    ((struct tls_conn *)ctx)->full = 1;
    return 0;
}

/* mbedTLS 3.6.6 offers rsa_pss_rsae first but refuses it in a TLS 1.2
 * ServerKeyExchange, so an OpenSSL TLS 1.2 server with an RSA key (which
 * honours the client's order) failed with ILLEGAL_PARAMETER. PKCS#1 v1.5
 * first fixes TLS 1.2; TLS 1.3 servers skip it and take PSS. A TLS 1.2-only
 * server that imposes its own order and prefers PSS still fails. */
static const uint16_t sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256, MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,       MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,       MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE,
};

enum tls_err tls_conn_init(struct tls_conn *t, const char *host, const char *cacert,
                           int insecure)
{
    memset(t, 0, sizeof *t);
    t->ca.fd = -1;
    t->ca.insecure = insecure;
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_session_init(&t->session);
    if (copy_str(t->host, sizeof t->host, host) != 0)
        return TLS_ERR_SETUP;
    if (!insecure) {
        enum tls_err e = tls_find_ca(cacert, t->ca.path, sizeof t->ca.path);
        if (e != TLS_OK)
            return e;
    }
    if (mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        return TLS_ERR_SETUP;
    /* TLS 1.2 still asks for an RNG callback: PSA's, i.e. getrandom() */
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    mbedtls_ssl_conf_sig_algs(&t->conf, sig_algs);
    mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_3);
    /* insecure still runs the check (it tells full from resumed handshakes)
     * but ignores its result; the trust callback then offers no CA at all */
    mbedtls_ssl_conf_authmode(&t->conf,
                              insecure ? MBEDTLS_SSL_VERIFY_OPTIONAL : MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_cb(&t->conf, ca_callback, &t->ca);
    mbedtls_ssl_conf_verify(&t->conf, verify_seen, t);
    mbedtls_ssl_conf_session_tickets(&t->conf, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &t->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
    return TLS_OK;
}

/* Keeps the connection's current session (or newest ticket) for next time. */
static void save_session(struct tls_conn *t)
{
    mbedtls_ssl_session s;
    mbedtls_ssl_session_init(&s);
    if (mbedtls_ssl_get_session(&t->ssl, &s) != 0) {
        mbedtls_ssl_session_free(&s);
        return;
    }
    mbedtls_ssl_session_free(&t->session);
    t->session = s;
    t->have_session = 1;
}

/* mbedTLS codes with a meaning of their own; others get the caller's default. */
static const struct {
    int code;
    enum tls_err err;
} code_map[] = {
    {MBEDTLS_ERR_SSL_ALLOC_FAILED, TLS_ERR_NOMEM},
    {MBEDTLS_ERR_X509_ALLOC_FAILED, TLS_ERR_NOMEM},
    {MBEDTLS_ERR_PK_ALLOC_FAILED, TLS_ERR_NOMEM},
    {MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, TLS_ERR_VERIFY},
    {MBEDTLS_ERR_NET_SEND_FAILED, TLS_ERR_TRANSPORT},
    {MBEDTLS_ERR_NET_RECV_FAILED, TLS_ERR_TRANSPORT},
    {MBEDTLS_ERR_SSL_CONN_EOF, TLS_ERR_EOF},
    {MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, TLS_ERR_ALERT},
};

static enum tls_err map_code(struct tls_conn *t, int ret, enum tls_err dflt)
{
    t->mbed_err = ret;
    for (size_t i = 0; i < sizeof code_map / sizeof code_map[0]; i++) {
        if (code_map[i].code == ret)
            return code_map[i].err;
    }
    return dflt;
}

static enum tls_err handshake_err(struct tls_conn *t, int ret, char *detail, size_t cap)
{
    enum tls_err e = t->ca.failed ? TLS_ERR_CA_BUNDLE : map_code(t, ret, TLS_ERR_HANDSHAKE);
    if (e == TLS_ERR_CA_BUNDLE)
        snprintf(detail, cap, "cannot read CA bundle %s", t->ca.path);
    else if (e == TLS_ERR_VERIFY)
        tls_verify_reason(mbedtls_ssl_get_verify_result(&t->ssl), detail, cap);
    else
        snprintf(detail, cap, "mbedTLS error -0x%04x", (unsigned)-ret);
    return e;
}

static int conn_setup(struct tls_conn *t, void *bio, mbedtls_ssl_send_t *send,
                      mbedtls_ssl_recv_t *recv)
{
    int ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
    if (ret == 0)
        ret = mbedtls_ssl_set_hostname(&t->ssl, t->host);
    if (ret != 0)
        return ret;
    t->live = 1;
    if (t->have_session && mbedtls_ssl_set_session(&t->ssl, &t->session) != 0)
        t->have_session = 0;
    mbedtls_ssl_set_bio(&t->ssl, bio, send, recv, NULL);
    return 0;
}

enum tls_err tls_conn_handshake(struct tls_conn *t, void *bio, mbedtls_ssl_send_t *send,
                                mbedtls_ssl_recv_t *recv, int *resumed, char *detail,
                                size_t cap)
{
    int ret;
    t->full = 0;
    t->ca.failed = 0;
    *resumed = 0;
    if (t->live)
        tls_conn_close(t, 0);
    ret = conn_setup(t, bio, send, recv);
    if (ret == 0)
        ret = mbedtls_ssl_handshake(&t->ssl);
    while (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        save_session(t);
        ret = mbedtls_ssl_handshake(&t->ssl);
    }
    if (ret != 0)
        return handshake_err(t, ret, detail, cap);
    *resumed = t->have_session && !t->full;
    /* TLS 1.2 sessions are known now; TLS 1.3 tickets arrive with the data */
    if (mbedtls_ssl_get_version_number(&t->ssl) == MBEDTLS_SSL_VERSION_TLS1_2)
        save_session(t);
    return TLS_OK;
}

enum tls_err tls_conn_write(struct tls_conn *t, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        int ret = mbedtls_ssl_write(&t->ssl, p, len);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (ret < 0)
            return map_code(t, ret, TLS_ERR_WRITE);
        p += ret;
        len -= (size_t)ret;
    }
    return TLS_OK;
}

long tls_conn_read(struct tls_conn *t, void *buf, size_t cap)
{
    for (;;) {
        int ret = mbedtls_ssl_read(&t->ssl, buf, cap);
        if (ret >= 0)
            return ret;
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            save_session(t);
            continue;
        }
        /* a post-handshake message was consumed; the callbacks block, so
         * reading again waits for data (bounded by their deadline) */
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
            return 0;
        return map_code(t, ret, TLS_ERR_READ);
    }
}

void tls_conn_close(struct tls_conn *t, int send)
{
    if (!t->live)
        return;
    if (send)
        (void)mbedtls_ssl_close_notify(&t->ssl);
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_init(&t->ssl);
    t->live = 0;
}

void tls_conn_free(struct tls_conn *t)
{
    tls_conn_close(t, 0);
    mbedtls_ssl_session_free(&t->session);
    mbedtls_ssl_session_init(&t->session);
    t->have_session = 0;
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_ssl_config_init(&t->conf);
}

static const struct {
    unsigned flag;
    const char *text;
} verify_reasons[] = {
    {MBEDTLS_X509_BADCERT_EXPIRED, "certificate expired"},
    {MBEDTLS_X509_BADCERT_FUTURE, "certificate not yet valid"},
    {MBEDTLS_X509_BADCERT_CN_MISMATCH, "hostname mismatch"},
    {MBEDTLS_X509_BADCERT_NOT_TRUSTED, "unknown CA (not trusted)"},
    {MBEDTLS_X509_BADCERT_REVOKED, "certificate revoked"},
    {MBEDTLS_X509_BADCERT_KEY_USAGE, "key usage not allowed"},
    {MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "not a server certificate"},
    {MBEDTLS_X509_BADCERT_BAD_MD, "weak signature hash"},
    {MBEDTLS_X509_BADCERT_BAD_PK, "unsupported key type"},
    {MBEDTLS_X509_BADCERT_BAD_KEY, "key too weak"},
    {MBEDTLS_X509_BADCERT_SKIP_VERIFY, "verification skipped"},
};

void tls_verify_reason(unsigned flags, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof verify_reasons / sizeof verify_reasons[0]; i++) {
        if (!(flags & verify_reasons[i].flag) || n >= cap)
            continue;
        int w = snprintf(out + n, cap - n, "%s%s", n ? ", " : "", verify_reasons[i].text);
        n += w > 0 ? (size_t)w : 0;
    }
    if (n == 0)
        snprintf(out, cap, "certificate rejected (verify flags 0x%x)", flags);
}

const char *tls_strerror(enum tls_err e)
{
    switch (e) {
    case TLS_OK: return "ok";
    case TLS_ERR_NO_CA_BUNDLE: return "no CA bundle found (give --cacert)";
    case TLS_ERR_CA_BUNDLE: return "CA bundle unreadable";
    case TLS_ERR_NOMEM: return "TLS arena exhausted";
    case TLS_ERR_SETUP: return "TLS setup failed";
    case TLS_ERR_HANDSHAKE: return "TLS handshake failed";
    case TLS_ERR_ALERT: return "TLS peer sent a fatal alert";
    case TLS_ERR_VERIFY: return "certificate verify failed";
    case TLS_ERR_TRANSPORT: return "transport failed under TLS";
    case TLS_ERR_EOF: return "peer closed during the TLS handshake";
    case TLS_ERR_READ: return "TLS record read failed";
    case TLS_ERR_WRITE: return "TLS record write failed";
    }
    return "unknown TLS error";
}
