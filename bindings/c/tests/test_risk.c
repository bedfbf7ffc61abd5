/* Risk scoring from C: features for the whole ledger and one customer, the default
 * and a custom scorecard (contributions adding up to the score), bad scorecards
 * refused naming the field, migrations, statements with the Altman scores (a
 * published worked example), and provider scales. */
#include <stdlib.h>

#include "check.h"

/* C1 owes F1 (100.00 EUR, due 2024-01-31), unpaid; C2 owes nothing. */
static const char *LEDGER =
    "{\"customers\":[{\"id\":\"C1\",\"name\":\"Dupont\",\"currency\":\"EUR\"},"
    "{\"id\":\"C2\",\"name\":\"Martin\",\"currency\":\"EUR\"}],"
    "\"items\":[{\"id\":\"F1\",\"customer_id\":\"C1\",\"kind\":\"invoice\",\"issue_date\":\"2024-01-01\","
    "\"due_date\":\"2024-01-31\",\"amount\":{\"amount\":\"100.00\",\"currency\":\"EUR\"}}],"
    "\"payments\":[],\"applications\":[]}";

static void features_and_scores(const encours_ledger *l) {
  char *table = NULL;
  size_t table_len = 0;
  CHECK_OK(encours_risk_feature_table_json(l, NULL, 0, NULL, 0, day(2024, 6, 30), &table, &table_len));
  CHECK_CONTAINS(table, "\"customer_id\":\"C1\"");
  /* 100.00 EUR is 151 days past due on 2024-06-30: all of it over 90 days. */
  CHECK_CONTAINS(table, "\"over_90_share\":\"1\"");
  CHECK_CONTAINS(table, "\"worst_delay_days\":151");

  encours_scorecard *card = NULL;
  CHECK_OK(encours_scorecard_default(&card));
  char *scores = NULL;
  size_t scores_len = 0;
  CHECK_OK(encours_scorecard_score_json(card, table, table_len, &scores, &scores_len));
  /* Default scorecard, missing values at their stated points: 12 + 10.5 + 7 + 0 + 0 +
   * 5 + 5 + 4 + 3.5 + 2.5 = 49.50, class D (35 to 50). */
  CHECK_CONTAINS(scores, "\"score\":\"49.50\",\"class\":\"D\"");
  /* C2: nothing owed, nothing paid. */
  CHECK_CONTAINS(scores, "\"customer_id\":\"C2\"");

  /* One customer alone, then scored and compared with an earlier date. */
  char *one = NULL;
  size_t one_len = 0;
  CHECK_OK(encours_risk_customer_features_json(l, "C1", NULL, 0, NULL, 0, day(2024, 1, 15), &one, &one_len));
  char *early = NULL;
  size_t early_len = 0;
  CHECK_OK(encours_scorecard_score_json(card, one, one_len, &early, &early_len));
  /* Not yet due on 2024-01-15: 72.50, class B (missing values at their stated points). */
  CHECK_CONTAINS(early, "\"score\":\"72.50\",\"class\":\"B\"");
  /* Strip the array brackets of both to get the score objects. */
  if (early != NULL && scores != NULL) {
    char *before = early + 1;
    early[early_len - 1] = '\0';
    const char *c2 = strstr(scores, ",{\"customer_id\":\"C2\"");
    size_t after_len = c2 != NULL ? (size_t)(c2 - scores - 1) : 0;
    char *m = NULL;
    CHECK_OK(encours_risk_migration_json(before, early_len - 2, scores + 1, after_len, &m, NULL));
    CHECK_CONTAINS(m, "\"direction\":\"downgrade\"");
    CHECK_CONTAINS(m, "\"factor\":\"overdue_share\"");
    encours_string_free(m);
    early[early_len - 1] = ']';
  }
  char *none = (char *)"stale";
  CHECK_STATUS(encours_risk_customer_features_json(l, "C9", NULL, 0, NULL, 0, day(2024, 1, 15), &none, NULL),
               ENCOURS_NOT_FOUND);
  CHECK(none == NULL); /* cleared first: a failed call leaves no stale pointer */
  CHECK_CONTAINS(encours_last_error(), "unknown customer \"C9\"");

  /* Bad feature settings name the field. */
  const char *bad_config = "{\"short_window_days\":400}";
  char *t2 = NULL;
  CHECK_STATUS(encours_risk_feature_table_json(l, bad_config, strlen(bad_config), NULL, 0, day(2024, 6, 30), &t2, NULL),
               ENCOURS_RISK_INVALID);
  CHECK_STR(encours_last_error(), "invalid short_window_days: 400 (between 1 and long_window_days 365)");
  const char *unknown = "{\"short_windows\":4}";
  CHECK_STATUS(encours_risk_feature_table_json(l, unknown, strlen(unknown), NULL, 0, day(2024, 6, 30), &t2, NULL),
               ENCOURS_UNKNOWN_KEY);
  CHECK_CONTAINS(encours_last_error(), "unknown key \"short_windows\" at the top level; did you mean \"short_window_days\"?");

  char *card_json = NULL;
  CHECK_OK(encours_scorecard_to_json(card, &card_json, NULL));
  CHECK_CONTAINS(card_json, "\"name\":\"encours default\"");
  encours_string_free(card_json);

  encours_string_free(table);
  encours_string_free(scores);
  encours_string_free(one);
  encours_string_free(early);
  encours_scorecard_free(card);
}

