/* xport: the byte stream the agent sends requests over and reads responses
 * from (port/posix/xport.c), coreHTTP-style: open, send, recv, close. It is
 * TCP (port/net.h), optionally through an HTTP proxy's CONNECT tunnel, with
 * TLS on top for https (port/tls.h). It owns one caller-allocated struct with
 * the socket, the TLS contexts, the saved TLS session and the counters;
 * beyond it only mbedTLS's static arena is used. It never parses the
 * gateway's HTTP, never reads flags or files other than the CA bundle, and
 * never prints: failures come back as enum xport_err plus a detail string.
 * Deadlines are CLOCK_MONOTONIC milliseconds (xport_now_ms); 0 = none. */
#ifndef GWHIST_XPORT_H
#define GWHIST_XPORT_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "net.h"
#include "tls.h"

enum xport_err {
    XPORT_OK = 0,
    XPORT_ERR_ARG = -1,             /* host missing or too long, port 0 */
    XPORT_ERR_DNS = -2,             /* host name did not resolve */
    XPORT_ERR_REFUSED = -3,         /* connection refused */
    XPORT_ERR_CONNECT_TIMEOUT = -4, /* no answer to connect in time */
    XPORT_ERR_UNREACHABLE = -5,     /* network or host unreachable */
    XPORT_ERR_CONNECT = -6,         /* connect failed otherwise */
    XPORT_ERR_READ_TIMEOUT = -7,
    XPORT_ERR_WRITE_TIMEOUT = -8,
    XPORT_ERR_RESET = -9,           /* connection reset / broken pipe */
    XPORT_ERR_IO = -10,             /* other socket error */
    XPORT_ERR_SOCKET = -11,         /* no socket (out of descriptors) */
    XPORT_ERR_NO_CA_BUNDLE = -12,   /* no --cacert and no system bundle */
    XPORT_ERR_CA_BUNDLE = -13,      /* CA bundle unreadable */
    XPORT_ERR_TLS_NOMEM = -14,      /* mbedTLS arena exhausted */
    XPORT_ERR_TLS_SETUP = -15,      /* mbedTLS refused the configuration */
    XPORT_ERR_TLS_HANDSHAKE = -16,  /* handshake failed; detail has the code */
    XPORT_ERR_TLS_ALERT = -17,      /* peer sent a fatal alert; detail has the code */
    XPORT_ERR_CERT_VERIFY = -18,    /* detail: expired, hostname mismatch, unknown CA... */
    XPORT_ERR_TLS_EOF = -19,        /* peer closed during the handshake */
    XPORT_ERR_TLS_READ = -20,       /* bad record from the peer; detail has the code */
    XPORT_ERR_TLS_WRITE = -21,
    XPORT_ERR_PROXY_URL = -22,      /* proxy URL not http://[user:pass@]host[:port] */
    XPORT_ERR_PROXY_CONNECT = -23,  /* proxy unreachable; detail says why */
    XPORT_ERR_PROXY_AUTH = -24,     /* proxy answered 407 (or 401): credentials */
    XPORT_ERR_PROXY_STATUS = -25,   /* proxy answered another non-2xx; detail has it */
    XPORT_ERR_PROXY_REPLY = -26,    /* proxy answer malformed or closed early */
    XPORT_ERR_NOT_OPEN = -27        /* send/recv without xport_open */
};

struct xport_cfg {
    int https;          /* 1: TLS over TCP; 0: plain TCP (http://) */
    const char *host;   /* DNS name or IP literal (IPv6 without brackets) */
    uint16_t port;
    const char *cacert; /* PEM bundle; NULL: first existing system bundle */
    int insecure;       /* verify nothing (the caller prints the warning) */
    int timeout_ms;     /* per connect / read / write; <= 0: deadline only */
    const char *proxy;  /* "http://[user:pass@]host[:port]" or NULL; see
                           xport_proxy_from_env for the environment */
};

struct xport_stats {
    uint32_t connections; /* TCP connections made */
    uint32_t handshakes;  /* TLS handshakes completed, resumed included */
    uint32_t resumed;     /* of those, resumed from the saved session */
    uint64_t bytes_sent;  /* on the wire (TLS records, proxy CONNECT) */
    uint64_t bytes_recv;
};

struct xport {
    /* read-only for the caller */
    struct xport_stats stats;
    int is_open;
    int loopback; /* the peer is 127.0.0.0/8 or ::1 (never through a proxy) */
    int proxy_status; /* last CONNECT answer status, 0 if none */
    char detail[LIM_XPORT_DETAIL]; /* why the last call failed, "" if not known */
    /* private */
    int https, timeout_ms, fd, has_proxy, has_auth;
    uint16_t port, proxy_port;
    int64_t deadline;
    enum net_err net_err;
    int have_addrs;         /* addrs holds the resolved server or proxy */
    struct net_addrs addrs;
    char host[LIM_HOST];
    char proxy_host[LIM_HOST];
    char proxy_auth[LIM_SECRET]; /* "user:pass", percent-decoded */
    struct tls_conn tls;
};

/* Monotonic milliseconds, the clock deadlines are measured on. */
int64_t xport_now_ms(void);

/* Copies cfg into x (strings too) and checks it: XPORT_ERR_ARG,
 * XPORT_ERR_PROXY_URL, XPORT_ERR_NO_CA_BUNDLE or XPORT_ERR_CA_BUNDLE (https
 * only, not with insecure). Does not connect. x must not move afterwards. */
enum xport_err xport_init(struct xport *x, const struct xport_cfg *cfg);

/* Connects (through the proxy) and handshakes unless already open, offering
 * the saved TLS session. XPORT_OK or why not (x->detail says more). */
enum xport_err xport_open(struct xport *x, int64_t deadline);

/* Sends all len bytes. XPORT_OK or an error (the connection is then dead:
 * xport_close it). */
enum xport_err xport_send(struct xport *x, const void *buf, size_t len, int64_t deadline);

/* Receives up to cap bytes: the count (> 0), 0 on orderly EOF (close_notify
 * or TCP FIN), or a negative enum xport_err. */
long xport_recv(struct xport *x, void *buf, size_t cap, int64_t deadline);

/* Sends close_notify (https) and closes the socket; keeps the TLS session so
 * the next xport_open resumes. Safe to call when not open. */
void xport_close(struct xport *x);

/* Closes and releases everything, the session too: arena use returns to
 * what it was before xport_init. */
void xport_free(struct xport *x);

/* The proxy for an https request to host, from https_proxy or HTTPS_PROXY,
 * unless no_proxy / NO_PROXY matches host. Copies the URL into buf and
 * returns 1; 0 when no proxy applies; -1 when it does not fit in cap. */
int xport_proxy_from_env(const char *host, char *buf, size_t cap);

/* 1 if host matches a no_proxy list: comma- or space-separated entries, "*"
 * (everything), "name" (name and its subdomains), ".name" (likewise);
 * case-insensitive, as curl does. 0 otherwise or if list is NULL. */
int xport_no_proxy_match(const char *list, const char *host);

const char *xport_strerror(enum xport_err e);

#endif
