/* TCP with timeouts: getaddrinfo, non-blocking connect, poll-driven I/O. */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"

int64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds poll() may wait: the nearer of now + timeout and deadline. */
static int wait_ms(int timeout_ms, int64_t deadline)
{
    int64_t now = net_now_ms();
    int64_t end = timeout_ms > 0 ? now + timeout_ms : deadline;
    if (deadline > 0 && (end == 0 || deadline < end))
        end = deadline;
    if (end == 0)
        return -1;
    return end <= now ? 0 : (int)(end - now);
}

/* 1 when fd is ready for events, 0 on timeout, -1 on a poll error. */
static int wait_fd(int fd, short events, int timeout_ms, int64_t deadline)
{
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    for (;;) {
        int ms = wait_ms(timeout_ms, deadline);
        int n = poll(&p, 1, ms);
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
        if (clock_stop_requested())
            return 0; /* SIGTERM/SIGINT: give up the wait as if it timed out */
    }
}

static int is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
            return 1;
        return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127;
    }
    return 0;
}

static enum net_err errno_to_connect_err(int e)
{
    if (e == ECONNREFUSED)
        return NET_ERR_REFUSED;
    if (e == ETIMEDOUT)
        return NET_ERR_CONNECT_TIMEOUT;
    if (e == ENETUNREACH || e == EHOSTUNREACH || e == ENETDOWN || e == EADDRNOTAVAIL)
        return NET_ERR_UNREACHABLE;
    return NET_ERR_CONNECT;
}

/* A non-blocking TCP socket for family with TCP_NODELAY, or -1. */
static int open_socket(int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0)
        return -1;
    int one = 1;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        close(fd);
        return -1;
    }
    /* mbedTLS sends handshake records one by one: Nagle would delay them */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* One address: NET_OK with *fd set, or why it failed. */
static enum net_err connect_one(const struct sockaddr *sa, socklen_t salen, int timeout_ms,
                                int64_t deadline, int *fd)
{
    int s = open_socket(sa->sa_family);
    if (s < 0)
        return NET_ERR_SOCKET;
    if (connect(s, sa, salen) != 0 && errno != EINPROGRESS) {
        int e = errno;
        close(s);
        return errno_to_connect_err(e);
    }
    int r = wait_fd(s, POLLOUT, timeout_ms, deadline);
    int err = 0;
    socklen_t len = sizeof err;
    if (r <= 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        close(s);
        return r == 0 ? NET_ERR_CONNECT_TIMEOUT : errno_to_connect_err(r < 0 ? errno : err);
    }
    *fd = s;
    return NET_OK;
}

static void add_addr(struct net_addrs *out, const void *sa, size_t len)
{
    if (out->n >= LIM_ADDRS || len > sizeof out->a[0].sa)
        return;
    memset(&out->a[out->n].sa, 0, sizeof out->a[0].sa);
    memcpy(&out->a[out->n].sa, sa, len);
    out->a[out->n].len = (socklen_t)len;
    out->n++;
}

/* a numeric IPv4 or IPv6 address needs no resolver (and no allocation) */
static int numeric_addr(const char *host, uint16_t port, struct net_addrs *out)
{
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    memset(&v4, 0, sizeof v4);
    memset(&v6, 0, sizeof v6);
    if (inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        add_addr(out, &v4, sizeof v4);
        return 1;
    }
    if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        add_addr(out, &v6, sizeof v6);
        return 1;
    }
    return 0;
}

