/* Late-payment interest and recovery indemnities. Figures are the core's published
 * examples: France (L441-10, ECB 4.50 % on 1 Jan 2024 + 10) and Germany (§ 288 BGB,
 * base rate 3.37 % then 2.27 % + 9). */
#include "check.h"

int main(void) {
  char *json = NULL;
  size_t len = 0;

  /* Due 1 Feb 2024, paid 2 Mar 2024: 30 days at 14.50 % on 1000.00 EUR = 11.92 EUR. */
  CHECK_OK(encours_interest_statutory_json(ENCOURS_JURISDICTION_FRANCE, 100000, "EUR", day(2024, 2, 1),
                                           day(2024, 3, 2), &json, &len));
  CHECK_CONTAINS(json, "\"days\":30");
  CHECK_CONTAINS(json, "\"rate\":\"14.50\"");
  CHECK_CONTAINS(json, "\"total\":{\"amount\":\"11.92\",\"currency\":\"EUR\"}");
  CHECK_INT(len, json ? strlen(json) : 0);
  encours_string_free(json);

  /* Germany: due 30 Nov 2024, paid 10 Mar 2025 on 5000.00 EUR = 159.05 EUR. */
  const char *rule = "{\"rate\":{\"kind\":\"statutory\",\"jurisdiction\":\"germany\"}}";
  json = NULL;
  CHECK_OK(encours_interest_compute_json(500000, "EUR", day(2024, 11, 30), day(2025, 3, 10), rule,
                                         strlen(rule), NULL, 0, &json, NULL));
  CHECK_CONTAINS(json, "\"days\":100");
  CHECK_CONTAINS(json, "\"total\":{\"amount\":\"159.05\",\"currency\":\"EUR\"}");
  encours_string_free(json);

  /* A contractual fixed rate: 1000.00 at 12 % for 30 days, actual/360 = 10.00. */
  const char *fixed = "{\"rate\":{\"kind\":\"fixed\",\"rate\":\"12\"},\"day_count\":\"actual360\"}";
  json = NULL;
  CHECK_OK(encours_interest_compute_json(100000, "EUR", day(2024, 2, 1), day(2024, 3, 2), fixed,
                                         strlen(fixed), NULL, 0, &json, NULL));
  CHECK_CONTAINS(json, "\"total\":{\"amount\":\"10.00\",\"currency\":\"EUR\"}");
  encours_string_free(json);

  /* Paid on time: zero. */
  json = NULL;
  CHECK_OK(encours_interest_statutory_json(ENCOURS_JURISDICTION_GERMANY, 100000, "EUR", day(2024, 2, 1),
                                           day(2024, 2, 1), &json, NULL));
  CHECK_CONTAINS(json, "\"total\":{\"amount\":\"0.00\",\"currency\":\"EUR\"}");
  encours_string_free(json);

  /* Caller tables: the built-in ones round-trip through JSON; an empty list has none. */
  char *tables = NULL;
  size_t tables_len = 0;
  CHECK_OK(encours_interest_builtin_rate_tables_json(&tables, &tables_len));
  CHECK_CONTAINS(tables, "\"ECB MRO\"");
  json = NULL;
  CHECK_OK(encours_interest_compute_json(500000, "EUR", day(2024, 11, 30), day(2025, 3, 10), rule,
                                         strlen(rule), tables, tables_len, &json, NULL));
  CHECK_CONTAINS(json, "\"amount\":\"159.05\"");
  encours_string_free(json);
  encours_string_free(tables);
  json = NULL;
  CHECK_STATUS(encours_interest_compute_json(500000, "EUR", day(2024, 11, 30), day(2025, 3, 10), rule,
                                             strlen(rule), "[]", 2, &json, NULL),
               ENCOURS_RATE_UNAVAILABLE);
  CHECK_CONTAINS(encours_last_error(), "unknown rate table \"Bundesbank Basiszinssatz\"");
  /* Far in the future the built-in tables are not verified: an error, not a stale rate. */
  CHECK_STATUS(encours_interest_statutory_json(ENCOURS_JURISDICTION_FRANCE, 100000, "EUR", day(2090, 1, 1),
                                               day(2090, 3, 1), &json, NULL),
               ENCOURS_RATE_UNAVAILABLE);
  CHECK_CONTAINS(encours_last_error(), "is not verified for");
  CHECK(json == NULL);

  /* Bad input. */
  CHECK_STATUS(encours_interest_statutory_json(4, 100000, "EUR", 0, 10, &json, NULL), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_interest_statutory_json(0, -1, "EUR", day(2024, 2, 1), day(2024, 3, 2), &json, NULL),
               ENCOURS_INVALID_AMOUNT);
  CHECK_STATUS(encours_interest_statutory_json(0, 1, "EUX", 0, 10, &json, NULL), ENCOURS_UNKNOWN_CURRENCY);
  CHECK_STATUS(encours_interest_statutory_json(0, 1, "EUR", INT32_MAX, 10, &json, NULL), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_interest_statutory_json(0, 1, "EUR", 0, 10, NULL, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_interest_compute_json(1, "EUR", 0, 10, "{\"rate\":", 8, NULL, 0, &json, NULL),
               ENCOURS_INVALID_JSON);
  const char *negative = "{\"rate\":{\"kind\":\"fixed\",\"rate\":\"-1\"}}";
  CHECK_STATUS(encours_interest_compute_json(100000, "EUR", day(2024, 2, 1), day(2024, 3, 2), negative,
                                             strlen(negative), NULL, 0, &json, NULL),
               ENCOURS_INTEREST_INVALID);
  CHECK_STATUS(encours_interest_compute_json(1, "EUR", 0, 10, "\xff", 1, NULL, 0, &json, NULL),
               ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_interest_compute_json(1, "EUR", 0, 10, NULL, 0, NULL, 0, &json, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_interest_compute_json(1, "EUR", 0, 10, rule, strlen(rule), "[", 1, &json, NULL),
               ENCOURS_INVALID_JSON);
  CHECK(json == NULL);

  /* Recovery indemnities: 40 EUR flat; 40/70/100 GBP by debt size. */
  encours_money m = {0, 0, ""};
  CHECK_OK(encours_interest_recovery_indemnity(ENCOURS_JURISDICTION_FRANCE, 1, "EUR", &m));
  CHECK_INT(m.minor, 4000);
  CHECK_STR(m.currency, "EUR");
  CHECK_OK(encours_interest_recovery_indemnity(ENCOURS_JURISDICTION_UNITED_KINGDOM, 99999, "GBP", &m));
  CHECK_INT(m.minor, 4000);
  CHECK_OK(encours_interest_recovery_indemnity(ENCOURS_JURISDICTION_UNITED_KINGDOM, 100000, "GBP", &m));
  CHECK_INT(m.minor, 7000);
  CHECK_OK(encours_interest_recovery_indemnity(ENCOURS_JURISDICTION_UNITED_KINGDOM, 1000000, "GBP", &m));
  CHECK_INT(m.minor, 10000);
  CHECK_STR(m.currency, "GBP");
  CHECK_STATUS(encours_interest_recovery_indemnity(ENCOURS_JURISDICTION_FRANCE, 100, "USD", &m),
               ENCOURS_CURRENCY_MISMATCH);
  CHECK_CONTAINS(encours_last_error(), "the debt is in USD");
  CHECK_STATUS(encours_interest_recovery_indemnity(ENCOURS_JURISDICTION_GERMANY, 0, "EUR", &m),
               ENCOURS_INVALID_AMOUNT);
  CHECK_STATUS(encours_interest_recovery_indemnity(17, 100, "EUR", &m), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_interest_recovery_indemnity(0, 100, "EUR", NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_INT(m.minor, 10000);

  return finish();
}
