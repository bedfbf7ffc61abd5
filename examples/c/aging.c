/* examples/c/aging.c: load a ledger and print its aging table and DSO.
 *
 *   aging [LEDGER.json [AS_OF]]
 *
 * With a file, the ledger is read from its JSON form; without, a small ledger is
 * built from C struct arrays (the bulk path an ERP would use). AS_OF is an ISO date
 * (default 2024-12-31). Build (from the repository root, after cargo build -p encours-c):
 *
 *   cc -std=c11 -Ibindings/c/include examples/c/aging.c -Ltarget/debug -lencours \
 *      -Wl,-rpath,target/debug -o aging
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encours.h"

/* Print the library's message for a failed call and give up. */
static int die(const char *what, encours_status st) {
  fprintf(stderr, "aging: %s failed: %s: %s\n", what, encours_status_name(st),
          encours_last_error());
  return 1;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      char *grown = realloc(buf, cap);
      if (grown == NULL) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = grown;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* The bulk path: plain records, amounts in cents, dates as day numbers. */
static encours_status build_sample(encours_ledger **out) {
  int32_t d[6];
  const int ymd[6][3] = {{2024, 9, 2}, {2024, 10, 31}, {2024, 11, 15}, {2024, 12, 15},
                         {2024, 12, 2}, {2025, 1, 14}};
  for (int i = 0; i < 6; i++) {
    encours_status st = encours_date_from_ymd(ymd[i][0], (uint32_t)ymd[i][1], (uint32_t)ymd[i][2], &d[i]);
    if (st != ENCOURS_OK) return st;
  }
  encours_customer_rec customers[2] = {
      {.id = "C1", .name = "Dupont SA", .currency = "EUR", .segment = "key account"},
      {.id = "C2", .name = "Martin SARL", .currency = "EUR"},
  };
  encours_item_rec items[3] = {
      {.id = "F-1", .customer_id = "C1", .kind = ENCOURS_ITEM_INVOICE, .issue_date = d[0],
       .due_date = d[1], .amount_minor = 1240000, .currency = "EUR"},
      {.id = "F-2", .customer_id = "C2", .kind = ENCOURS_ITEM_INVOICE, .issue_date = d[2],
       .due_date = d[3], .amount_minor = 99000, .currency = "EUR"},
      {.id = "F-3", .customer_id = "C1", .kind = ENCOURS_ITEM_INVOICE, .issue_date = d[4],
       .due_date = d[5], .amount_minor = 830000, .currency = "EUR"},
  };
  encours_payment_rec payments[1] = {
      {.id = "P-1", .customer_id = "C1", .date = d[3], .amount_minor = 500000, .currency = "EUR",
       .reference = "F-1"},
  };
  encours_status st = encours_ledger_from_records(customers, 2, items, 3, payments, 1, NULL, 0, out);
  if (st != ENCOURS_OK) return st;
  /* Apply the payment the way cash application would: by its reference first. */
  return encours_ledger_auto_apply(*out, "P-1", NULL, NULL);
}

/* An amount in minor units as text ("12400.00"). */
static const char *amount(int64_t minor, uint32_t units, char *buf, size_t len) {
  encours_money m = {.minor = minor, .minor_units = units};
  size_t n = 0;
  return encours_money_format(&m, buf, len, &n) == ENCOURS_OK ? buf : "?";
}

/* A metric in hundredths as text ("45.50"), or "n/a" when undefined. */
static const char *metric(encours_metric m, char *buf, size_t len) {
  if (!m.defined) return "n/a";
  return amount(m.hundredths, 2, buf, len);
}

static void print_row(const encours_summary *s, uint32_t which, size_t row, size_t buckets) {
  encours_summary_row r;
  encours_money b[16];
  if (buckets > 16 || encours_summary_row_get(s, which, row, &r) != ENCOURS_OK ||
      encours_summary_row_buckets(s, which, row, b, 16) != ENCOURS_OK) {
    printf("  (row %zu: %s)\n", row, encours_last_error());
    return;
  }
  char text[ENCOURS_AMOUNT_BUFFER_SIZE];
  printf("%-12s %-4s", r.key ? r.key : "TOTAL", r.currency);
  for (size_t i = 0; i < buckets; i++) printf(" %10s", amount(b[i].minor, b[i].minor_units, text, sizeof text));
  printf(" %11s", amount(r.total_minor, r.minor_units, text, sizeof text));
  printf(" %7s\n", metric(r.dso, text, sizeof text));
}

static int print_report(const encours_summary *s, const char *as_of) {
  size_t buckets = 0, rows = 0, portfolio = 0;
  if (encours_summary_counts(s, &buckets, &rows, &portfolio) != ENCOURS_OK) return 1;
  printf("Aging as of %s (amounts by days overdue; DSO over 90 days)\n", as_of);
  printf("%-12s %-4s", "customer", "cur");
  for (size_t i = 0; i < buckets; i++) {
    const char *label = NULL;
    encours_summary_label(s, i, &label);
    printf(" %10s", label ? label : "?");
  }
  printf(" %11s %7s\n", "total", "DSO");
  for (size_t i = 0; i < rows; i++) print_row(s, ENCOURS_SUMMARY_ROWS, i, buckets);
  for (size_t i = 0; i < portfolio; i++) print_row(s, ENCOURS_SUMMARY_PORTFOLIO, i, buckets);
  return 0;
}

int main(int argc, char **argv) {
  encours_ledger *ledger = NULL;
  encours_status st;
  if (argc > 1) {
    size_t len = 0;
    char *json = read_file(argv[1], &len);
    if (json == NULL) {
      fprintf(stderr, "aging: cannot read %s\n", argv[1]);
      return 1;
    }
    st = encours_ledger_from_json(json, len, &ledger);
    free(json);
    if (st != ENCOURS_OK) return die("encours_ledger_from_json", st);
  } else {
    st = build_sample(&ledger);
    if (st != ENCOURS_OK) {
      encours_ledger_free(ledger);
      return die("building the sample ledger", st);
    }
  }

  int32_t as_of = 0;
  st = encours_date_parse(argc > 2 ? argv[2] : "2024-12-31", &as_of);
  if (st != ENCOURS_OK) {
    encours_ledger_free(ledger);
    return die("encours_date_parse", st);
  }

  const char *as_of_text = argc > 2 ? argv[2] : "2024-12-31";
  encours_summary *summary = NULL;
  st = encours_summary_new(ledger, as_of, NULL, 0, ENCOURS_GROUP_BY_CUSTOMER, NULL, 0, NULL, 0, &summary);
  encours_ledger_free(ledger);
  if (st != ENCOURS_OK) return die("encours_summary_new", st);
  int rc = print_report(summary, as_of_text);
  encours_summary_free(summary);
  return rc;
}