static void custom_scorecards(const encours_ledger *l) {
  const char *ok =
      "{\"name\":\"mine\",\"factors\":["
      "{\"factor\":\"overdue_share\",\"weight\":\"0.6\",\"missing\":\"100\",\"bins\":[{\"to\":\"0.1\",\"points\":\"100\"},{\"from\":\"0.1\",\"points\":\"0\"}]},"
      "{\"factor\":\"payment_index\",\"weight\":\"0.4\",\"missing\":\"50\",\"linear\":{\"from\":\"20\",\"from_points\":\"0\",\"to\":\"80\",\"to_points\":\"100\"}}],"
      "\"classes\":[{\"name\":\"low\",\"min_score\":\"60\"},{\"name\":\"high\",\"min_score\":\"0\"}]}";
  encours_scorecard *card = NULL;
  CHECK_OK(encours_scorecard_from_json(ok, strlen(ok), &card));
  char *f = NULL;
  size_t f_len = 0;
  CHECK_OK(encours_risk_customer_features_json(l, "C1", NULL, 0, NULL, 0, day(2024, 6, 30), &f, &f_len));
  char *s = NULL;
  CHECK_OK(encours_scorecard_score_json(card, f, f_len, &s, NULL));
  /* Overdue share 1: 0 points; payment index missing: 50 × 0.4 = 20.00. */
  CHECK_CONTAINS(s, "\"score\":\"20.00\",\"class\":\"high\"");
  CHECK_CONTAINS(s, "\"contribution\":\"20.00\"");
  encours_string_free(s);
  encours_string_free(f);
  encours_scorecard_free(card);

  const char *weights = "{\"factors\":[{\"factor\":\"overdue_share\",\"weight\":\"0.5\",\"missing\":\"0\",\"bins\":[{\"points\":\"1\"}]}]}";
  card = (encours_scorecard *)1;
  CHECK_STATUS(encours_scorecard_from_json(weights, strlen(weights), &card), ENCOURS_RISK_INVALID);
  CHECK(card == NULL);
  CHECK_STR(encours_last_error(), "invalid factors: weights add up to 0.5 (weights adding up to exactly 1)");
  const char *overlap =
      "{\"factors\":[{\"factor\":\"overdue_share\",\"weight\":\"1\",\"missing\":\"0\",\"bins\":[{\"to\":\"0.5\",\"points\":\"1\"},"
      "{\"from\":\"0.4\",\"points\":\"0\"}]}]}";
  CHECK_STATUS(encours_scorecard_from_json(overlap, strlen(overlap), &card), ENCOURS_RISK_INVALID);
  CHECK_CONTAINS(encours_last_error(), "invalid factors[0].bins[1].from: 0.4");
  const char *factor = "{\"factors\":[{\"factor\":\"shoe_size\",\"weight\":\"1\",\"missing\":\"0\",\"bins\":[{\"points\":\"1\"}]}]}";
  CHECK_STATUS(encours_scorecard_from_json(factor, strlen(factor), &card), ENCOURS_UNKNOWN_KEY);
  CHECK_CONTAINS(encours_last_error(), "unknown value \"shoe_size\" at \"factors[0].factor\"");
  CHECK_STATUS(encours_scorecard_from_json(NULL, 0, &card), ENCOURS_NULL_ARGUMENT);
  encours_scorecard_free(NULL);
}

