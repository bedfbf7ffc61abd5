/* The daily dunning plan: one reminder when it falls due, nothing more once it is
 * recorded, and bad configurations refused with their reason. */
#include "check.h"

static const char *CONFIG =
    "{\"scenarios\":[{\"id\":\"standard\",\"steps\":["
    "{\"id\":\"reminder\",\"offset_days\":5,\"channel\":\"email\",\"template\":\"reminder_1\"},"
    "{\"id\":\"formal_notice\",\"offset_days\":30,\"channel\":\"formal_notice\",\"template\":\"formal_notice\"}"
    "]}],\"default_scenario\":\"standard\"}";

int main(void) {
  encours_customer_rec c = {.id = "C1", .name = "Dupont SA", .currency = "EUR"};
  encours_item_rec f = {.id = "F-1", .customer_id = "C1", .kind = ENCOURS_ITEM_INVOICE,
                        .issue_date = day(2024, 1, 2), .due_date = day(2024, 2, 1),
                        .amount_minor = 120000, .currency = "EUR"};
  encours_ledger *l = NULL;
  CHECK_OK(encours_ledger_from_records(&c, 1, &f, 1, NULL, 0, NULL, 0, &l));
  if (l == NULL) return finish();

  /* Before the trigger: nothing. */
  char *plan = NULL;
  size_t plan_len = 0;
  CHECK_OK(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), NULL, 0, NULL, 0, day(2024, 2, 5), &plan, &plan_len));
  CHECK_CONTAINS(plan, "\"actions\":[]");
  encours_string_free(plan);

  /* Due + 5 days: the reminder. */
  plan = NULL;
  CHECK_OK(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), NULL, 0, NULL, 0, day(2024, 2, 6), &plan, &plan_len));
  CHECK_CONTAINS(plan, "\"as_of\":\"2024-02-06\"");
  CHECK_CONTAINS(plan, "\"step_id\":\"reminder\"");
  CHECK_CONTAINS(plan, "\"item_id\":\"F-1\"");

  /* Recorded, the same day again proposes nothing. */
  char *history = NULL;
  size_t history_len = 0;
  CHECK_OK(encours_dunning_history_record_json(NULL, 0, plan, plan_len, &history, &history_len));
  CHECK_CONTAINS(history, "\"entries\":[{");
  encours_string_free(plan);
  plan = NULL;
  CHECK_OK(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), history, history_len, NULL, 0, day(2024, 2, 6),
                                     &plan, NULL));
  CHECK_CONTAINS(plan, "\"actions\":[]");
  encours_string_free(plan);

  /* A promise to pay holds the formal notice back. */
  const char *promises =
      "[{\"id\":\"PR-1\",\"customer_id\":\"C1\",\"amount\":{\"amount\":\"1200.00\",\"currency\":\"EUR\"},"
      "\"promised_date\":\"2024-03-10\",\"made_on\":\"2024-03-01\"}]";
  plan = NULL;
  CHECK_OK(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), history, history_len, promises, strlen(promises),
                                     day(2024, 3, 2), &plan, NULL));
  CHECK_CONTAINS(plan, "\"actions\":[]");
  CHECK_CONTAINS(plan, "\"left_out\":[{");
  encours_string_free(plan);
  plan = NULL;
  CHECK_OK(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), history, history_len, NULL, 0, day(2024, 3, 2),
                                     &plan, NULL));
  CHECK_CONTAINS(plan, "\"step_id\":\"formal_notice\"");
  encours_string_free(plan);
  encours_string_free(history);

  /* Bad input. */
  plan = NULL;
  const char *out_of_order =
      "{\"scenarios\":[{\"id\":\"s\",\"steps\":["
      "{\"id\":\"late\",\"offset_days\":30,\"channel\":\"letter\",\"template\":\"t\"},"
      "{\"id\":\"early\",\"offset_days\":10,\"channel\":\"email\",\"template\":\"t\"}]}],\"default_scenario\":\"s\"}";
  CHECK_STATUS(encours_dunning_plan_json(l, out_of_order, strlen(out_of_order), NULL, 0, NULL, 0, 0, &plan, NULL),
               ENCOURS_INVALID_JSON);
  CHECK_CONTAINS(encours_last_error(), "steps out of order");
  const char *bad_channel =
      "{\"scenarios\":[{\"id\":\"s\",\"steps\":[{\"id\":\"r\",\"offset_days\":1,\"channel\":\"pigeon\","
      "\"template\":\"t\"}]}],\"default_scenario\":\"s\"}";
  CHECK_STATUS(encours_dunning_plan_json(l, bad_channel, strlen(bad_channel), NULL, 0, NULL, 0, 0, &plan, NULL),
               ENCOURS_INVALID_JSON);
  CHECK_CONTAINS(encours_last_error(), "unknown channel \"pigeon\"");
  CHECK_STATUS(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), "{", 1, NULL, 0, 0, &plan, NULL),
               ENCOURS_INVALID_JSON);
  CHECK_STATUS(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), NULL, 0, "\xff", 1, 0, &plan, NULL),
               ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), NULL, 0, NULL, 0, INT32_MAX, &plan, NULL),
               ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_dunning_plan_json(NULL, CONFIG, strlen(CONFIG), NULL, 0, NULL, 0, 0, &plan, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_dunning_plan_json(l, NULL, 0, NULL, 0, NULL, 0, 0, &plan, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), NULL, 0, NULL, 0, 0, NULL, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_dunning_history_record_json(NULL, 0, "{}", 2, &plan, NULL), ENCOURS_INVALID_JSON);
  CHECK_STATUS(encours_dunning_history_record_json(NULL, 0, NULL, 0, &plan, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK(plan == NULL);

  encours_ledger_free(l);
  return finish();
}
