/* Calendars: built-in codes, JSON definitions, rolls, business-day arithmetic,
 * holiday lists. Expected dates are from the core's tests (checked against the
 * Python holidays package 0.109). */
#include "check.h"

int main(void) {
  encours_calendar *fr = NULL, *us = NULL, *uk = NULL;
  CHECK_OK(encours_calendar_builtin("FR", &fr));
  CHECK_OK(encours_calendar_builtin("us", &us));
  CHECK_OK(encours_calendar_builtin("uk", &uk));
  if (!fr || !us || !uk) return finish();

  bool b = true;
  CHECK_OK(encours_calendar_is_business_day(fr, day(2025, 7, 14), &b));
  CHECK(!b);
  CHECK_OK(encours_calendar_is_business_day(fr, day(2025, 7, 15), &b));
  CHECK(b);
  CHECK_OK(encours_calendar_is_holiday(fr, day(2025, 7, 14), &b));
  CHECK(b);
  CHECK_OK(encours_calendar_is_holiday(fr, day(2025, 7, 12), &b)); /* a Saturday */
  CHECK(!b);
  CHECK_OK(encours_calendar_is_holiday(uk, day(2022, 9, 19), &b)); /* state funeral */
  CHECK(b);

  int32_t d = 0;
  CHECK_OK(encours_calendar_roll(fr, day(2024, 8, 31), ENCOURS_ROLL_MODIFIED_FOLLOWING, &d));
  CHECK_INT(d, day(2024, 8, 30));
  CHECK_OK(encours_calendar_roll(fr, day(2025, 11, 30), ENCOURS_ROLL_FOLLOWING, &d));
  CHECK_INT(d, day(2025, 12, 1));
  CHECK_OK(encours_calendar_roll(fr, day(2025, 11, 30), ENCOURS_ROLL_PRECEDING, &d));
  CHECK_INT(d, day(2025, 11, 28));
  CHECK_OK(encours_calendar_roll(fr, day(2025, 11, 30), ENCOURS_ROLL_MODIFIED_PRECEDING, &d));
  CHECK_INT(d, day(2025, 11, 28));
  CHECK_OK(encours_calendar_roll(fr, day(2025, 11, 30), ENCOURS_ROLL_NONE, &d));
  CHECK_INT(d, day(2025, 11, 30));
  d = 42;
  CHECK_STATUS(encours_calendar_roll(fr, day(2025, 11, 30), 5, &d), ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "invalid roll 5");
  CHECK_INT(d, 42);

  CHECK_OK(encours_calendar_add_business_days(fr, day(2025, 7, 11), 1, &d));
  CHECK_INT(d, day(2025, 7, 15));
  CHECK_OK(encours_calendar_add_business_days(us, day(2025, 7, 2), 2, &d));
  CHECK_INT(d, day(2025, 7, 7));
  CHECK_OK(encours_calendar_add_business_days(us, day(2025, 7, 7), -2, &d));
  CHECK_INT(d, day(2025, 7, 2));
  CHECK_OK(encours_calendar_add_business_days(us, day(2025, 7, 5), 0, &d));
  CHECK_INT(d, day(2025, 7, 7));
  CHECK_STATUS(encours_calendar_add_business_days(fr, day(2025, 7, 11), INT32_MAX, &d), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_calendar_add_business_days(fr, INT32_MAX, 1, &d), ENCOURS_INVALID_DATE);

  int32_t n = 0;
  CHECK_OK(encours_calendar_business_days_between(fr, day(2025, 5, 1), day(2025, 6, 1), &n));
  CHECK_INT(n, 19);
  CHECK_OK(encours_calendar_business_days_between(fr, day(2025, 6, 1), day(2025, 5, 1), &n));
  CHECK_INT(n, -19);

  char *json = NULL;
  size_t len = 0;
  CHECK_OK(encours_calendar_holidays_json(fr, day(2025, 5, 1), day(2025, 5, 31), &json, &len));
  CHECK_STR(json,
            "[{\"date\":\"2025-05-01\",\"name\":\"Labor Day\"},"
            "{\"date\":\"2025-05-08\",\"name\":\"Victory Day\"},"
            "{\"date\":\"2025-05-29\",\"name\":\"Ascension Day\"}]");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_calendar_holidays_json(fr, day(2025, 5, 31), day(2025, 5, 1), &json, NULL));
  CHECK_STR(json, "[]");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_calendar_day_kind_json(us, day(2025, 7, 4), &json, NULL));
  CHECK_STR(json, "{\"kind\":\"holiday\",\"name\":\"Independence Day\"}");
  encours_string_free(json);
  json = NULL;
  CHECK_OK(encours_calendar_day_kind_json(us, day(2025, 7, 5), &json, NULL));
  CHECK_STR(json, "{\"kind\":\"weekend\",\"weekday\":\"saturday\"}");
  encours_string_free(json);

  /* JSON definitions, and the round trip through encours_calendar_to_json. */
  const char *spec =
      "{\"name\":\"Acme plant\",\"weekend\":[\"sunday\"],"
      "\"rules\":[{\"name\":\"New Year\",\"date\":{\"kind\":\"fixed\",\"month\":1,\"day\":1}}],"
      "\"extra_holidays\":[{\"date\":\"2025-08-16\",\"name\":\"Inventory\"}]}";
  encours_calendar *acme = NULL;
  CHECK_OK(encours_calendar_from_json(spec, strlen(spec), &acme));
  CHECK_OK(encours_calendar_is_business_day(acme, day(2025, 8, 16), &b)); /* Saturday, inventory */
  CHECK(!b);
  CHECK_OK(encours_calendar_is_business_day(acme, day(2025, 8, 23), &b)); /* a working Saturday */
  CHECK(b);
  char *back = NULL;
  CHECK_OK(encours_calendar_to_json(acme, &back, &len));
  encours_calendar *again = NULL;
  CHECK_OK(encours_calendar_from_json(back, len, &again));
  char *back2 = NULL;
  CHECK_OK(encours_calendar_to_json(again, &back2, NULL));
  CHECK_STR(back2, back);
  encours_string_free(back);
  encours_string_free(back2);
  encours_calendar_free(again);
  encours_calendar_free(acme);

  /* Bad input. */
  encours_calendar *none = NULL;
  CHECK_STATUS(encours_calendar_builtin("ES", &none), ENCOURS_UNKNOWN_CALENDAR);
  CHECK_STR(encours_last_error(), "unknown calendar code \"ES\": expected one of FR, DE, GB-EAW, UK, GB, US");
  CHECK(none == NULL);
  CHECK_STATUS(encours_calendar_builtin("\xff", &none), ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_calendar_builtin(NULL, &none), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_calendar_builtin("FR", NULL), ENCOURS_NULL_ARGUMENT);
  const char *bad_month = "{\"name\":\"x\",\"rules\":[{\"name\":\"r\",\"date\":{\"kind\":\"fixed\",\"month\":13,\"day\":1}}]}";
  CHECK_STATUS(encours_calendar_from_json(bad_month, strlen(bad_month), &none), ENCOURS_CALENDAR_INVALID);
  CHECK_CONTAINS(encours_last_error(), "invalid month 13 in holiday rule \"r\"");
  const char *all_week =
      "{\"name\":\"closed\",\"weekend\":[\"monday\",\"tuesday\",\"wednesday\",\"thursday\",\"friday\","
      "\"saturday\",\"sunday\"]}";
  CHECK_STATUS(encours_calendar_from_json(all_week, strlen(all_week), &none), ENCOURS_CALENDAR_INVALID);
  CHECK_STATUS(encours_calendar_from_json("{\"name\":", 8, &none), ENCOURS_INVALID_JSON);
  /* An unknown key has its own status since issue 11, the message naming it. */
  CHECK_STATUS(encours_calendar_from_json("{\"nom\":\"x\"}", 11, &none), ENCOURS_UNKNOWN_KEY);
  CHECK_CONTAINS(encours_last_error(), "invalid JSON for a calendar: unknown key \"nom\" at the top level");
  CHECK_STATUS(encours_calendar_from_json("\"\xc0\"", 3, &none), ENCOURS_INVALID_UTF8);
  CHECK(none == NULL);
  CHECK_STATUS(encours_calendar_is_business_day(NULL, 0, &b), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument calendar is NULL");
  CHECK_STATUS(encours_calendar_is_business_day(fr, 0, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_calendar_is_business_day(fr, INT32_MIN, &b), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_calendar_holidays_json(fr, 0, 10, NULL, NULL), ENCOURS_NULL_ARGUMENT);

  encours_calendar_free(fr);
  encours_calendar_free(us);
  encours_calendar_free(uk);
  return finish();
}
