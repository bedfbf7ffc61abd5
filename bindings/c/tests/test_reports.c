/* Aging and metrics: JSON reports and the summary handle with plain C rows. Expected
 * figures follow the core's documented examples (DSO 90 days on AR 1 200 against
 * 1 200 of sales in 90 days; best possible DSO 300 / 1 200 x 90 = 22.5). */
#include "check.h"

static encours_ledger *sample(void) {
  encours_customer_rec c[2] = {
      {.id = "C1", .name = "Dupont SA", .currency = "EUR", .segment = "SME"},
      {.id = "C2", .name = "Acme Inc", .currency = "USD"},
  };
  encours_item_rec items[3] = {
      {.id = "F1", .customer_id = "C1", .kind = ENCOURS_ITEM_INVOICE, .issue_date = day(2024, 3, 1),
       .due_date = day(2024, 3, 31), .amount_minor = 90000, .currency = "EUR"},
      {.id = "F2", .customer_id = "C1", .kind = ENCOURS_ITEM_INVOICE, .issue_date = day(2024, 5, 1),
       .due_date = day(2024, 5, 31), .amount_minor = 30000, .currency = "EUR"},
      {.id = "G1", .customer_id = "C2", .kind = ENCOURS_ITEM_INVOICE, .issue_date = day(2024, 5, 1),
       .due_date = day(2024, 5, 31), .amount_minor = 10000, .currency = "USD"},
  };
  encours_ledger *l = NULL;
  CHECK_OK(encours_ledger_from_records(c, 2, items, 3, NULL, 0, NULL, 0, &l));
  return l;
}

