/* The ledger handle: records and JSON in, cash application, as-of figures, errors. */
#include <stdlib.h>

#include "check.h"

#define EUR "EUR"

static encours_customer_rec customer(const char *id, const char *name, const char *currency) {
  encours_customer_rec c;
  memset(&c, 0, sizeof c);
  c.id = id;
  c.name = name;
  c.currency = currency;
  return c;
}

static encours_item_rec item(const char *id, const char *cust, uint32_t kind, int32_t issue,
                             int32_t due, int64_t minor, const char *currency) {
  encours_item_rec i;
  memset(&i, 0, sizeof i);
  i.id = id;
  i.customer_id = cust;
  i.kind = kind;
  i.issue_date = issue;
  i.due_date = due;
  i.amount_minor = minor;
  i.currency = currency;
  return i;
}

static encours_payment_rec payment(const char *id, const char *cust, int32_t date, int64_t minor) {
  encours_payment_rec p;
  memset(&p, 0, sizeof p);
  p.id = id;
  p.customer_id = cust;
  p.date = date;
  p.amount_minor = minor;
  p.currency = EUR;
  return p;
}

static encours_ledger *sample(void) {
  encours_customer_rec customers[2] = {customer("C1", "Dupont SA", EUR),
                                       customer("C2", "Acme Inc", "USD")};
  customers[0].segment = "SME";
  customers[0].payment_terms = "30 days";
  customers[0].has_credit_limit = 1;
  customers[0].credit_limit_minor = 500000;
  encours_item_rec items[4] = {
      item("F1", "C1", ENCOURS_ITEM_INVOICE, day(2024, 1, 1), day(2024, 1, 31), 10000, EUR),
      item("F2", "C1", ENCOURS_ITEM_INVOICE, day(2024, 1, 5), day(2024, 2, 4), 5000, EUR),
      item("A1", "C1", ENCOURS_ITEM_CREDIT_NOTE, day(2024, 1, 20), day(2024, 1, 20), 3000, EUR),
      item("G1", "C2", ENCOURS_ITEM_DEBIT_NOTE, day(2024, 1, 2), day(2024, 1, 2), 999, "USD"),
  };
  items[1].reference = "PO-77";
  encours_ledger *l = NULL;
  CHECK_OK(encours_ledger_from_records(customers, 2, items, 4, NULL, 0, NULL, 0, &l));
  return l;
}

static void check_money(const encours_money *m, int64_t minor, const char *currency) {
  CHECK_INT(m->minor, minor);
  CHECK_STR(m->currency, currency);
}

