/* Payment plans: the worked example (21,771.07 EUR, 25 % down, six monthly
 * instalments), validation of a plan given back, tracking with a late instalment and
 * a breach, rescheduling, profile and eligibility, and bad input named field by field. */
#include <stdlib.h>

#include "check.h"

/* Three invoices adding up to 21,771.07 EUR, and an invoice of another customer. */
static const char *LEDGER =
    "{\"customers\":[{\"id\":\"C1\",\"name\":\"Dupont SA\",\"currency\":\"EUR\"},"
    "{\"id\":\"C2\",\"name\":\"Martin SARL\",\"currency\":\"EUR\"}],"
    "\"items\":["
    "{\"id\":\"F-1\",\"customer_id\":\"C1\",\"kind\":\"invoice\",\"issue_date\":\"2024-09-15\",\"due_date\":\"2024-10-15\","
    "\"amount\":{\"amount\":\"8000.00\",\"currency\":\"EUR\"}},"
    "{\"id\":\"F-2\",\"customer_id\":\"C1\",\"kind\":\"invoice\",\"issue_date\":\"2024-10-16\",\"due_date\":\"2024-11-15\","
    "\"amount\":{\"amount\":\"6500.50\",\"currency\":\"EUR\"}},"
    "{\"id\":\"F-3\",\"customer_id\":\"C1\",\"kind\":\"invoice\",\"issue_date\":\"2024-11-15\",\"due_date\":\"2024-12-15\","
    "\"amount\":{\"amount\":\"7270.57\",\"currency\":\"EUR\"}},"
    "{\"id\":\"G-1\",\"customer_id\":\"C2\",\"kind\":\"invoice\",\"issue_date\":\"2024-09-01\",\"due_date\":\"2024-10-01\","
    "\"amount\":{\"amount\":\"500.00\",\"currency\":\"EUR\"}}]}";

static const char *TERMS =
    "{\"down_payment\":{\"percent\":\"25\"},\"instalments\":6,\"frequency\":\"monthly\","
    "\"first_date\":\"2025-01-31\",\"means\":\"bill_of_exchange\"}";

/* Down payment and first instalment paid; the second (28 February) unpaid. */
static const char *PAYMENTS =
    "[{\"date\":\"2025-01-15\",\"amount\":{\"amount\":\"5442.77\",\"currency\":\"EUR\"}},"
    "{\"date\":\"2025-01-31\",\"amount\":{\"amount\":\"2721.38\",\"currency\":\"EUR\"}}]";

static void propose_bad(const encours_ledger *l, const char *customer, const char *terms, encours_status expected,
                        const char *message) {
  char *out = (char *)l; /* any non-NULL value: a failed call clears it */
  CHECK_STATUS(encours_plan_propose_json(l, customer, "PL", day(2025, 1, 15), terms, strlen(terms), &out, NULL),
               expected);
  CHECK_CONTAINS(encours_last_error(), message);
  CHECK(out == NULL);
}

