/* Credit limits and the order check from C: a recommended limit with its figures,
 * the credit index built from a ledger with limits, orders and a group, checks that
 * approve, warn and block with their reasons, the fast decision, events, options
 * (both ways), exposure by customer and group, limits in force, alerts, and holds
 * from a dunning history. */
#include "check.h"

/* G (EUR) heads S1 (USD). A owes 800.00 EUR due 2024-02-01 (38 days past due on
 * 2024-03-10); G owes 1,000.00 EUR not due; S1 owes 500.00 USD not due. */
static const char *LEDGER =
    "{\"customers\":[{\"id\":\"G\",\"name\":\"Group\",\"currency\":\"EUR\"},"
    "{\"id\":\"S1\",\"name\":\"Sub\",\"currency\":\"USD\",\"parent\":\"G\"},"
    "{\"id\":\"A\",\"name\":\"Alone\",\"currency\":\"EUR\",\"credit_limit\":{\"amount\":\"1000.00\",\"currency\":\"EUR\"}}],"
    "\"items\":["
    "{\"id\":\"FA\",\"customer_id\":\"A\",\"kind\":\"invoice\",\"issue_date\":\"2024-01-02\",\"due_date\":\"2024-02-01\",\"amount\":{\"amount\":\"800.00\",\"currency\":\"EUR\"}},"
    "{\"id\":\"FG\",\"customer_id\":\"G\",\"kind\":\"invoice\",\"issue_date\":\"2024-03-01\",\"due_date\":\"2024-04-01\",\"amount\":{\"amount\":\"1000.00\",\"currency\":\"EUR\"}},"
    "{\"id\":\"FS\",\"customer_id\":\"S1\",\"kind\":\"invoice\",\"issue_date\":\"2024-03-01\",\"due_date\":\"2024-04-01\",\"amount\":{\"amount\":\"500.00\",\"currency\":\"USD\"}}],"
    "\"payments\":[],\"applications\":[]}";

static const char *LIMITS =
    "{\"manual\":[{\"customer_id\":\"G\",\"amount\":{\"amount\":\"5000.00\",\"currency\":\"EUR\"}},"
    "{\"customer_id\":\"S1\",\"amount\":{\"amount\":\"5000.00\",\"currency\":\"USD\"},\"valid_until\":\"2024-03-20\"}],"
    "\"group\":[{\"group_id\":\"G\",\"amount\":{\"amount\":\"2000.00\",\"currency\":\"EUR\"}}]}";
static const char *RECORDS =
    "{\"orders\":[{\"id\":\"O1\",\"customer_id\":\"G\",\"amount\":{\"amount\":\"300.00\",\"currency\":\"EUR\"},"
    "\"order_date\":\"2024-03-05\",\"expected_on\":\"2024-06-01\"}]}";
static const char *FX = "{\"rates\":[{\"from\":\"USD\",\"to\":\"EUR\",\"rate\":\"0.9\"}]}";

static void recommendation(void) {
  const char *rules =
      "{\"rules\":[{\"share_of_tangible_net_worth\":{\"share\":\"0.1\"}},\"sales_over_period\"],"
      "\"combine\":\"min\",\"rounding_step\":\"1000\"}";
  const char *inputs =
      "{\"currency\":\"EUR\",\"tangible_net_worth\":\"800000\",\"expected_monthly_sales\":{\"amount\":\"30000.00\","
      "\"currency\":\"EUR\"},\"terms_days\":45,\"average_delay_days\":\"10\"}";
  char *out = NULL;
  /* 10 % of 800,000 = 80,000; 30,000 x (45 + 10) / 30 = 55,000: the minimum. */
  CHECK_OK(encours_limits_recommend_json(rules, strlen(rules), inputs, strlen(inputs), &out, NULL));
  CHECK_CONTAINS(out, "\"limit\":{\"amount\":\"55000.00\",\"currency\":\"EUR\"},\"set_by\":1");
  encours_string_free(out);
  const char *bad = "{\"rules\":[{\"share_of_working_capital\":{\"share\":\"2\"}}],\"combine\":\"min\",\"rounding_step\":\"1\"}";
  CHECK_STATUS(encours_limits_recommend_json(bad, strlen(bad), inputs, strlen(inputs), &out, NULL), ENCOURS_LIMIT_INVALID);
  CHECK(out == NULL);
  CHECK_STR(encours_last_error(), "invalid rules[0].share: 2 (between 0 and 1)");
}