static void flows(void) {
  encours_ledger *l = sample();
  if (l == NULL) return;
  encours_money m;
  size_t nc = 0, ni = 0, np = 0, na = 0;
  CHECK_OK(encours_ledger_counts(l, &nc, &ni, &np, &na));
  CHECK_INT(nc * 1000 + ni * 100 + np * 10 + na, 2400);
  CHECK_OK(encours_ledger_counts(l, NULL, NULL, NULL, NULL));

  /* Balance: 100.00 + 50.00 - 30.00 credit note. */
  CHECK_OK(encours_ledger_balance(l, "C1", day(2024, 1, 31), &m));
  check_money(&m, 12000, EUR);
  CHECK_INT(m.minor_units, 2);
  CHECK_OK(encours_ledger_balance(l, "C1", day(2023, 12, 31), &m));
  check_money(&m, 0, EUR);
  CHECK_OK(encours_ledger_balance(l, "C2", day(2024, 1, 31), &m));
  check_money(&m, 999, "USD");

  /* Net the credit note: it settles F1 (oldest due) from its issue date on. */
  char *json = NULL;
  size_t len = 0;
  CHECK_OK(encours_ledger_net_credit_notes(l, "C1", &json, &len));
  CHECK_STR(json,
            "[{\"source\":{\"credit_note\":\"A1\"},\"item_id\":\"F1\",\"date\":\"2024-01-20\","
            "\"amount\":{\"amount\":\"30.00\",\"currency\":\"EUR\"},\"rule\":\"oldest_due\"}]");
  CHECK_INT(len, json ? strlen(json) : 0);
  encours_string_free(json);
  CHECK_OK(encours_ledger_open_amount(l, "F1", day(2024, 1, 19), &m));
  check_money(&m, 10000, EUR);
  CHECK_OK(encours_ledger_open_amount(l, "F1", day(2024, 1, 20), &m));
  check_money(&m, 7000, EUR);

  /* A payment of exactly F2's open amount goes to F2 although F1 is older. */
  encours_payment_rec p1 = payment("P1", "C1", day(2024, 2, 10), 5000);
  CHECK_OK(encours_ledger_add_payment(l, &p1));
  json = NULL;
  CHECK_OK(encours_ledger_auto_apply(l, "P1", &json, NULL));
  CHECK_CONTAINS(json, "\"item_id\":\"F2\"");
  CHECK_CONTAINS(json, "\"rule\":\"exact_amount\"");
  encours_string_free(json);

  /* 90.00 settles F1's 70.00; 20.00 stays unapplied, a credit on the account. */
  encours_payment_rec p2 = payment("P2", "C1", day(2024, 2, 11), 9000);
  CHECK_OK(encours_ledger_add_payment(l, &p2));
  CHECK_OK(encours_ledger_auto_apply(l, "P2", NULL, NULL));
  CHECK_OK(encours_ledger_unapplied_amount(l, "P2", day(2024, 2, 11), &m));
  check_money(&m, 2000, EUR);
  CHECK_OK(encours_ledger_unapplied_amount(l, "P2", day(2024, 2, 10), &m));
  check_money(&m, 0, EUR);
  CHECK_OK(encours_ledger_balance(l, "C1", day(2024, 2, 11), &m));
  check_money(&m, -2000, EUR);
  char buf[ENCOURS_AMOUNT_BUFFER_SIZE];
  CHECK_OK(encours_ledger_balance_str(l, "C1", day(2024, 2, 11), buf, sizeof buf, &len));
  CHECK_STR(buf, "-20.00");
  CHECK_INT(len, 6);
  CHECK_OK(encours_ledger_open_amount_str(l, "F1", day(2024, 1, 19), buf, sizeof buf, &len));
  CHECK_STR(buf, "100.00");
  char small[6] = "unset";
  CHECK_STATUS(encours_ledger_open_amount_str(l, "F1", day(2024, 1, 19), small, sizeof small, &len),
               ENCOURS_INSUFFICIENT_SIZE);
  CHECK_INT(len, 6);
  CHECK_STR(small, "unset");

  /* Manual application and its errors. */
  encours_payment_rec p3 = payment("P3", "C1", day(2024, 3, 1), 1000);
  CHECK_OK(encours_ledger_add_payment(l, &p3));
  encours_item_rec f3 = item("F3", "C1", ENCOURS_ITEM_INVOICE, day(2024, 2, 20), day(2024, 3, 20), 2500, EUR);
  CHECK_OK(encours_ledger_add_item(l, &f3));
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "F3", 1001, EUR, day(2024, 3, 1)),
               ENCOURS_OVER_APPLICATION);
  CHECK_CONTAINS(encours_last_error(), "cannot apply 10.01 EUR from payment \"P3\"");
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "F9", 100, EUR, day(2024, 3, 1)), ENCOURS_NOT_FOUND);
  CHECK_CONTAINS(encours_last_error(), "unknown item \"F9\"");
  CHECK_STATUS(encours_ledger_apply_payment(l, "P9", "F3", 100, EUR, day(2024, 3, 1)), ENCOURS_NOT_FOUND);
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "F3", 100, "USD", day(2024, 3, 1)),
               ENCOURS_LEDGER_INVALID);
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "F3", 100, "EUX", day(2024, 3, 1)),
               ENCOURS_UNKNOWN_CURRENCY);
  CHECK_CONTAINS(encours_last_error(), "amount_currency");
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "F3", 0, EUR, day(2024, 3, 1)), ENCOURS_LEDGER_INVALID);
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "A1", 100, EUR, day(2024, 3, 1)), ENCOURS_LEDGER_INVALID);
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "F3", 100, EUR, INT32_MAX), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_ledger_apply_payment(l, NULL, "F3", 100, EUR, day(2024, 3, 1)), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_ledger_apply_payment(l, "P3", "\xff", 100, EUR, day(2024, 3, 1)), ENCOURS_INVALID_UTF8);
  CHECK_OK(encours_ledger_apply_payment(l, "P3", "F3", 1000, EUR, day(2024, 3, 1)));
  CHECK_OK(encours_ledger_open_amount(l, "F3", day(2024, 3, 1), &m));
  check_money(&m, 1500, EUR);
  encours_item_rec a2 = item("A2", "C1", ENCOURS_ITEM_CREDIT_NOTE, day(2024, 3, 2), day(2024, 3, 2), 500, EUR);
  CHECK_OK(encours_ledger_add_item(l, &a2));
  CHECK_OK(encours_ledger_apply_credit_note(l, "A2", "F3", 500, EUR, day(2024, 3, 2)));
  CHECK_OK(encours_ledger_open_amount(l, "F3", day(2024, 3, 2), &m));
  check_money(&m, 1000, EUR);
  CHECK_STATUS(encours_ledger_apply_credit_note(l, "A2", "F3", 1, EUR, day(2024, 3, 2)),
               ENCOURS_OVER_APPLICATION);

  /* Records added one by one; failures leave the ledger unchanged. */
  encours_customer_rec dup = customer("C1", "Again", EUR);
  CHECK_STATUS(encours_ledger_add_customer(l, &dup), ENCOURS_LEDGER_INVALID);
  CHECK_CONTAINS(encours_last_error(), "duplicate customer id \"C1\"");
  encours_customer_rec child = customer("C3", "Dupont Lyon", EUR);
  child.parent = "C1";
  CHECK_OK(encours_ledger_add_customer(l, &child));
  encours_customer_rec orphan = customer("C4", "Nobody", EUR);
  orphan.parent = "C404";
  CHECK_STATUS(encours_ledger_add_customer(l, &orphan), ENCOURS_NOT_FOUND);
  CHECK_OK(encours_ledger_counts(l, &nc, &ni, &np, &na));
  CHECK_INT(nc, 3);
  encours_application_rec app;
  memset(&app, 0, sizeof app);
  app.source_kind = ENCOURS_SOURCE_PAYMENT;
  app.source_id = "P2";
  app.item_id = "F3";
  app.date = day(2024, 3, 5);
  app.amount_minor = 1000;
  app.currency = EUR;
  app.rule = ENCOURS_MATCH_REFERENCE;
  CHECK_OK(encours_ledger_record_application(l, &app));
  CHECK_OK(encours_ledger_unapplied_amount(l, "P2", day(2024, 3, 5), &m));
  check_money(&m, 1000, EUR);
  app.rule = 9;
  CHECK_STATUS(encours_ledger_record_application(l, &app), ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "invalid application.rule 9");
  app.rule = ENCOURS_MATCH_EXPLICIT;
  app.source_kind = 5;
  CHECK_STATUS(encours_ledger_record_application(l, &app), ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "application.source_kind 5");

  /* JSON round trip: the same ledger back, the same JSON again. */
  char *first = NULL, *second = NULL;
  size_t first_len = 0;
  CHECK_OK(encours_ledger_to_json(l, &first, &first_len));
  CHECK_CONTAINS(first, "\"credit_limit\":{\"amount\":\"5000.00\",\"currency\":\"EUR\"}");
  encours_ledger *back = NULL;
  CHECK_OK(encours_ledger_from_json(first, first_len, &back));
  CHECK_OK(encours_ledger_to_json(back, &second, NULL));
  CHECK_STR(second, first);
  CHECK_OK(encours_ledger_balance(back, "C1", day(2024, 3, 5), &m));
  encours_money before;
  CHECK_OK(encours_ledger_balance(l, "C1", day(2024, 3, 5), &before));
  CHECK_INT(m.minor, before.minor);
  encours_string_free(first);
  encours_string_free(second);
  encours_ledger_free(back);

  /* Queries on unknown ids and NULLs; outputs untouched on failure. */
  m.minor = 777;
  CHECK_STATUS(encours_ledger_balance(l, "C404", day(2024, 1, 1), &m), ENCOURS_NOT_FOUND);
  CHECK_INT(m.minor, 777);
  CHECK_STATUS(encours_ledger_open_amount(l, "F404", day(2024, 1, 1), &m), ENCOURS_NOT_FOUND);
  CHECK_STATUS(encours_ledger_unapplied_amount(l, "P404", day(2024, 1, 1), &m), ENCOURS_NOT_FOUND);
  CHECK_STATUS(encours_ledger_balance(NULL, "C1", day(2024, 1, 1), &m), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument ledger is NULL");
  CHECK_STATUS(encours_ledger_balance(l, NULL, day(2024, 1, 1), &m), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_ledger_balance(l, "C1", day(2024, 1, 1), NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_ledger_balance(l, "C1", INT32_MIN, &m), ENCOURS_INVALID_DATE);
  CHECK_STATUS(encours_ledger_auto_apply(l, "P404", NULL, NULL), ENCOURS_NOT_FOUND);
  CHECK_STATUS(encours_ledger_net_credit_notes(l, "C404", NULL, NULL), ENCOURS_NOT_FOUND);
  CHECK_STATUS(encours_ledger_to_json(l, NULL, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_ledger_add_payment(l, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_ledger_add_item(NULL, &f3), ENCOURS_NULL_ARGUMENT);
  encours_ledger_free(l);
}

static void bad_records(void) {
  encours_ledger *l = (encours_ledger *)0x1; /* must stay untouched */
  encours_customer_rec c[1] = {customer("C1", "Dupont", EUR)};
  encours_item_rec it[2] = {
      item("F1", "C1", ENCOURS_ITEM_INVOICE, 0, 30, 100, EUR),
      item("F2", "C1", ENCOURS_ITEM_INVOICE, 0, 30, 100, EUR),
  };

  it[1].currency = "EUX";
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_UNKNOWN_CURRENCY);
  CHECK_CONTAINS(encours_last_error(), "items[1].currency: unknown currency code \"EUX\"");
  it[1].currency = "EU";
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_INVALID_CURRENCY);
  it[1].currency = EUR;
  it[1].id = NULL;
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "items[1].id is NULL");
  it[1].id = "F\xe9";
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_INVALID_UTF8);
  CHECK_CONTAINS(encours_last_error(), "items[1].id is not valid UTF-8");
  it[1].id = "F2";
  it[1].kind = 7;
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "invalid items[1].kind 7");
  it[1].kind = ENCOURS_ITEM_INVOICE;
  it[1].due_date = INT32_MAX;
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_INVALID_DATE);
  CHECK_CONTAINS(encours_last_error(), "items[1].due_date");
  it[1].due_date = 30;
  it[1].amount_minor = -100;
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_LEDGER_INVALID);
  CHECK_CONTAINS(encours_last_error(), "invalid amount of item \"F2\"");
  it[1].amount_minor = 100;
  it[1].id = "F1";
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_LEDGER_INVALID);
  CHECK_CONTAINS(encours_last_error(), "duplicate item id \"F1\"");
  it[1].id = "F2";
  it[1].customer_id = "C9";
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_NOT_FOUND);
  CHECK_STR(encours_last_error(), "unknown customer \"C9\" referenced by item \"F2\"");
  it[1].customer_id = "C1";
  CHECK_STATUS(encours_ledger_from_records(c, 1, NULL, 2, NULL, 0, NULL, 0, &l), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument items is NULL");
  c[0].name = NULL;
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "customers[0].name is NULL");
  c[0].name = "Dupont";
  c[0].currency = "usd";
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, NULL, 0, NULL, 0, &l), ENCOURS_LEDGER_INVALID);
  CHECK_CONTAINS(encours_last_error(), "invalid currency of item \"F1\": EUR (USD, the customer's currency)");
  c[0].currency = EUR;
  encours_payment_rec p[1] = {payment("P1", "C1", 40, 100)};
  encours_application_rec a[1];
  memset(a, 0, sizeof a);
  a[0].source_kind = ENCOURS_SOURCE_PAYMENT;
  a[0].source_id = "P1";
  a[0].item_id = "F1";
  a[0].date = 39; /* before the payment */
  a[0].amount_minor = 100;
  a[0].currency = EUR;
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, p, 1, a, 1, &l), ENCOURS_LEDGER_INVALID);
  CHECK((void *)l == (void *)0x1);
  CHECK_STATUS(encours_ledger_from_records(c, 1, it, 2, p, 1, a, 1, NULL), ENCOURS_NULL_ARGUMENT);

  a[0].date = 40;
  l = NULL;
  CHECK_OK(encours_ledger_from_records(c, 1, it, 2, p, 1, a, 1, &l));
  encours_money m;
  CHECK_OK(encours_ledger_open_amount(l, "F1", 40, &m));
  CHECK_INT(m.minor, 0);
  encours_ledger_free(l);

  /* An empty ledger, then records added to it. */
  l = NULL;
  CHECK_OK(encours_ledger_new(&l));
  CHECK_OK(encours_ledger_add_customer(l, &c[0]));
  CHECK_OK(encours_ledger_add_item(l, &it[0]));
  CHECK_STATUS(encours_ledger_add_item(l, &it[0]), ENCOURS_LEDGER_INVALID);
  encours_ledger_free(l);
  CHECK_STATUS(encours_ledger_new(NULL), ENCOURS_NULL_ARGUMENT);

  /* Amounts too large for int64 minor units still have an exact string form. */
  encours_item_rec huge[2] = {
      item("H1", "C1", ENCOURS_ITEM_INVOICE, 0, 0, INT64_MAX, EUR),
      item("H2", "C1", ENCOURS_ITEM_INVOICE, 0, 0, INT64_MAX, EUR),
  };
  l = NULL;
  CHECK_OK(encours_ledger_from_records(c, 1, huge, 2, NULL, 0, NULL, 0, &l));
  CHECK_STATUS(encours_ledger_balance(l, "C1", 0, &m), ENCOURS_OVERFLOW);
  char buf[ENCOURS_AMOUNT_BUFFER_SIZE];
  size_t len = 0;
  CHECK_OK(encours_ledger_balance_str(l, "C1", 0, buf, sizeof buf, &len));
  CHECK_STR(buf, "184467440737095516.14");
  encours_ledger_free(l);
}

