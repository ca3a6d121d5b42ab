/* gwhist entry point: wires cli -> agent -> sinks; nothing else. */
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "tls.h"

static void print_version(int verbose)
{
    printf("gwhist %s (mbedTLS %s, %s)\n", GWHIST_VERSION, tls_lib_version(), GWHIST_TARGET);
    if (!verbose)
        return;
    printf("memory budget, fixed at build time (bytes):\n");
    printf("  mbedTLS arena        %zu\n", tls_arena_size());
    printf("  HTTP header line     %u\n", LIM_HTTP_LINE);
    printf("  receive buffer       %u\n", LIM_RECV_BUF);
    printf("  JSON item            %u + %u tokens\n", LIM_ITEM, LIM_TOKENS);
    printf("  CA certificate       %u\n", LIM_CA_DER);
}

int main(int argc, char **argv)
{
    int version = 0, verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--version") == 0)
            version = 1;
        else if (strcmp(argv[i], "--verbose") == 0)
            verbose = 1;
        else {
            fprintf(stderr, "gwhist: unknown option '%s'; valid: --version [--verbose]\n", argv[i]);
            return 2;
        }
    }
    if (tls_global_init() != 0) {
        fprintf(stderr, "gwhist: PSA crypto failed to start (no kernel randomness?)\n");
        return 1;
    }
    if (version) {
        print_version(verbose);
        return 0;
    }
    fprintf(stderr, "gwhist: nothing to do yet; try --version\n");
    return 2;
}
