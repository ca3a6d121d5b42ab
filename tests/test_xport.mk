test_xport_DEPS := port/posix/xport.c port/posix/net.c port/posix/tls.c src/http.c
