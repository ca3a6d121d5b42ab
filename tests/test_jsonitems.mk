test_jsonitems_DEPS := src/jsonitems.c src/record.c src/timefmt.c
