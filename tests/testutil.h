/* Shared by the cmocka suites: includes in the order cmocka needs, and a
 * helper that feeds a buffer to a push parser split at a given point. */
#ifndef GWHIST_TESTUTIL_H
#define GWHIST_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