static void bad_input(const encours_ledger *l) {
  propose_bad(l, "C1", "{\"instalments\":0,\"first_date\":\"2025-01-31\"}", ENCOURS_PLAN_INVALID_TERMS,
              "invalid instalments: 0 (expected at least 1)");
  propose_bad(l, "C1", "{\"instalments\":2,\"first_date\":\"2025-01-31\",\"down_payment\":{\"amount\":\"30000.00\"}}",
              ENCOURS_PLAN_INVALID_TERMS,
              "invalid down_payment: 30000.00 EUR (expected less than the selected balance 21771.07 EUR");
  propose_bad(l, "C1", "{\"instalments\":2,\"first_date\":\"2025-01-31\",\"day_of_month\":32}",
              ENCOURS_PLAN_INVALID_TERMS, "invalid day_of_month: 32 (expected 1 to 31)");
  propose_bad(l, "C1", "{\"instalments\":24,\"first_date\":\"2025-01-31\",\"max_duration_days\":365}",
              ENCOURS_PLAN_INVALID_TERMS, "invalid max_duration_days: 365");
  propose_bad(l, "C1",
              "{\"instalments\":0,\"frequency\":\"custom\",\"custom_dates\":[\"2025-03-01\",\"2025-02-01\"]}",
              ENCOURS_PLAN_INVALID_TERMS, "invalid custom_dates[1]: 2025-02-01");
  propose_bad(l, "C1", "{\"instalments\":2,\"first_date\":\"2025-01-31\",\"selection\":{\"item_ids\":[\"F-9\"]}}",
              ENCOURS_NOT_FOUND, "unknown item \"F-9\" in selection.item_ids[0]");
  propose_bad(l, "C1", "{\"instalments\":2,\"first_date\":\"2025-01-31\",\"selection\":{\"item_ids\":[\"G-1\"]}}",
              ENCOURS_PLAN_FOREIGN_ITEM, "item \"G-1\" in selection.item_ids[0] belongs to customer \"C2\"");
  propose_bad(l, "C9", TERMS, ENCOURS_NOT_FOUND, "unknown customer \"C9\"");
  propose_bad(l, "C1", "{\"instalments\":2,\"frequncy\":\"weekly\"}", ENCOURS_UNKNOWN_KEY,
              "unknown key \"frequncy\" at the top level; did you mean \"frequency\"?");
  propose_bad(l, "C1", "{", ENCOURS_INVALID_JSON, "payment plan terms");
  char *out = NULL;
  CHECK_STATUS(encours_plan_propose_json(NULL, "C1", "PL", 0, TERMS, strlen(TERMS), &out, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_plan_propose_json(l, NULL, "PL", 0, TERMS, strlen(TERMS), &out, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_plan_propose_json(l, "C1", "PL", 0, TERMS, strlen(TERMS), NULL, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_plan_propose_json(l, "C1", "PL", INT32_MAX, TERMS, strlen(TERMS), &out, NULL),
               ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_plan_validate_json(l, NULL, 0), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_plan_profile_json(l, "C1", 0, 40000, &out, NULL), ENCOURS_PLAN_INVALID_TERMS);
  CHECK_CONTAINS(encours_last_error(), "invalid window_days: 40000");
  CHECK(out == NULL);
}

/* Replace the first occurrence of `from` by `to` (same length) in a copy of `s`. */
static char *replaced(const char *s, const char *from, const char *to) {
  size_t n = strlen(s);
  char *copy = malloc(n + 1);
  if (copy == NULL) return NULL;
  memcpy(copy, s, n + 1);
  char *at = strstr(copy, from);
  if (at != NULL) memcpy(at, to, strlen(to));
  return copy;
}

/* The dunning plan with the payment plan: on 10 March the 28 February instalment
 * (2,721.38 of F-2) is dunned, F-1 and F-3 are left out under the plan; on 31 March the
 * plan is breached and all three invoices are dunned for their open amounts. */
static void dunning(const encours_ledger *l, const char *plan, size_t plan_len) {
  static const char *CONFIG =
      "{\"scenarios\":[{\"id\":\"standard\",\"steps\":["
      "{\"id\":\"reminder\",\"offset_days\":5,\"channel\":\"email\",\"template\":\"reminder_1\"}"
      "]}],\"default_scenario\":\"standard\"}";
  encours_dunning_options *opts = NULL;
  CHECK_OK(encours_dunning_options_new(&opts));
  if (opts == NULL) return;
  char *t = NULL;
  CHECK_OK(encours_plan_track_json(l, plan, plan_len, PAYMENTS, strlen(PAYMENTS), NULL, 0, NULL, 0, day(2025, 3, 10),
                                   &t, NULL));
  size_t n = strlen(t) + 3;
  char *list = malloc(n);
  if (list == NULL) return;
  snprintf(list, n, "[%s]", t);
  CHECK_OK(encours_dunning_options_set_payment_plans_json(opts, list, strlen(list)));
  char *d = NULL;
  CHECK_OK(encours_dunning_plan_with_options_json(l, CONFIG, strlen(CONFIG), NULL, 0, opts, day(2025, 3, 10), &d,
                                                  NULL));
  CHECK_CONTAINS(d, "\"item_id\":\"F-2\"");
  CHECK_CONTAINS(d, "\"claimed\":{\"amount\":\"2721.38\",\"currency\":\"EUR\"}");
  CHECK_CONTAINS(d, "{\"customer_id\":\"C1\",\"item_id\":\"F-1\",\"step_id\":\"reminder\","
                    "\"reason\":\"under_payment_plan\",\"plan_id\":\"PL-1\",\"status\":\"in_arrears\"}");
  encours_string_free(d);
  /* A tracking of another day is refused when planning. */
  d = NULL;
  CHECK_STATUS(encours_dunning_plan_with_options_json(l, CONFIG, strlen(CONFIG), NULL, 0, opts, day(2025, 3, 11), &d,
                                                      NULL),
               ENCOURS_DUNNING_INVALID);
  CHECK_CONTAINS(encours_last_error(), "invalid payment_plans[0].as_of: 2025-03-10");
  encours_string_free(t);
  free(list);
  t = NULL;
  CHECK_OK(encours_plan_track_json(l, plan, plan_len, PAYMENTS, strlen(PAYMENTS), NULL, 0, NULL, 0, day(2025, 3, 31),
                                   &t, NULL));
  n = strlen(t) + 3;
  list = malloc(n);
  if (list == NULL) return;
  snprintf(list, n, "[%s]", t);
  CHECK_OK(encours_dunning_options_set_payment_plans_json(opts, list, strlen(list)));
  d = NULL;
  CHECK_OK(encours_dunning_plan_with_options_json(l, CONFIG, strlen(CONFIG), NULL, 0, opts, day(2025, 3, 31), &d,
                                                  NULL));
  CHECK_CONTAINS(d, "\"claimed\":{\"amount\":\"8000.00\",\"currency\":\"EUR\"}");
  CHECK_CONTAINS(d, "\"claimed\":{\"amount\":\"7270.57\",\"currency\":\"EUR\"}");
  CHECK_CONTAINS(d, "\"left_out\":[]");
  CHECK_STATUS(encours_dunning_options_set_payment_plans_json(opts, "[{}]", 4), ENCOURS_INVALID_JSON);
  encours_string_free(d);
  encours_string_free(t);
  free(list);
  encours_dunning_options_free(opts);
}

int main(void) {
  encours_ledger *l = NULL;
  CHECK_OK(encours_ledger_from_json(LEDGER, strlen(LEDGER), &l));
  if (l == NULL) return finish();

  /* The worked example: 25 % of 21,771.07 = 5,442.7675, half up 5,442.77; the
   * 16,328.30 left in six: 2,721.38 five times and 2,721.40 last. 31 January stepped
   * by months: 28 February, 31 March, 30 April, 31 May, 30 June. */
  char *plan = NULL;
  size_t plan_len = 0;
  CHECK_OK(encours_plan_propose_json(l, "C1", "PL-1", day(2025, 1, 15), TERMS, strlen(TERMS), &plan, &plan_len));
  CHECK(plan != NULL && plan_len == strlen(plan));
  CHECK_CONTAINS(plan, "\"total\":{\"amount\":\"21771.07\",\"currency\":\"EUR\"}");
  CHECK_CONTAINS(plan, "\"number\":0,\"kind\":\"down_payment\",\"scheduled_date\":\"2025-01-15\"");
  CHECK_CONTAINS(plan, "\"amount\":{\"amount\":\"5442.77\",\"currency\":\"EUR\"},\"means\":\"bill_of_exchange\"");
  CHECK_CONTAINS(plan, "\"number\":2,\"kind\":\"instalment\",\"scheduled_date\":\"2025-02-28\"");
  CHECK_CONTAINS(plan, "\"number\":6,\"kind\":\"instalment\",\"scheduled_date\":\"2025-06-30\"");
  CHECK_CONTAINS(plan, "\"amount\":{\"amount\":\"2721.40\",\"currency\":\"EUR\"}");
  /* Instalment 1 settles the rest of F-1 and starts F-2 (oldest first). */
  CHECK_CONTAINS(plan, "\"allocations\":[{\"item_id\":\"F-1\",\"amount\":{\"amount\":\"2557.23\",\"currency\":\"EUR\"}},"
                       "{\"item_id\":\"F-2\",\"amount\":{\"amount\":\"164.15\",\"currency\":\"EUR\"}}]");

  /* Given back: checked. */
  CHECK_OK(encours_plan_validate_json(l, plan, plan_len));
  char *tampered = replaced(plan, "\"2721.40\"", "\"2721.41\"");
  CHECK_STATUS(encours_plan_validate_json(l, tampered, strlen(tampered)), ENCOURS_PLAN_INVALID);
  /* The first 2721.40 is the principal: the amount no longer adds up. */
  CHECK_CONTAINS(encours_last_error(), "invalid payment plan \"PL-1\": instalments[6].amount 2721.40 EUR is not principal + interest + fees = 2721.41 EUR");
  free(tampered);

  /* Tracked on 3 March: instalment 2 is 3 days late, an alert, the plan in arrears. */
  char *t = NULL;
  CHECK_OK(encours_plan_track_json(l, plan, plan_len, PAYMENTS, strlen(PAYMENTS), NULL, 0, NULL, 0, day(2025, 3, 3),
                                   &t, NULL));
  CHECK_CONTAINS(t, "\"status\":\"in_arrears\"");
  CHECK_CONTAINS(t, "{\"alert\":\"instalment_late\",\"instalment\":2,\"due_date\":\"2025-02-28\",\"days_late\":3,"
                    "\"outstanding\":{\"amount\":\"2721.38\",\"currency\":\"EUR\"}}");
  CHECK_CONTAINS(t, "\"paid\":{\"amount\":\"8164.15\",\"currency\":\"EUR\"}");
  encours_string_free(t);
  /* 31 days late on 31 March: breached (30 days allowed by default). */
  t = NULL;
  CHECK_OK(encours_plan_track_json(l, plan, plan_len, PAYMENTS, strlen(PAYMENTS), NULL, 0, NULL, 0, day(2025, 3, 31),
                                   &t, NULL));
  CHECK_CONTAINS(t, "\"status\":\"breached\",\"breached_on\":\"2025-03-31\"");
  CHECK_CONTAINS(t, "\"breach_reason\":{\"reason\":\"late_beyond_delay\",\"instalment\":2,\"breach_after_days\":30}");

  /* Rescheduling what remains: 13,606.92 EUR, linked to PL-1. */
  const char *again_terms = "{\"instalments\":10,\"first_date\":\"2025-04-30\"}";
  char *again = NULL;
  CHECK_OK(encours_plan_reschedule_json(l, plan, plan_len, t, strlen(t), "PL-2", day(2025, 4, 1), again_terms,
                                        strlen(again_terms), &again, NULL));
  CHECK_CONTAINS(again, "\"rescheduled_from\":\"PL-1\"");
  CHECK_CONTAINS(again, "\"principal\":{\"amount\":\"13606.92\",\"currency\":\"EUR\"}");
  encours_string_free(again);
  encours_string_free(t);

  /* A bounced bill is an alert; a stricter rule set is read from JSON; bad rules and
   * bad payments name the field. */
  const char *bounced = "[{\"instalment\":1,\"date\":\"2025-02-03\",\"reason\":\"insufficient funds\"}]";
  const char *rules = "{\"warn_after_days\":1}";
  t = NULL;
  CHECK_OK(encours_plan_track_json(l, plan, plan_len, PAYMENTS, strlen(PAYMENTS), bounced, strlen(bounced), rules,
                                   strlen(rules), day(2025, 3, 1), &t, NULL));
  CHECK_CONTAINS(t, "{\"alert\":\"bounced_bill\",\"instalment\":1,\"date\":\"2025-02-03\",\"reason\":\"insufficient funds\"}");
  CHECK_CONTAINS(t, "\"days_late\":1");
  encours_string_free(t);
  t = NULL;
  const char *bad_rules = "{\"warn_days\":1}";
  CHECK_STATUS(encours_plan_track_json(l, plan, plan_len, NULL, 0, NULL, 0, bad_rules, strlen(bad_rules),
                                       day(2025, 3, 1), &t, NULL),
               ENCOURS_UNKNOWN_KEY);
  CHECK_CONTAINS(encours_last_error(), "unknown key \"warn_days\" at the top level; did you mean \"warn_after_days\"?");
  const char *usd = "[{\"date\":\"2025-01-15\",\"amount\":{\"amount\":\"10.00\",\"currency\":\"USD\"}}]";
  CHECK_STATUS(encours_plan_track_json(l, plan, plan_len, usd, strlen(usd), NULL, 0, NULL, 0, day(2025, 3, 1), &t,
                                       NULL),
               ENCOURS_PLAN_INVALID_TERMS);
  CHECK_CONTAINS(encours_last_error(), "invalid payments[0].amount: 10.00 USD");
  CHECK(t == NULL);

  /* Payments read from the ledger: none applied yet. */
  char *from_ledger = NULL;
  CHECK_OK(encours_plan_payments_from_ledger_json(l, plan, plan_len, day(2025, 3, 1), &from_ledger, NULL));
  CHECK_STR(from_ledger, "[]");
  encours_string_free(from_ledger);

  /* Profile and eligibility: 25 % down is above the default 20 %; with a minimum of
   * 30 % and class E refused, two refusals with their figures. */
  char *profile = NULL;
  CHECK_OK(encours_plan_profile_json(l, "C1", day(2025, 1, 15), 365, &profile, NULL));
  CHECK_CONTAINS(profile, "\"overdue\":{\"amount\":\"21771.07\",\"currency\":\"EUR\"},\"oldest_overdue_days\":92");
  char *e = NULL;
  CHECK_OK(encours_plan_assess_json(profile, strlen(profile), "B", plan, plan_len, NULL, 0, &e, NULL));
  CHECK_CONTAINS(e, "\"eligible\":true");
  encours_string_free(e);
  e = NULL;
  const char *strict = "{\"min_down_payment_percent\":\"30\",\"refused_risk_classes\":[\"E\"]}";
  CHECK_OK(encours_plan_assess_json(profile, strlen(profile), "E", plan, plan_len, strict, strlen(strict), &e, NULL));
  CHECK_CONTAINS(e, "\"eligible\":false");
  CHECK_CONTAINS(e, "{\"code\":\"risk_class_refused\",\"risk_class\":\"E\"}");
  CHECK_CONTAINS(e, "{\"code\":\"down_payment_below_minimum\",\"percent\":\"25\",\"minimum\":\"30\"}");
  encours_string_free(e);
  encours_string_free(profile);

  dunning(l, plan, plan_len);
  bad_input(l);
  encours_string_free(plan);
  encours_ledger_free(l);
  return finish();
}
