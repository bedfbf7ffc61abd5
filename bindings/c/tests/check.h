/* A minimal test harness shared by the C tests: CHECK macros that count, and a final
 * line "N passed, N failed" that CI reads. Each test program includes it once. */
#ifndef ENCOURS_TEST_CHECK_H
#define ENCOURS_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "encours.h"

static int checks_passed = 0;
static int checks_failed = 0;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (cond) {                                                                       \
      checks_passed++;                                                                \
    } else {                                                                          \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);        \
    }                                                                                 \
  } while (0)

/* Run a call and compare its status; on mismatch print both names and the message. */
#define CHECK_STATUS(call, expected)                                                  \
  do {                                                                                \
    encours_status st_ = (call);                                                      \
    if (st_ == (encours_status)(expected)) {                                          \
      checks_passed++;                                                                \
    } else {                                                                          \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: %s\n  returned %s, expected %s\n  last error: %s\n",    \
              __FILE__, __LINE__, #call, encours_status_name(st_),                    \
              encours_status_name(expected), encours_last_error());                   \
    }                                                                                 \
  } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, ENCOURS_OK)

#define CHECK_STR(actual, expected)                                                   \
  do {                                                                                \
    const char *a_ = (actual);                                                        \
    const char *e_ = (expected);                                                      \
    if (a_ != NULL && strcmp(a_, e_) == 0) {                                          \
      checks_passed++;                                                                \
    } else {                                                                          \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: %s\n  is \"%s\"\n  expected \"%s\"\n", __FILE__,        \
              __LINE__, #actual, a_ ? a_ : "(null)", e_);                             \
    }                                                                                 \
  } while (0)

#define CHECK_CONTAINS(haystack, needle)                                              \
  do {                                                                                \
    const char *h_ = (haystack);                                                      \
    const char *n_ = (needle);                                                        \
    if (h_ != NULL && strstr(h_, n_) != NULL) {                                       \
      checks_passed++;                                                                \
    } else {                                                                          \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: %s\n  is \"%s\"\n  expected to contain \"%s\"\n",       \
              __FILE__, __LINE__, #haystack, h_ ? h_ : "(null)", n_);                 \
    }                                                                                 \
  } while (0)

#define CHECK_INT(actual, expected)                                                   \
  do {                                                                                \
    long long a_ = (long long)(actual);                                               \
    long long e_ = (long long)(expected);                                             \
    if (a_ == e_) {                                                                   \
      checks_passed++;                                                                \
    } else {                                                                          \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__,       \
              #actual, a_, e_);                                                       \
    }                                                                                 \
  } while (0)

/* Day number of a date known to be valid (aborts the check run otherwise). */
static inline int32_t day(int32_t y, uint32_t m, uint32_t d) {
  int32_t out = 0;
  if (encours_date_from_ymd(y, m, d, &out) != ENCOURS_OK) {
    fprintf(stderr, "bad test date %d-%u-%u\n", y, m, d);
    checks_failed++;
  }
  return out;
}

/* Print the closing line and give the exit status. */
static inline int finish(void) {
  printf("%d passed, %d failed\n", checks_passed, checks_failed);
  return checks_failed == 0 ? 0 : 1;
}

#endif /* ENCOURS_TEST_CHECK_H */
