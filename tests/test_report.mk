test_report_DEPS := src/report.c src/summary.c src/timefmt.c