static void json_reports(const encours_ledger *l) {
  int32_t as_of = day(2024, 5, 20);
  char *json = NULL;
  size_t len = 0;

  CHECK_OK(encours_aging_json(l, as_of, NULL, 0, ENCOURS_GROUP_BY_CUSTOMER, &json, &len));
  CHECK_CONTAINS(json, "\"labels\":[\"not_due\",\"1-30\",\"31-60\",\"61-90\",\"91-180\",\">180\"]");
  /* F1 is 50 days overdue (31-60), F2 not due yet. */
  CHECK_CONTAINS(json, "\"buckets\":[{\"amount\":\"300.00\",\"currency\":\"EUR\"},{\"amount\":\"0.00\","
                       "\"currency\":\"EUR\"},{\"amount\":\"900.00\",\"currency\":\"EUR\"}");
  CHECK_INT(len, json ? strlen(json) : 0);
  encours_string_free(json);
  json = NULL;
  int64_t edges[3] = {0, 15, 45};
  CHECK_OK(encours_aging_json(l, as_of, edges, 3, ENCOURS_GROUP_BY_PORTFOLIO, &json, NULL));
  CHECK_CONTAINS(json, "\"labels\":[\"not_due\",\"1-15\",\"16-45\",\">45\"]");
  CHECK_CONTAINS(json, "\"group_by\":\"portfolio\"");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_aging_json(l, as_of, NULL, 0, ENCOURS_GROUP_BY_SEGMENT, &json, NULL));
  CHECK_CONTAINS(json, "\"key\":\"SME\"");
  encours_string_free(json);

  json = NULL;
  CHECK_OK(encours_dso_simple_json(l, as_of, 90, ENCOURS_GROUP_BY_CUSTOMER, &json, NULL));
  CHECK_CONTAINS(json, "\"dso\":{\"value\":\"90");
  CHECK_CONTAINS(json, "\"best_possible_dso\":{\"value\":\"22.5");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_dso_count_back_json(l, as_of, ENCOURS_GROUP_BY_PORTFOLIO, &json, NULL));
  CHECK_CONTAINS(json, "\"capped\":");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_cei_json(l, day(2024, 5, 1), as_of, 1, ENCOURS_GROUP_BY_CUSTOMER, &json, NULL));
  CHECK_CONTAINS(json, "\"cei\":");
  encours_string_free(json);
  /* Nothing paid yet: no rows. Then an invoice paid 10 days late. */
  json = NULL;
  CHECK_OK(encours_payment_behaviour_json(l, as_of, 365, ENCOURS_GROUP_BY_CUSTOMER, &json, NULL));
  CHECK_STR(json, "[]");
  encours_string_free(json);
  encours_customer_rec c9 = {.id = "C9", .name = "Late Payer", .currency = "EUR"};
  encours_item_rec x1 = {.id = "X1", .customer_id = "C9", .kind = ENCOURS_ITEM_INVOICE, .issue_date = day(2024, 1, 1),
                         .due_date = day(2024, 1, 31), .amount_minor = 10000, .currency = "EUR"};
  encours_payment_rec p1 = {.id = "P1", .customer_id = "C9", .date = day(2024, 2, 10), .amount_minor = 10000,
                            .currency = "EUR", .reference = "X1"};
  encours_ledger *late = NULL;
  CHECK_OK(encours_ledger_from_records(&c9, 1, &x1, 1, &p1, 1, NULL, 0, &late));
  CHECK_OK(encours_ledger_auto_apply(late, "P1", NULL, NULL));
  json = NULL;
  CHECK_OK(encours_payment_behaviour_json(late, as_of, 365, ENCOURS_GROUP_BY_CUSTOMER, &json, NULL));
  CHECK_CONTAINS(json, "\"days_beyond_terms\":{\"value\":\"10");
  CHECK_CONTAINS(json, "\"payment_index\":{\"value\":");
  encours_string_free(json);
  encours_ledger_free(late);
  json = NULL;
  CHECK_OK(encours_pareto_json(l, as_of, ENCOURS_PARETO_ITEMS, "0.7", ENCOURS_GROUP_BY_PORTFOLIO, &json, NULL));
  CHECK_CONTAINS(json, "\"ids\":[\"F1\"]");
  encours_string_free(json);

  /* Bad input. */
  json = NULL;
  int64_t unsorted[3] = {0, 60, 30};
  CHECK_STATUS(encours_aging_json(l, as_of, unsorted, 3, 0, &json, NULL), ENCOURS_REPORT_INVALID);
  CHECK_CONTAINS(encours_last_error(), "aging bucket edge");
  CHECK_STATUS(encours_aging_json(l, as_of, NULL, 3, 0, &json, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_aging_json(l, as_of, NULL, 0, 4, &json, NULL), ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "invalid group_by 4");
  CHECK_STATUS(encours_aging_json(NULL, as_of, NULL, 0, 0, &json, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_aging_json(l, INT32_MAX, NULL, 0, 0, &json, NULL), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_dso_simple_json(l, as_of, 0, 0, &json, NULL), ENCOURS_REPORT_INVALID);
  CHECK_STR(encours_last_error(), "invalid dso days: 0 (1 to 3660 days)");
  CHECK_STATUS(encours_cei_json(l, as_of, day(2024, 5, 1), 1, 0, &json, NULL), ENCOURS_REPORT_INVALID);
  CHECK_STATUS(encours_pareto_json(l, as_of, 0, "abc", 0, &json, NULL), ENCOURS_INVALID_AMOUNT);
  CHECK_STATUS(encours_pareto_json(l, as_of, 0, "1.5", 0, &json, NULL), ENCOURS_REPORT_INVALID);
  CHECK_STATUS(encours_pareto_json(l, as_of, 2, "0.8", 0, &json, NULL), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_pareto_json(l, as_of, 0, NULL, 0, &json, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_payment_behaviour_json(l, as_of, 365, 0, NULL, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK(json == NULL);
}

static void summary(const encours_ledger *l) {
  int32_t as_of = day(2024, 5, 20);
  encours_summary *s = NULL;
  CHECK_OK(encours_summary_new(l, as_of, NULL, 0, ENCOURS_GROUP_BY_CUSTOMER, NULL, 0, NULL, 0, &s));
  if (s == NULL) return;
  size_t buckets = 0, rows = 0, portfolio = 0;
  CHECK_OK(encours_summary_counts(s, &buckets, &rows, &portfolio));
  CHECK_INT(buckets, 6);
  CHECK_INT(rows, 2);
  CHECK_INT(portfolio, 2); /* one per currency */
  const char *label = NULL;
  CHECK_OK(encours_summary_label(s, 5, &label));
  CHECK_STR(label, ">180");
  CHECK_STATUS(encours_summary_label(s, 6, &label), ENCOURS_NOT_FOUND);

  encours_summary_row r;
  CHECK_OK(encours_summary_row_get(s, ENCOURS_SUMMARY_ROWS, 0, &r));
  CHECK_STR(r.key, "C1");
  CHECK_STR(r.name, "Dupont SA");
  CHECK_STR(r.currency, "EUR");
  CHECK_INT(r.total_minor, 120000);
  CHECK_INT(r.net_minor, 120000);
  CHECK_INT(r.items, 2);
  CHECK_INT(r.dso.defined, 1);
  CHECK_INT(r.dso.hundredths, 9000);
  CHECK_INT(r.best_possible_dso.hundredths, 2250);
  CHECK_INT(r.payment_index.defined, 0);
  encours_money b[6];
  CHECK_OK(encours_summary_row_buckets(s, ENCOURS_SUMMARY_ROWS, 0, b, 6));
  CHECK_INT(b[0].minor, 30000);
  CHECK_INT(b[2].minor, 90000);
  CHECK_STATUS(encours_summary_row_buckets(s, ENCOURS_SUMMARY_ROWS, 0, b, 5), ENCOURS_INSUFFICIENT_SIZE);
  CHECK_OK(encours_summary_row_get(s, ENCOURS_SUMMARY_PORTFOLIO, 1, &r));
  CHECK(r.key == NULL);
  CHECK_STR(r.currency, "USD");
  CHECK_INT(r.total_minor, 10000);
  CHECK_STATUS(encours_summary_row_get(s, ENCOURS_SUMMARY_ROWS, 2, &r), ENCOURS_NOT_FOUND);
  CHECK_STATUS(encours_summary_row_get(s, 2, 0, &r), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_summary_row_get(s, 0, 0, NULL), ENCOURS_NULL_ARGUMENT);
  char *json = NULL;
  CHECK_OK(encours_summary_to_json(s, &json, NULL));
  CHECK_CONTAINS(json, "\"pareto_items\":");
  encours_string_free(json);
  encours_summary_free(s);

  /* Converted to EUR at 0.5: one portfolio row, 1 200.00 + 50.00. */
  const char *fx = "{\"rates\":[{\"from\":\"USD\",\"to\":\"EUR\",\"rate\":\"0.5\"}]}";
  s = NULL;
  CHECK_OK(encours_summary_new(l, as_of, NULL, 0, ENCOURS_GROUP_BY_PORTFOLIO, fx, strlen(fx), "EUR",
                               ENCOURS_ROUNDING_HALF_UP, &s));
  CHECK_OK(encours_summary_counts(s, NULL, NULL, &portfolio));
  CHECK_INT(portfolio, 1);
  CHECK_OK(encours_summary_row_get(s, ENCOURS_SUMMARY_PORTFOLIO, 0, &r));
  CHECK_INT(r.total_minor, 125000);
  CHECK_STR(r.currency, "EUR");
  encours_summary_free(s);

  /* A configuration in JSON. */
  const char *config = "{\"as_of\":\"2024-05-20\",\"dso_days\":30,\"buckets\":{\"edges\":[0,45]}}";
  s = NULL;
  CHECK_OK(encours_summary_new(l, 0, config, strlen(config), ENCOURS_GROUP_BY_CUSTOMER, NULL, 0, NULL, 0, &s));
  CHECK_OK(encours_summary_counts(s, &buckets, NULL, NULL));
  CHECK_INT(buckets, 3);
  encours_summary_free(s);

  /* Bad input: nothing handed out. */
  s = NULL;
  const char *no_rates = "{\"rates\":[]}";
  CHECK_STATUS(encours_summary_new(l, as_of, NULL, 0, 3, no_rates, strlen(no_rates), "EUR", 0, &s),
               ENCOURS_RATE_UNAVAILABLE);
  CHECK_CONTAINS(encours_last_error(), "no exchange rate from USD to EUR");
  CHECK_STATUS(encours_summary_new(l, as_of, NULL, 0, 3, fx, strlen(fx), NULL, 0, &s), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_summary_new(l, as_of, NULL, 0, 3, fx, strlen(fx), "EUX", 0, &s), ENCOURS_UNKNOWN_CURRENCY);
  CHECK_STATUS(encours_summary_new(l, as_of, NULL, 0, 3, fx, strlen(fx), "EUR", 9, &s), ENCOURS_INVALID_ARGUMENT);
  const char *bad_days = "{\"as_of\":\"2024-05-20\",\"dso_days\":0}";
  CHECK_STATUS(encours_summary_new(l, 0, bad_days, strlen(bad_days), 0, NULL, 0, NULL, 0, &s), ENCOURS_REPORT_INVALID);
  CHECK_STATUS(encours_summary_new(l, 0, "{", 1, 0, NULL, 0, NULL, 0, &s), ENCOURS_INVALID_JSON);
  CHECK_STATUS(encours_summary_new(l, INT32_MIN, NULL, 0, 0, NULL, 0, NULL, 0, &s), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_summary_new(NULL, as_of, NULL, 0, 0, NULL, 0, NULL, 0, &s), ENCOURS_NULL_ARGUMENT);
  CHECK(s == NULL);
  CHECK_STATUS(encours_summary_counts(NULL, NULL, NULL, NULL), ENCOURS_NULL_ARGUMENT);
  encours_summary_free(NULL);
}

int main(void) {
  encours_ledger *l = sample();
  if (l == NULL) return finish();
  json_reports(l);
  summary(l);
  encours_ledger_free(l);
  return finish();
}
