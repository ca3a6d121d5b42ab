test_tlsconf_DEPS := port/posix/tls.c