static void check_orders(encours_credit_index *ix) {
  char *r = NULL;
  /* A: 800 + 150 = 950 within 1,000, but its invoice is 38 days past due: warn. */
  const char *warn = "{\"customer_id\":\"A\",\"amount\":{\"amount\":\"150.00\",\"currency\":\"EUR\"},\"date\":\"2024-03-10\"}";
  CHECK_OK(encours_credit_index_check_json(ix, warn, strlen(warn), &r, NULL));
  CHECK_CONTAINS(r, "\"decision\":\"warn\"");
  CHECK_CONTAINS(r, "{\"severity\":\"warn\",\"code\":\"overdue_days\",\"days\":38,\"maximum\":30}");
  encours_string_free(r);
  /* 800 + 200 = 1,000: exactly at the limit passes (with the overdue warning). */
  uint32_t d = 99;
  CHECK_OK(encours_credit_index_decide(ix, "A", "200", day(2024, 3, 10), &d));
  CHECK_INT(d, ENCOURS_DECISION_WARN);
  CHECK_OK(encours_credit_index_decide(ix, "A", "200.01", day(2024, 3, 10), &d));
  CHECK_INT(d, ENCOURS_DECISION_BLOCK);
  /* G: 1,000 + 300 order + 450 (500 USD) = 1,750 for the group; 300 more = 2,050 over 2,000. */
  const char *block = "{\"customer_id\":\"G\",\"amount\":{\"amount\":\"300.00\",\"currency\":\"EUR\"},\"date\":\"2024-03-10\"}";
  CHECK_OK(encours_credit_index_check_json(ix, block, strlen(block), &r, NULL));
  CHECK_CONTAINS(r, "\"decision\":\"block\"");
  CHECK_CONTAINS(r, "\"code\":\"over_group_limit\",\"group_id\":\"G\",\"exposure_after\":{\"amount\":\"2050.00\"");
  encours_string_free(r);
  /* Dynamic: the order O1 expected in June is outside a 30-day horizon: approve. */
  const char *dyn = "{\"horizon_days\":30}";
  CHECK_OK(encours_credit_index_set_options_json(ix, dyn, strlen(dyn)));
  CHECK_OK(encours_credit_index_decide(ix, "G", "300", day(2024, 3, 10), &d));
  CHECK_INT(d, ENCOURS_DECISION_APPROVE);
  /* Over the limit warns instead of blocking when configured so. */
  const char *soft = "{\"severities\":{\"over_group_limit\":\"warn\"}}";
  CHECK_OK(encours_credit_index_set_options_json(ix, soft, strlen(soft)));
  CHECK_OK(encours_credit_index_decide(ix, "G", "300", day(2024, 3, 10), &d));
  CHECK_INT(d, ENCOURS_DECISION_WARN);
  const char *bad = "{\"minimum_class\":\"Z\"}";
  CHECK_STATUS(encours_credit_index_set_options_json(ix, bad, strlen(bad)), ENCOURS_LIMIT_INVALID);
  CHECK_STR(encours_last_error(), "invalid minimum_class: \"Z\" (one of class_order: A, B, C, D, E)");
  const char *typo = "{\"equal_pases\":true}";
  CHECK_STATUS(encours_credit_index_set_options_json(ix, typo, strlen(typo)), ENCOURS_UNKNOWN_KEY);
  CHECK_CONTAINS(encours_last_error(), "did you mean \"equal_passes\"?");
  CHECK_OK(encours_credit_index_set_options_json(ix, "{}", 2));
  /* An override lets a blocked order through and says what it replaced. */
  const char *forced =
      "{\"customer_id\":\"G\",\"amount\":{\"amount\":\"300.00\",\"currency\":\"EUR\"},\"date\":\"2024-03-10\","
      "\"override_by\":{\"by\":\"jdupont\",\"reason\":\"prepaid\"}}";
  CHECK_OK(encours_credit_index_check_json(ix, forced, strlen(forced), &r, NULL));
  CHECK_CONTAINS(r, "\"decision\":\"approve\"");
  CHECK_CONTAINS(r, "\"overridden\":{\"by\":{\"by\":\"jdupont\",\"reason\":\"prepaid\"},\"replaced\":\"block\"}");
  encours_string_free(r);
  /* S1's own limit expired on 2024-03-20. */
  CHECK_OK(encours_credit_index_decide(ix, "S1", "1", day(2024, 3, 21), &d));
  CHECK_INT(d, ENCOURS_DECISION_BLOCK);
  CHECK_STATUS(encours_credit_index_decide(ix, "ZZ", "1", day(2024, 3, 21), &d), ENCOURS_NOT_FOUND);
  CHECK_STATUS(encours_credit_index_decide(ix, "A", "-1", day(2024, 3, 21), &d), ENCOURS_LIMIT_INVALID);
  CHECK_STATUS(encours_credit_index_decide(NULL, "A", "1", day(2024, 3, 21), &d), ENCOURS_NULL_ARGUMENT);
}

