test_agent_DEPS := src/agent.c src/query.c src/timefmt.c src/record.c src/jsonitems.c \
                   src/summary.c src/http.c port/posix/xport.c port/posix/net.c port/posix/tls.c \
                   port/posix/clock.c
