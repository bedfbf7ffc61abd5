/* Money helpers: currencies, exact parsing and formatting, rounding, allocation. */
#include "check.h"

static const char *fmt(const encours_money *m, char *buf, size_t n) {
  size_t len = 0;
  if (encours_money_format(m, buf, n, &len) != ENCOURS_OK) return "(format failed)";
  return buf;
}

int main(void) {
  char buf[ENCOURS_AMOUNT_BUFFER_SIZE];
  uint32_t units = 99;

  /* Currencies: ISO 4217 minor units (SIX list one). */
  CHECK_OK(encours_currency_minor_units("EUR", &units));
  CHECK_INT(units, 2);
  CHECK_OK(encours_currency_minor_units("jpy", &units));
  CHECK_INT(units, 0);
  CHECK_OK(encours_currency_minor_units("KWD", &units));
  CHECK_INT(units, 3);
  units = 99;
  CHECK_STATUS(encours_currency_minor_units("EUX", &units), ENCOURS_UNKNOWN_CURRENCY);
  CHECK_CONTAINS(encours_last_error(), "unknown currency code \"EUX\"");
  CHECK_INT(units, 99);
  CHECK_STATUS(encours_currency_minor_units("EURO", &units), ENCOURS_INVALID_CURRENCY);
  CHECK_STATUS(encours_currency_minor_units("", &units), ENCOURS_INVALID_CURRENCY);
  CHECK_STATUS(encours_currency_minor_units("E\xffR", &units), ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_currency_minor_units(NULL, &units), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_currency_minor_units("EUR", NULL), ENCOURS_NULL_ARGUMENT);

  /* Exact parsing into minor units. */
  encours_money m;
  CHECK_OK(encours_money_parse("1234.56", "EUR", &m));
  CHECK_INT(m.minor, 123456);
  CHECK_INT(m.minor_units, 2);
  CHECK_STR(m.currency, "EUR");
  CHECK_OK(encours_money_parse(" -3 ", "EUR", &m));
  CHECK_INT(m.minor, -300);
  CHECK_OK(encours_money_parse("1500", "JPY", &m));
  CHECK_INT(m.minor, 1500);
  CHECK_STR(m.currency, "JPY");
  m.minor = 7;
  CHECK_STATUS(encours_money_parse("1.005", "EUR", &m), ENCOURS_INVALID_AMOUNT);
  CHECK_CONTAINS(encours_last_error(), "below the minor unit");
  CHECK_INT(m.minor, 7);
  CHECK_STATUS(encours_money_parse("19,90", "EUR", &m), ENCOURS_INVALID_AMOUNT);
  CHECK_STATUS(encours_money_parse("", "EUR", &m), ENCOURS_INVALID_AMOUNT);
  CHECK_STATUS(encours_money_parse("1e5", "EUR", &m), ENCOURS_INVALID_AMOUNT);
  CHECK_STATUS(encours_money_parse("99999999999999999999.99", "EUR", &m), ENCOURS_OVERFLOW);
  CHECK_STATUS(encours_money_parse("12", "XXX", &m), ENCOURS_UNKNOWN_CURRENCY);
  CHECK_STATUS(encours_money_parse("\xc3\x28", "EUR", &m), ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_money_parse(NULL, "EUR", &m), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_money_parse("1", NULL, &m), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_money_parse("1", "EUR", NULL), ENCOURS_NULL_ARGUMENT);

  /* Formatting. */
  encours_money eur = {123456, 2, "EUR"};
  CHECK_STR(fmt(&eur, buf, sizeof buf), "1234.56");
  encours_money neg = {-5, 2, "EUR"};
  CHECK_STR(fmt(&neg, buf, sizeof buf), "-0.05");
  encours_money kwd = {1, 3, "KWD"};
  CHECK_STR(fmt(&kwd, buf, sizeof buf), "0.001");
  encours_money extreme = {INT64_MIN, 8, "XBT"};
  CHECK_STR(fmt(&extreme, buf, sizeof buf), "-92233720368.54775808");
  size_t len = 0;
  char four[4] = "abc";
  CHECK_STATUS(encours_money_format(&eur, four, sizeof four, &len), ENCOURS_INSUFFICIENT_SIZE);
  CHECK_INT(len, 7);
  CHECK_STR(four, "abc");
  CHECK_CONTAINS(encours_last_error(), "8 bytes needed");
  encours_money bad_units = {1, 29, "EUR"};
  CHECK_STATUS(encours_money_format(&bad_units, buf, sizeof buf, &len), ENCOURS_INVALID_CURRENCY);
  CHECK_STATUS(encours_money_format(NULL, buf, sizeof buf, &len), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_money_format(&eur, NULL, 0, &len), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_money_format(&eur, buf, sizeof buf, NULL), ENCOURS_NULL_ARGUMENT);

  /* Rounding modes on the half cent. */
  CHECK_OK(encours_money_round("0.125", "EUR", ENCOURS_ROUNDING_HALF_UP, &m));
  CHECK_INT(m.minor, 13);
  CHECK_OK(encours_money_round("0.125", "EUR", ENCOURS_ROUNDING_HALF_EVEN, &m));
  CHECK_INT(m.minor, 12);
  CHECK_OK(encours_money_round("-0.125", "EUR", ENCOURS_ROUNDING_HALF_UP, &m));
  CHECK_INT(m.minor, -13);
  CHECK_OK(encours_money_round("0.129", "EUR", ENCOURS_ROUNDING_DOWN, &m));
  CHECK_INT(m.minor, 12);
  CHECK_OK(encours_money_round("0.121", "EUR", ENCOURS_ROUNDING_UP, &m));
  CHECK_INT(m.minor, 13);
  CHECK_OK(encours_money_round("1499.5", "JPY", ENCOURS_ROUNDING_HALF_EVEN, &m));
  CHECK_INT(m.minor, 1500);
  CHECK_STATUS(encours_money_round("0.125", "EUR", 4, &m), ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "invalid rounding mode 4");
  CHECK_STATUS(encours_money_round("0.125", "EUR", 0xFFFFFFFFu, &m), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_money_round("abc", "EUR", ENCOURS_ROUNDING_UP, &m), ENCOURS_INVALID_AMOUNT);

  /* Allocation adds back to the cent. */
  encours_money parts[3];
  uint64_t thirds[3] = {1, 1, 1};
  CHECK_OK(encours_money_allocate(10, "EUR", thirds, 3, ENCOURS_REMAINDER_LARGEST, parts, 3));
  CHECK_INT(parts[0].minor, 4);
  CHECK_INT(parts[1].minor, 3);
  CHECK_INT(parts[2].minor, 3);
  uint64_t split_30_70[2] = {30, 70};
  CHECK_OK(encours_money_allocate(100000, "EUR", split_30_70, 2, ENCOURS_REMAINDER_ON_LAST, parts, 3));
  CHECK_INT(parts[0].minor, 30000);
  CHECK_INT(parts[1].minor, 70000);
  CHECK_OK(encours_money_allocate(-10, "EUR", thirds, 3, ENCOURS_REMAINDER_ON_FIRST, parts, 3));
  CHECK_INT(parts[0].minor + parts[1].minor + parts[2].minor, -10);
  CHECK_INT(parts[0].minor, -4);
  parts[0].minor = 42;
  CHECK_STATUS(encours_money_allocate(10, "EUR", thirds, 3, ENCOURS_REMAINDER_LARGEST, parts, 2),
               ENCOURS_INSUFFICIENT_SIZE);
  CHECK_INT(parts[0].minor, 42);
  uint64_t zeros[2] = {0, 0};
  CHECK_STATUS(encours_money_allocate(10, "EUR", zeros, 2, ENCOURS_REMAINDER_LARGEST, parts, 3),
               ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_money_allocate(10, "EUR", thirds, 0, ENCOURS_REMAINDER_LARGEST, parts, 3),
               ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_money_allocate(10, "EUR", thirds, 3, 3, parts, 3), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_money_allocate(10, "EUR", NULL, 3, 0, parts, 3), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_money_allocate(10, "EUR", thirds, 3, 0, NULL, 3), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_money_allocate(10, "ZZZ", thirds, 3, 0, parts, 3), ENCOURS_UNKNOWN_CURRENCY);

  CHECK_OK(encours_money_split(1000, "JPY", 3, ENCOURS_REMAINDER_ON_LAST, parts, 3));
  CHECK_INT(parts[0].minor, 333);
  CHECK_INT(parts[2].minor, 334);
  CHECK_STATUS(encours_money_split(1000, "JPY", 0, ENCOURS_REMAINDER_ON_LAST, parts, 3),
               ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_money_split(1000, "JPY", 4, ENCOURS_REMAINDER_ON_LAST, parts, 3),
               ENCOURS_INSUFFICIENT_SIZE);
  CHECK_STATUS(encours_money_split(1000, "JPY", (size_t)-1, 0, parts, 3), ENCOURS_INSUFFICIENT_SIZE);

  return finish();
}