static void statements_and_scales(void) {
  /* Published worked example (numerade.com, solution by Emilio Guzman): working
   * capital 5,100, retained earnings 16,900, EBIT 8,800, total assets 72,000, equity
   * 27,000, total liabilities 66,000, sales 72,000: Z = 2.062 (grey zone). */
  const char *st =
      "{\"customer_id\":\"C1\",\"period_end\":\"2023-12-31\",\"currency\":\"USD\",\"total_assets\":\"72000\","
      "\"current_assets\":\"20100\",\"current_liabilities\":\"15000\",\"total_liabilities\":\"66000\","
      "\"retained_earnings\":\"16900\",\"ebit\":\"8800\",\"market_value_equity\":\"27000\",\"sales\":\"72000\"}";
  char *out = NULL;
  CHECK_OK(encours_risk_statement_json(st, strlen(st), ENCOURS_ALTMAN_Z, &out, NULL));
  CHECK_CONTAINS(out, "\"score\":\"2.0624\",\"zone\":\"grey\"");
  CHECK_CONTAINS(out, "\"working_capital\":\"5100\"");
  CHECK_CONTAINS(out, "\"current\":\"1.34\"");
  encours_string_free(out);
  /* Z' needs the book equity, which this statement lacks: no score, said as null. */
  CHECK_OK(encours_risk_statement_json(st, strlen(st), ENCOURS_ALTMAN_Z_PRIME, &out, NULL));
  CHECK_CONTAINS(out, "\"altman\":null");
  encours_string_free(out);
  CHECK_STATUS(encours_risk_statement_json(st, strlen(st), 7, &out, NULL), ENCOURS_INVALID_ARGUMENT);
  const char *neg = "{\"customer_id\":\"C1\",\"period_end\":\"2023-12-31\",\"currency\":\"USD\",\"total_assets\":\"-1\"}";
  CHECK_STATUS(encours_risk_statement_json(neg, strlen(neg), ENCOURS_ALTMAN_Z_DOUBLE_PRIME, &out, NULL),
               ENCOURS_RISK_INVALID);
  CHECK_STR(encours_last_error(), "invalid total_assets of the statement of \"C1\" for 2023-12-31: -1 (zero or more)");

  const char *scale = "{\"provider\":\"Acme\",\"min\":\"1\",\"max\":\"10\",\"higher_is_better\":false}";
  char buf[32];
  size_t n = 0;
  CHECK_OK(encours_risk_normalise_score(scale, strlen(scale), "4", buf, sizeof buf, &n));
  CHECK_STR(buf, "66.67");
  CHECK_STATUS(encours_risk_normalise_score(scale, strlen(scale), "4", buf, 3, &n), ENCOURS_INSUFFICIENT_SIZE);
  CHECK_INT(n, 5);
  CHECK_STATUS(encours_risk_normalise_score(scale, strlen(scale), "11", buf, sizeof buf, &n), ENCOURS_RISK_INVALID);
  CHECK_CONTAINS(encours_last_error(), "a score between 1 and 10");
  CHECK_STATUS(encours_risk_normalise_score(scale, strlen(scale), "4.x", buf, sizeof buf, &n), ENCOURS_INVALID_AMOUNT);
}

int main(void) {
  encours_ledger *l = NULL;
  CHECK_OK(encours_ledger_from_json(LEDGER, strlen(LEDGER), &l));
  if (l == NULL) return finish();
  features_and_scores(l);
  custom_scorecards(l);
  statements_and_scales();
  encours_ledger_free(l);
  return finish();
}
