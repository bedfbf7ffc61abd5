/* Risk and the order check from C at the yardstick's scale (issue 12).
 *
 *   bash bindings/c/bench/run_risk_bench.sh
 *
 * Reads a ledger JSON (100,000 customers, 1,000,000 invoices, written by `encours
 * sample`), then times: the feature table and its scores as JSON documents (what a C
 * caller gets), building the credit index, and 200,000 order decisions for customers
 * drawn at random, each timed alone (median, 99th percentile). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encours.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int fail(const char *what) {
  fprintf(stderr, "%s failed: %s\n", what, encours_last_error());
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s ledger.json\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL) return 2;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *json = malloc((size_t)size);
  if (json == NULL || fread(json, 1, (size_t)size, f) != (size_t)size) return 2;
  fclose(f);

  double t = now_s();
  encours_ledger *l = NULL;
  if (encours_ledger_from_json(json, (size_t)size, &l) != ENCOURS_OK) return fail("ledger");
  free(json);
  printf("ledger loaded in %.2f s\n", now_s() - t);
  int32_t as_of = 0;
  encours_date_from_ymd(2026, 11, 22, &as_of);

  encours_scorecard *card = NULL;
  encours_scorecard_default(&card);
  for (int run = 0; run < 3; run++) {
    t = now_s();
    char *table = NULL;
    size_t table_len = 0;
    if (encours_risk_feature_table_json(l, NULL, 0, NULL, 0, as_of, &table, &table_len) != ENCOURS_OK)
      return fail("features");
    double features = now_s() - t;
    char *scores = NULL;
    if (encours_scorecard_score_json(card, table, table_len, &scores, NULL) != ENCOURS_OK) return fail("scores");
    printf("feature table %.3f s, + scores (JSON in and out) %.3f s\n", features, now_s() - t);
    encours_string_free(table);
    encours_string_free(scores);
  }

  t = now_s();
  encours_credit_index *ix = NULL;
  if (encours_credit_index_build(l, NULL, 0, NULL, 0, NULL, 0, NULL, 0, as_of, &ix) != ENCOURS_OK) return fail("index");
  printf("credit index built in %.3f s\n", now_s() - t);

  enum { N = 200000 };
  uint64_t *ns = malloc(sizeof(uint64_t) * N);
  if (ns == NULL) return 2;
  uint64_t x = 42;
  char id[16];
  uint32_t decision = 0, blocked = 0;
  for (int i = 0; i < N; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    snprintf(id, sizeof id, "C%06u", (unsigned)(x % 100000) + 1);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    encours_status st = encours_credit_index_decide(ix, id, "1234.56", as_of, &decision);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (st != ENCOURS_OK) return fail("decide");
    blocked += decision == ENCOURS_DECISION_BLOCK;
    ns[i] = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)(b.tv_nsec - a.tv_nsec);
  }
  qsort(ns, N, sizeof(uint64_t), cmp);
  printf("encours_credit_index_decide, %d checks over 100,000 customers: median %llu ns, p99 %llu ns (%u blocked)\n", N,
         (unsigned long long)ns[N / 2], (unsigned long long)ns[(N * 99) / 100], blocked);
  free(ns);
  encours_credit_index_free(ix);
  encours_scorecard_free(card);
  encours_ledger_free(l);
  return 0;
}
