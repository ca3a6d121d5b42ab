/* net: TCP sockets for gwhist (port/posix/net.c). It resolves a host with
 * getaddrinfo (IPv4 and IPv6), connects to each address in turn with a
 * timeout, and moves bytes over a non-blocking socket with poll(), so every
 * call ends by its deadline. It owns only the file descriptor; it never
 * allocates, never blocks past a deadline, and never raises SIGPIPE.
 * Deadlines are CLOCK_MONOTONIC milliseconds (net_now_ms()); 0 means none. */
#ifndef GWHIST_NET_H
#define GWHIST_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "limits.h"

enum net_err {
    NET_OK = 0,
    NET_ERR_DNS = -1,             /* name did not resolve */
    NET_ERR_REFUSED = -2,         /* every address refused the connection */
    NET_ERR_CONNECT_TIMEOUT = -3, /* no address answered in time */
    NET_ERR_UNREACHABLE = -4,     /* no route / network down */
    NET_ERR_CONNECT = -5,         /* connect failed otherwise */
    NET_ERR_READ_TIMEOUT = -6,
    NET_ERR_WRITE_TIMEOUT = -7,
    NET_ERR_RESET = -8, /* connection reset or broken pipe */
    NET_ERR_IO = -9,    /* any other socket error */
    NET_ERR_SOCKET = -10 /* socket() or fcntl() failed: out of descriptors */
};

/* Resolved addresses of one host and port, kept by the caller so that a
 * reconnect does not resolve (and allocate) again. */
struct net_addrs {
    size_t n;
    struct {
        struct sockaddr_storage sa;
        socklen_t len;
    } a[LIM_ADDRS];
};

/* Resolves host (a numeric address without the resolver) into out. */
enum net_err net_resolve(const char *host, uint16_t port, struct net_addrs *out);

/* Connects to each address in turn, as net_connect does. */
enum net_err net_connect_addrs(const struct net_addrs *a, int timeout_ms, int64_t deadline,
                               int *fd, int *loopback);

/* The monotonic clock in milliseconds. */
int64_t net_now_ms(void);

/* Connects to host:port, trying every address getaddrinfo returns; each
 * attempt ends by min(now + timeout_ms, deadline). On NET_OK *fd is a
 * non-blocking socket with TCP_NODELAY and *loopback says whether the peer
 * is 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
enum net_err net_connect(const char *host, const char *port, int timeout_ms, int64_t deadline,
                         int *fd, int *loopback);

/* Sends up to len bytes once the socket is writable. Returns the count sent
 * (> 0) or a negative enum net_err. */
long net_send(int fd, const void *buf, size_t len, int timeout_ms, int64_t deadline);

/* Receives up to cap bytes once readable. Returns the count (> 0), 0 on
 * orderly EOF (FIN), or a negative enum net_err. */
long net_recv(int fd, void *buf, size_t cap, int timeout_ms, int64_t deadline);

/* 1 if every address host resolves to is loopback (127.0.0.0/8, ::1),
 * 0 otherwise or if it does not resolve. Connects to nothing. */
int net_host_is_loopback(const char *host);

/* Closes fd if it is >= 0. */
void net_close(int fd);

const char *net_strerror(enum net_err e);

#endif