static void bad_json(void) {
  encours_ledger *l = NULL;
  const char *ok =
      "{\"customers\":[{\"id\":\"C1\",\"name\":\"Dupont\",\"currency\":\"EUR\"}],"
      "\"items\":[{\"id\":\"F1\",\"customer_id\":\"C1\",\"kind\":\"invoice\",\"issue_date\":\"2024-01-01\","
      "\"due_date\":\"2024-01-31\",\"amount\":{\"amount\":\"100.00\",\"currency\":\"EUR\"}}]}";
  CHECK_OK(encours_ledger_from_json(ok, strlen(ok), &l));
  encours_money m;
  CHECK_OK(encours_ledger_balance(l, "C1", day(2024, 1, 1), &m));
  CHECK_INT(m.minor, 10000);
  encours_ledger_free(l);
  l = NULL;

  /* Length, not NUL, ends the document: a prefix is malformed. */
  CHECK_STATUS(encours_ledger_from_json(ok, 20, &l), ENCOURS_INVALID_JSON);
  CHECK_CONTAINS(encours_last_error(), "invalid JSON for a ledger");
  const char *empty = "{}";
  CHECK_OK(encours_ledger_from_json(empty, 2, &l));
  encours_ledger_free(l);
  l = NULL;
  CHECK_STATUS(encours_ledger_from_json("", 0, &l), ENCOURS_INVALID_JSON);
  CHECK_STATUS(encours_ledger_from_json("[1,2]", 5, &l), ENCOURS_INVALID_JSON);
  const char *bad_utf8 = "{\"customers\":[{\"id\":\"\xff\"}]}";
  CHECK_STATUS(encours_ledger_from_json(bad_utf8, strlen(bad_utf8), &l), ENCOURS_INVALID_UTF8);
  CHECK_CONTAINS(encours_last_error(), "json is not valid UTF-8: invalid byte at offset 21");
  const char *unknown_currency = "{\"customers\":[{\"id\":\"C1\",\"name\":\"D\",\"currency\":\"EUX\"}]}";
  CHECK_STATUS(encours_ledger_from_json(unknown_currency, strlen(unknown_currency), &l), ENCOURS_INVALID_JSON);
  CHECK_CONTAINS(encours_last_error(), "unknown currency code \"EUX\"");
  const char *bad_date =
      "{\"customers\":[{\"id\":\"C1\",\"name\":\"D\",\"currency\":\"EUR\"}],"
      "\"items\":[{\"id\":\"F1\",\"customer_id\":\"C1\",\"kind\":\"invoice\",\"issue_date\":\"2024-02-30\","
      "\"due_date\":\"2024-01-31\",\"amount\":{\"amount\":\"100.00\",\"currency\":\"EUR\"}}]}";
  CHECK_STATUS(encours_ledger_from_json(bad_date, strlen(bad_date), &l), ENCOURS_INVALID_JSON);
  const char *unknown_customer =
      "{\"items\":[{\"id\":\"F1\",\"customer_id\":\"C1\",\"kind\":\"invoice\",\"issue_date\":\"2024-01-01\","
      "\"due_date\":\"2024-01-31\",\"amount\":{\"amount\":\"100.00\",\"currency\":\"EUR\"}}]}";
  CHECK_STATUS(encours_ledger_from_json(unknown_customer, strlen(unknown_customer), &l), ENCOURS_NOT_FOUND);
  const char *nul_inside = "{\"customers\":[{\"id\":\"C\\u0000\",\"name\":\"D\",\"currency\":\"EUR\"},"
                           "{\"id\":\"C\\u0000\",\"name\":\"D\",\"currency\":\"EUR\"}]}";
  CHECK_STATUS(encours_ledger_from_json(nul_inside, strlen(nul_inside), &l), ENCOURS_LEDGER_INVALID);
  CHECK_CONTAINS(encours_last_error(), "duplicate customer id \"C\\0\"");
  CHECK(l == NULL);
  CHECK_STATUS(encours_ledger_from_json(NULL, 0, &l), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_ledger_from_json(ok, strlen(ok), NULL), ENCOURS_NULL_ARGUMENT);
}

int main(void) {
  flows();
  bad_records();
  bad_json();
  return finish();
}
