/* Dates: day numbers since 1970-01-01, parts, ISO text, ranges. */
#include "check.h"

int main(void) {
  int32_t d = -1;
  CHECK_OK(encours_date_from_ymd(1970, 1, 1, &d));
  CHECK_INT(d, 0);
  CHECK_OK(encours_date_from_ymd(2024, 9, 30, &d));
  CHECK_INT(d, 19996);
  CHECK_OK(encours_date_from_ymd(1969, 12, 31, &d));
  CHECK_INT(d, -1);

  int32_t y = 0;
  uint32_t m = 0, dd = 0;
  CHECK_OK(encours_date_to_ymd(19996, &y, &m, &dd));
  CHECK_INT(y, 2024);
  CHECK_INT(m, 9);
  CHECK_INT(dd, 30);
  CHECK_OK(encours_date_to_ymd(day(2000, 2, 29), &y, &m, &dd));
  CHECK_INT(y * 10000 + (int32_t)m * 100 + (int32_t)dd, 20000229);

  /* Impossible days and out-of-range numbers. */
  CHECK_STATUS(encours_date_from_ymd(2023, 2, 29, &d), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_date_from_ymd(2024, 0, 1, &d), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_date_from_ymd(2024, 4, 31, &d), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_date_from_ymd(INT32_MAX, 1, 1, &d), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_date_to_ymd(INT32_MAX, &y, &m, &dd), ENCOURS_INVALID_DATE);
  CHECK_CONTAINS(encours_last_error(), "days since 1970-01-01) is out of range");
  CHECK_STATUS(encours_date_to_ymd(INT32_MIN, &y, &m, &dd), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_date_to_ymd(0, NULL, &m, &dd), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_date_to_ymd(0, &y, &m, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "out_day");

  /* ISO text both ways. */
  CHECK_OK(encours_date_parse("2024-09-30", &d));
  CHECK_INT(d, 19996);
  CHECK_STATUS(encours_date_parse("2024-02-30", &d), ENCOURS_PARSE_ERROR);
  CHECK_STATUS(encours_date_parse("30/09/2024", &d), ENCOURS_PARSE_ERROR);
  CHECK_CONTAINS(encours_last_error(), "invalid date \"30/09/2024\"");
  CHECK_STATUS(encours_date_parse("\xff\xfe", &d), ENCOURS_INVALID_UTF8);
  CHECK_CONTAINS(encours_last_error(), "iso is not valid UTF-8");
  CHECK_STATUS(encours_date_parse(NULL, &d), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_date_parse("2024-01-01", NULL), ENCOURS_NULL_ARGUMENT);

  char buf[16];
  size_t len = 0;
  CHECK_OK(encours_date_format(19996, buf, sizeof buf, &len));
  CHECK_STR(buf, "2024-09-30");
  CHECK_INT(len, 10);
  char tiny[10] = "unset";
  CHECK_STATUS(encours_date_format(19996, tiny, sizeof tiny, &len), ENCOURS_INSUFFICIENT_SIZE);
  CHECK_INT(len, 10); /* the length needed, without the NUL */
  CHECK_STR(tiny, "unset");
  CHECK_STATUS(encours_date_format(INT32_MIN, buf, sizeof buf, &len), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_date_format(0, NULL, 16, &len), ENCOURS_NULL_ARGUMENT);

  return finish();
}