enum net_err net_resolve(const char *host, uint16_t port, struct net_addrs *out)
{
    char service[8];
    struct addrinfo hints, *res = NULL;
    out->n = 0;
    if (numeric_addr(host, port, out))
        return NET_OK;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    if (getaddrinfo(host, service, &hints, &res) != 0 || res == NULL)
        return NET_ERR_DNS;
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
        add_addr(out, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(res);
    return out->n > 0 ? NET_OK : NET_ERR_DNS;
}

enum net_err net_connect_addrs(const struct net_addrs *a, int timeout_ms, int64_t deadline,
                               int *fd, int *loopback)
{
    enum net_err err = NET_ERR_DNS;
    for (size_t i = 0; i < a->n; i++) {
        err = connect_one((const struct sockaddr *)&a->a[i].sa, a->a[i].len, timeout_ms, deadline,
                          fd);
        if (err == NET_OK)
            break;
    }
    if (err != NET_OK)
        return err;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    *loopback = getpeername(*fd, (struct sockaddr *)&ss, &len) == 0 && is_loopback(&ss);
    return NET_OK;
}

enum net_err net_connect(const char *host, const char *port, int timeout_ms, int64_t deadline,
                         int *fd, int *loopback)
{
    struct net_addrs a;
    char *end;
    unsigned long pn = strtoul(port, &end, 10);
    if (*port == '\0' || *end != '\0' || pn > 65535)
        return NET_ERR_DNS;
    enum net_err e = net_resolve(host, (uint16_t)pn, &a);
    return e != NET_OK ? e : net_connect_addrs(&a, timeout_ms, deadline, fd, loopback);
}

int net_host_is_loopback(const char *host)
{
    struct net_addrs a;
    if (net_resolve(host, 0, &a) != NET_OK)
        return 0;
    int all = 1;
    for (size_t i = 0; i < a.n; i++)
        all = all && is_loopback(&a.a[i].sa);
    return all;
}

static enum net_err io_err(int e)
{
    if (e == ECONNRESET || e == EPIPE || e == ECONNABORTED || e == ENOTCONN)
        return NET_ERR_RESET;
    if (e == ETIMEDOUT)
        return NET_ERR_READ_TIMEOUT;
    return NET_ERR_IO;
}

/* send() or recv() returned -1: 1 to try again once fd is ready, or the
 * error (negative) */
static long io_wait(int fd, short events, int timeout_ms, int64_t deadline, enum net_err timeout)
{
    if (errno == EINTR)
        return 1;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        return io_err(errno);
    int r = wait_fd(fd, events, timeout_ms, deadline);
    return r > 0 ? 1 : r == 0 ? timeout : NET_ERR_IO;
}

long net_send(int fd, const void *buf, size_t len, int timeout_ms, int64_t deadline)
{
    for (;;) {
        /* MSG_NOSIGNAL: a peer that went away gives EPIPE, not SIGPIPE */
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0)
            return (long)n;
        long w = io_wait(fd, POLLOUT, timeout_ms, deadline, NET_ERR_WRITE_TIMEOUT);
        if (w < 0)
            return w;
    }
}

long net_recv(int fd, void *buf, size_t cap, int timeout_ms, int64_t deadline)
{
    for (;;) {
        ssize_t n = recv(fd, buf, cap, 0);
        if (n >= 0)
            return (long)n;
        long w = io_wait(fd, POLLIN, timeout_ms, deadline, NET_ERR_READ_TIMEOUT);
        if (w < 0)
            return w;
    }
}

void net_close(int fd)
{
    if (fd >= 0)
        close(fd);
}

const char *net_strerror(enum net_err e)
{
    switch (e) {
    case NET_OK: return "ok";
    case NET_ERR_DNS: return "host name did not resolve";
    case NET_ERR_REFUSED: return "connection refused";
    case NET_ERR_CONNECT_TIMEOUT: return "connect timed out";
    case NET_ERR_UNREACHABLE: return "network or host unreachable";
    case NET_ERR_CONNECT: return "connect failed";
    case NET_ERR_READ_TIMEOUT: return "read timed out";
    case NET_ERR_WRITE_TIMEOUT: return "write timed out";
    case NET_ERR_RESET: return "connection reset by peer";
    case NET_ERR_IO: return "socket I/O error";
    case NET_ERR_SOCKET: return "cannot create socket";
    }
    return "unknown network error";
}
