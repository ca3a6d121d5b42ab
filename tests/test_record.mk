test_record_DEPS := src/record.c src/jsonitems.c src/timefmt.c