static void events_and_views(encours_credit_index *ix) {
  const char *pay = "{\"event\":\"payment_received\",\"id\":\"P1\",\"customer_id\":\"A\",\"date\":\"2024-03-10\","
                    "\"amount\":{\"amount\":\"800.00\",\"currency\":\"EUR\"}}";
  CHECK_OK(encours_credit_index_apply_json(ix, pay, strlen(pay)));
  const char *app = "{\"event\":\"applied\",\"source\":{\"payment\":\"P1\"},\"item_id\":\"FA\",\"date\":\"2024-03-10\","
                    "\"amount\":{\"amount\":\"800.00\",\"currency\":\"EUR\"},\"rule\":\"explicit\"}";
  CHECK_OK(encours_credit_index_apply_json(ix, app, strlen(app)));
  uint32_t d = 99;
  CHECK_OK(encours_credit_index_decide(ix, "A", "1000", day(2024, 3, 10), &d));
  CHECK_INT(d, ENCOURS_DECISION_APPROVE);
  CHECK_STATUS(encours_credit_index_apply_json(ix, app, strlen(app)), ENCOURS_NOT_FOUND);
  CHECK_CONTAINS(encours_last_error(), "unknown open item \"FA\"");
  const char *close = "{\"event\":\"order_closed\",\"order_id\":\"O1\"}";
  CHECK_OK(encours_credit_index_apply_json(ix, close, strlen(close)));

  char *e = NULL;
  CHECK_OK(encours_credit_index_exposure_json(ix, "S1", day(2024, 3, 10), 1, -1, &e, NULL));
  CHECK_CONTAINS(e, "\"customer_id\":\"G\"");
  CHECK_CONTAINS(e, "\"total\":{\"amount\":\"1450.00\",\"currency\":\"EUR\"}");
  encours_string_free(e);
  CHECK_OK(encours_credit_index_exposure_json(ix, "S1", day(2024, 3, 10), 0, -1, &e, NULL));
  CHECK_CONTAINS(e, "\"total\":{\"amount\":\"500.00\",\"currency\":\"USD\"}");
  encours_string_free(e);
  CHECK_OK(encours_credit_index_limits_json(ix, "A", day(2024, 3, 10), &e, NULL));
  CHECK_CONTAINS(e, "\"source\":\"ledger\"");
  encours_string_free(e);
  /* S1's limit ends within 30 days of 2024-03-10. */
  CHECK_OK(encours_credit_index_alerts_json(ix, NULL, 0, NULL, 0, day(2024, 3, 10), &e, NULL));
  CHECK_CONTAINS(e, "{\"customer_id\":\"S1\",\"alert\":\"limit_expiring\"");
  encours_string_free(e);
}

static void holds(const encours_ledger *l) {
  const char *config =
      "{\"scenarios\":[{\"id\":\"s\",\"steps\":[{\"id\":\"notice\",\"offset_days\":30,\"channel\":\"formal_notice\","
      "\"template\":\"formal_notice\",\"effects\":[\"block_orders\"]}]}],\"default_scenario\":\"s\"}";
  const char *history =
      "{\"entries\":[{\"action_id\":\"x\",\"date\":\"2024-03-02\",\"customer_id\":\"A\",\"kind\":\"step\","
      "\"scenario_id\":\"s\",\"step_id\":\"notice\",\"items\":[]}]}";
  char *h = NULL;
  size_t h_len = 0;
  CHECK_OK(encours_limits_holds_from_dunning_json(history, strlen(history), config, strlen(config), &h, &h_len));
  CHECK_CONTAINS(h, "\"customer_id\":\"A\",\"since\":\"2024-03-02\"");
  encours_credit_index *ix = NULL;
  CHECK_OK(encours_credit_index_build(l, NULL, 0, NULL, 0, h, h_len, NULL, 0, day(2024, 3, 10), &ix));
  uint32_t d = 99;
  CHECK_OK(encours_credit_index_decide(ix, "A", "1", day(2024, 3, 10), &d));
  CHECK_INT(d, ENCOURS_DECISION_BLOCK);
  encours_credit_index_free(ix);
  encours_string_free(h);
  /* Bad limits are refused naming the record and field; the handle stays NULL. */
  const char *bad = "{\"manual\":[{\"customer_id\":\"A\",\"amount\":{\"amount\":\"-5.00\",\"currency\":\"EUR\"}}]}";
  ix = (encours_credit_index *)1;
  CHECK_STATUS(encours_credit_index_build(l, NULL, 0, bad, strlen(bad), NULL, 0, NULL, 0, day(2024, 3, 10), &ix),
               ENCOURS_LIMIT_INVALID);
  CHECK(ix == NULL);
  CHECK_STR(encours_last_error(), "invalid manual[0].amount: -5.00 EUR (zero or more)");
}

int main(void) {
  recommendation();
  encours_ledger *l = NULL;
  CHECK_OK(encours_ledger_from_json(LEDGER, strlen(LEDGER), &l));
  if (l == NULL) return finish();
  encours_credit_index *ix = NULL;
  CHECK_OK(encours_credit_index_build(l, RECORDS, strlen(RECORDS), LIMITS, strlen(LIMITS), NULL, 0, FX, strlen(FX),
                                      day(2024, 3, 10), &ix));
  if (ix != NULL) {
    check_orders(ix);
    events_and_views(ix);
  }
  holds(l);
  encours_credit_index_free(ix);
  encours_credit_index_free(NULL);
  encours_ledger_free(l);
  return finish();
}
