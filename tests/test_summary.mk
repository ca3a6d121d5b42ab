test_summary_DEPS := src/summary.c
