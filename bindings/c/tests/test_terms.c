/* Payment terms: parsing (English, French), canonical text and JSON, due schedules,
 * discounts, the French LME check. Expected values are the core's documented ones. */
#include "check.h"

static char *str_of(encours_status (*f)(const encours_terms *, char **, size_t *),
                    const encours_terms *t) {
  char *s = NULL;
  size_t len = 0;
  if (f(t, &s, &len) != ENCOURS_OK) return NULL;
  return s;
}

int main(void) {
  encours_terms *split = NULL;
  CHECK_OK(encours_terms_parse("30 % \xc3\xa0 la commande, 70 % \xc3\xa0 60 jours",
                               ENCOURS_EOM_DAYS_THEN_END_OF_MONTH, &split));
  if (split == NULL) return finish();
  char *text = str_of(encours_terms_to_string, split);
  CHECK_STR(text, "30% at order, 70% net 60");
  encours_string_free(text);

  /* 1000.01 EUR split 30/70, the odd cent on the last line due. */
  char *json = NULL;
  int32_t order = day(2024, 1, 2);
  CHECK_OK(encours_terms_due_schedule_json(split, day(2024, 1, 15), &order, 100001, "EUR", &json, NULL));
  CHECK_STR(json,
            "[{\"line_index\":0,\"rule\":{\"rule\":\"at_order\"},\"share\":\"30\",\"due_date\":\"2024-01-02\","
            "\"amount\":{\"amount\":\"300.00\",\"currency\":\"EUR\"}},"
            "{\"line_index\":1,\"rule\":{\"rule\":\"net\",\"days\":60},\"share\":\"70\",\"due_date\":\"2024-03-15\","
            "\"amount\":{\"amount\":\"700.01\",\"currency\":\"EUR\"}}]");
  encours_string_free(json);
  json = NULL;
  /* Without an order date, at-order lines fall due on the invoice date. */
  CHECK_OK(encours_terms_due_schedule_json(split, day(2024, 1, 15), NULL, 100001, "EUR", &json, NULL));
  CHECK_CONTAINS(json, "\"due_date\":\"2024-01-15\"");
  encours_string_free(json);
  json = NULL;
  CHECK_STATUS(encours_terms_due_schedule_json(split, day(2024, 1, 15), NULL, 100, "EUX", &json, NULL),
               ENCOURS_UNKNOWN_CURRENCY);
  int32_t bad_order = INT32_MAX;
  CHECK_STATUS(encours_terms_due_schedule_json(split, day(2024, 1, 15), &bad_order, 100, "EUR", &json, NULL),
               ENCOURS_INVALID_DATE);
  CHECK_CONTAINS(encours_last_error(), "order_date");
  CHECK_STATUS(encours_terms_due_schedule_json(split, day(2024, 1, 15), NULL, 100, "EUR", NULL, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK(json == NULL);

  /* JSON round trip. */
  char *form = str_of(encours_terms_to_json, split);
  CHECK_STR(form, "{\"lines\":[{\"share\":\"30\",\"due\":{\"rule\":\"at_order\"}},"
                  "{\"share\":\"70\",\"due\":{\"rule\":\"net\",\"days\":60}}]}");
  encours_terms *back = NULL;
  CHECK_OK(encours_terms_from_json(form, form ? strlen(form) : 0, &back));
  char *form2 = str_of(encours_terms_to_json, back);
  CHECK_STR(form2, form ? form : "");
  encours_string_free(form);
  encours_string_free(form2);
  encours_terms_free(back);

  /* 2/10 net 30: due date, discount. */
  encours_terms *two_ten = NULL;
  CHECK_OK(encours_terms_parse("2/10 net 30", ENCOURS_EOM_DAYS_THEN_END_OF_MONTH, &two_ten));
  int32_t due = 0;
  CHECK_OK(encours_terms_due_date(two_ten, day(2024, 1, 15), &due));
  CHECK_INT(due, day(2024, 2, 14));
  json = NULL;
  CHECK_OK(encours_terms_early_payment_discount_json(two_ten, day(2024, 1, 15), 100000, "EUR", &json, NULL));
  CHECK_STR(json, "{\"deadline\":\"2024-01-25\",\"percent\":\"2\",\"amount\":{\"amount\":\"20.00\",\"currency\":"
                  "\"EUR\"},\"net_payable\":{\"amount\":\"980.00\",\"currency\":\"EUR\"}}");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_terms_early_payment_discount_json(split, day(2024, 1, 15), 100000, "EUR", &json, NULL));
  CHECK_STR(json, "null");
  encours_string_free(json);
  encours_terms_free(two_ten);

  /* The two readings of "45 jours fin de mois" (invoice 15 January 2024). */
  encours_terms *eom = NULL;
  CHECK_OK(encours_terms_parse("45 jours fin de mois", ENCOURS_EOM_DAYS_THEN_END_OF_MONTH, &eom));
  CHECK_OK(encours_terms_due_date(eom, day(2024, 1, 15), &due));
  CHECK_INT(due, day(2024, 2, 29));
  encours_terms_free(eom);
  eom = NULL;
  CHECK_OK(encours_terms_parse("45 jours fin de mois", ENCOURS_EOM_END_OF_MONTH_THEN_DAYS, &eom));
  CHECK_OK(encours_terms_due_date(eom, day(2024, 1, 15), &due));
  CHECK_INT(due, day(2024, 3, 16));
  CHECK_STATUS(encours_terms_due_date(eom, INT32_MAX, &due), ENCOURS_INVALID_DATE);
  encours_terms_free(eom);

  /* LME: net 60 complies, net 61 does not (1 day over the 60-day cap). */
  encours_terms *net61 = NULL;
  CHECK_OK(encours_terms_parse("net 61", ENCOURS_EOM_DAYS_THEN_END_OF_MONTH, &net61));
  json = NULL;
  CHECK_OK(encours_terms_lme_check_json(net61, day(2024, 1, 15), &json, NULL));
  CHECK_CONTAINS(json, "\"compliant\":false");
  CHECK_CONTAINS(json, "\"days_over\":1");
  CHECK_CONTAINS(json, "\"cap\":{\"cap\":\"sixty_days_from_invoice\"}");
  encours_string_free(json);
  encours_terms_free(net61);

  /* Bad input. */
  encours_terms *none = NULL;
  CHECK_STATUS(encours_terms_parse("net thirty", ENCOURS_EOM_DAYS_THEN_END_OF_MONTH, &none), ENCOURS_PARSE_ERROR);
  CHECK_STR(encours_last_error(),
            "invalid payment terms \"net thirty\": unexpected \"thirty\" at column 5, expected a whole number of days");
  CHECK_STATUS(encours_terms_parse("30% at order, 60% at 60 days", 0, &none), ENCOURS_TERMS_INVALID);
  CHECK_STR(encours_last_error(), "shares of payment terms sum to 90%: expected exactly 100%");
  CHECK_STATUS(encours_terms_parse("net 30", 2, &none), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_terms_parse("net \xff", 0, &none), ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_terms_parse(NULL, 0, &none), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_terms_parse("net 30", 0, NULL), ENCOURS_NULL_ARGUMENT);
  const char *bad_share = "{\"lines\":[{\"share\":\"90\",\"due\":{\"rule\":\"net\",\"days\":30}}]}";
  CHECK_STATUS(encours_terms_from_json(bad_share, strlen(bad_share), &none), ENCOURS_INVALID_JSON);
  CHECK_CONTAINS(encours_last_error(), "sum to 90%");
  CHECK_STATUS(encours_terms_from_json("{\"lines\":[", 10, &none), ENCOURS_INVALID_JSON);
  CHECK(none == NULL);
  CHECK_STATUS(encours_terms_due_date(NULL, 0, &due), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument terms is NULL");
  CHECK_STATUS(encours_terms_lme_check_json(split, 0, NULL, NULL), ENCOURS_NULL_ARGUMENT);

  /* Issue 11: split lines half up with the remainder on the last line due (1,000.03
   * EUR in quarters: 250.01 x 3 + 250.00), truncation on request (250.00 x 3 + 250.03). */
  encours_terms *quarters = NULL;
  CHECK_OK(encours_terms_parse("25% net 30, 25% net 60, 25% net 90, 25% net 120", 0, &quarters));
  json = NULL;
  CHECK_OK(encours_terms_due_schedule_with_json(quarters, day(2024, 1, 15), NULL, 100003, "EUR",
                                                ENCOURS_SPLIT_HALF_UP_REMAINDER_ON_LAST, &json, NULL));
  CHECK_CONTAINS(json, "\"due_date\":\"2024-02-14\",\"amount\":{\"amount\":\"250.01\"");
  CHECK_CONTAINS(json, "\"due_date\":\"2024-05-14\",\"amount\":{\"amount\":\"250.00\"");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_terms_due_schedule_with_json(quarters, day(2024, 1, 15), NULL, 100003, "EUR",
                                                ENCOURS_SPLIT_TRUNCATE_REMAINDER_ON_LAST, &json, NULL));
  CHECK_CONTAINS(json, "\"due_date\":\"2024-05-14\",\"amount\":{\"amount\":\"250.03\"");
  encours_string_free(json);
  json = NULL;
  CHECK_STATUS(encours_terms_due_schedule_with_json(quarters, day(2024, 1, 15), NULL, 100003, "EUR", 7, &json, NULL),
               ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument rounding 7");
  CHECK(json == NULL);
  encours_terms_free(quarters);

  /* The discount for a payment date and the cost of not taking it: 2/10 net 30 costs
   * 2/98 x 365/20 = 37.24 % a year (Brigham & Ehrhardt, cost of trade credit). */
  encours_terms *discounted = NULL;
  CHECK_OK(encours_terms_parse("2/10 net 30", 0, &discounted));
  json = NULL;
  CHECK_OK(encours_terms_discount_for_payment_json(discounted, day(2024, 1, 15), day(2024, 1, 25), 123456, "EUR", &json,
                                                   NULL));
  CHECK_CONTAINS(json, "\"applies\":true");
  CHECK_CONTAINS(json, "\"payable\":{\"amount\":\"1209.87\",\"currency\":\"EUR\"}");
  CHECK_CONTAINS(json, "\"annualised_cost\":\"37.2449\"");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_terms_discount_for_payment_json(discounted, day(2024, 1, 15), day(2024, 1, 26), 123456, "EUR", &json,
                                                   NULL));
  CHECK_CONTAINS(json, "\"applies\":false");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_terms_lme_check_json(discounted, day(2024, 1, 15), &json, NULL));
  CHECK_CONTAINS(json, "\"verdicts\":[{\"line_index\":0,\"cap\":{\"cap\":\"sixty_days_from_invoice\"}");
  encours_string_free(json);
  CHECK_STATUS(encours_terms_discount_for_payment_json(discounted, 0, 0, 1, "EUR", NULL, NULL), ENCOURS_NULL_ARGUMENT);
  encours_terms_free(discounted);

  /* Month rules clamp (31 January 2024 + 1 month = 29 February); payment days move the
   * due date to the next one (net 30 from 15 January = 14 February, paid on the 25th). */
  const char *monthly =
      "{\"lines\":[{\"share\":\"100\",\"due\":{\"rule\":\"months_after\",\"months\":1}}],\"payment_days\":[25]}";
  encours_terms *m = NULL;
  CHECK_OK(encours_terms_from_json(monthly, strlen(monthly), &m));
  int32_t due_m = 0;
  CHECK_OK(encours_terms_due_date(m, day(2024, 1, 31), &due_m));
  CHECK_INT(due_m, day(2024, 3, 25));
  CHECK_OK(encours_terms_due_date(m, day(2024, 1, 20), &due_m));
  CHECK_INT(due_m, day(2024, 2, 25));
  encours_terms_free(m);

  encours_terms_free(split);
  encours_terms_free(NULL);
  return finish();
}
