test_query_DEPS := src/query.c src/timefmt.c
