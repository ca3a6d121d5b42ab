test_cli_DEPS := src/cli.c src/query.c src/timefmt.c src/record.c src/jsonitems.c
