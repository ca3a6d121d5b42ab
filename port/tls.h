/* tls: the mbedTLS side of gwhist (port/posix/tls.c). It owns the static
 * arena that all mbedTLS memory comes from, the random source (getrandom),
 * and one TLS client connection at a time: SNI, chain and hostname checks,
 * TLS 1.2 minimum with 1.3 preferred, and a saved session for resumption.
 * CA trust is streamed from a PEM bundle per handshake: only certificates
 * whose subject is the issuer the chain asks for are parsed, so memory does
 * not grow with the bundle. It never touches sockets (the caller gives it
 * send/recv callbacks) and never parses HTTP. */
#ifndef GWHIST_TLS_H
#define GWHIST_TLS_H

#include <stddef.h>

#include "mbedtls/ssl.h"

#include "limits.h"

/* Points mbedTLS at the static arena and starts PSA crypto. Call once,
 * before any other tls_ function. Returns 0, or -1 if PSA cannot start. */
int tls_global_init(void);

/* Arena size compiled in, the most of it ever in use (high-water mark), and
 * what is in use now. */
size_t tls_arena_size(void);
size_t tls_arena_peak(void);
size_t tls_arena_used(void);

/* "3.6.6": the mbedTLS version linked in. */
const char *tls_lib_version(void);

enum tls_err {
    TLS_OK = 0,
    TLS_ERR_NO_CA_BUNDLE = -1, /* no --cacert and none of the default paths exist */
    TLS_ERR_CA_BUNDLE = -2,    /* the CA bundle cannot be opened or read */
    TLS_ERR_NOMEM = -3,        /* the arena is exhausted */
    TLS_ERR_SETUP = -4,        /* mbedTLS refused the configuration */
    TLS_ERR_HANDSHAKE = -5,    /* handshake failed (no common suite, bad message) */
    TLS_ERR_ALERT = -6,        /* the peer sent a fatal alert */
    TLS_ERR_VERIFY = -7,       /* certificate chain or hostname did not verify */
    TLS_ERR_TRANSPORT = -8,    /* the send/recv callback failed (the caller knows why) */
    TLS_ERR_EOF = -9,          /* the peer closed during the handshake */
    TLS_ERR_READ = -10,        /* a record could not be decrypted or parsed */
    TLS_ERR_WRITE = -11        /* a record could not be written */
};

/* Where trust comes from and the scratch space to stream it. */
struct tls_ca {
    char path[LIM_PATH];
    int insecure;           /* trust anything (the caller warns) */
    int failed;             /* the bundle became unreadable during a handshake */
    int fd;                 /* open only inside the trust callback */
    size_t rpos, rlen;      /* read buffer window */
    size_t der_len, ncarry; /* decoded bytes, base64 chars carried to the next line */
    int in_cert, skip;      /* inside BEGIN/END; this one is too big or broken */
    char carry[4];
    unsigned char rbuf[LIM_CA_READ];
    unsigned char der[LIM_CA_DER];
};

/* One client connection; the struct must not move after tls_conn_init. */
struct tls_conn {
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_session session; /* last session or ticket, for resumption */
    int have_session;
    int live;      /* ssl is set up (between handshake and tls_conn_close) */
    int full;      /* a certificate was verified in this handshake */
    int mbed_err;  /* last mbedTLS error code, for the detail string */
    char host[LIM_HOST];
    struct tls_ca ca;
};

/* Finds the CA bundle: cacert if not NULL, else the first existing of
 * /etc/ssl/certs/ca-certificates.crt, /etc/ssl/cert.pem and
 * /etc/pki/tls/certs/ca-bundle.crt; copies its path into out. */
enum tls_err tls_find_ca(const char *cacert, char *out, size_t cap);

/* Prepares t for connections to host (SNI and the name verified). With
 * insecure, no CA bundle is needed and nothing is verified. */
enum tls_err tls_conn_init(struct tls_conn *t, const char *host, const char *cacert,
                           int insecure);

/* What a send/recv callback returns when the socket failed (it keeps the
 * reason itself); tls_ functions then return TLS_ERR_TRANSPORT. */
#define TLS_BIO_FAILED (-0x004C)

/* Runs a handshake over the callbacks (which block until their deadline and
 * return bytes, 0 on EOF or TLS_BIO_FAILED), offering the saved session.
 * Sets *resumed. On failure writes the reason into detail. */
enum tls_err tls_conn_handshake(struct tls_conn *t, void *bio, mbedtls_ssl_send_t *send,
                                mbedtls_ssl_recv_t *recv, int *resumed, char *detail,
                                size_t cap);

/* Writes all len bytes: TLS_OK or an error. */
enum tls_err tls_conn_write(struct tls_conn *t, const void *buf, size_t len);

/* Reads up to cap bytes: the count, 0 on close_notify or EOF, or a negative
 * enum tls_err. Saves TLS 1.3 session tickets as they arrive. */
long tls_conn_read(struct tls_conn *t, void *buf, size_t cap);

/* Sends close_notify when send is set and releases the connection's records;
 * keeps the session for the next handshake. */
void tls_conn_close(struct tls_conn *t, int send);

/* Releases everything, the saved session too. */
void tls_conn_free(struct tls_conn *t);

/* Why verification failed, e.g. "certificate expired, hostname mismatch". */
void tls_verify_reason(unsigned flags, char *out, size_t cap);

const char *tls_strerror(enum tls_err e);

#endif
