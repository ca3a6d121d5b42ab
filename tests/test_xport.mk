test_xport_DEPS := port/posix/xport.c port/posix/net.c port/posix/tls.c port/posix/clock.c src/http.c
