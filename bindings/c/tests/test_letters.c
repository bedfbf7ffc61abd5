/* Dunning letters: the default French and English letters of a plan's action, the
 * caller's templates, template errors with their status and key, bad arguments, and
 * one set of templates rendering on several threads at once. */
#include <stdlib.h>
#include <threads.h>

#include "check.h"

/* UTF-8 spelled byte by byte, each in its own literal: a hex escape would otherwise
 * swallow the hex digits that follow it ("\xa9" "chus", not "\xa9chus"). */
#define NNBSP "\xe2\x80\xaf" /* U+202F, the French thousands separator */
#define EMDASH "\xe2\x80\x94"
#define E_ACUTE "\xc3\xa9"

/* One step, a letter 5 days after the due date, whose key "relance_1" has no default
 * template: the channel's default ("reminder") is used until the caller sets one. */
static const char *CONFIG =
    "{\"scenarios\":[{\"id\":\"s\",\"steps\":["
    "{\"id\":\"r1\",\"offset_days\":5,\"channel\":\"letter\",\"template\":\"relance_1\"},"
    "{\"id\":\"r2\",\"offset_days\":20,\"channel\":\"formal_notice\",\"template\":\"mise_en_demeure\"}]}],"
    "\"default_scenario\":\"s\"}";

/* The first element of the plan's "actions" array, as a new NUL-terminated string
 * (free it), or NULL: braces are matched outside JSON strings. */
static char *first_action(const char *plan) {
  const char *start = plan ? strstr(plan, "\"actions\":[{") : NULL;
  if (start == NULL) return NULL;
  start += strlen("\"actions\":[");
  int depth = 0, in_string = 0;
  for (const char *p = start; *p; p++) {
    if (in_string) {
      if (*p == '\\' && p[1]) p++;
      else if (*p == '"') in_string = 0;
    } else if (*p == '"') {
      in_string = 1;
    } else if (*p == '{') {
      depth++;
    } else if (*p == '}' && --depth == 0) {
      size_t n = (size_t)(p - start) + 1;
      char *out = malloc(n + 1);
      if (out == NULL) return NULL;
      memcpy(out, start, n);
      out[n] = '\0';
      return out;
    }
  }
  return NULL;
}

typedef struct {
  const encours_letters *letters;
  const char *action;
  int failures;
} job;

static int render_many(void *arg) {
  job *j = arg;
  for (int i = 0; i < 50; i++) {
    char *json = NULL;
    if (encours_letters_render_json(j->letters, j->action, strlen(j->action), i % 2 ? ENCOURS_LANGUAGE_FR
                                                                                    : ENCOURS_LANGUAGE_EN,
                                    "ACME", "", &json, NULL) != ENCOURS_OK ||
        strstr(json, i % 2 ? "\"language\":\"fr\"" : "\"language\":\"en\"") == NULL) {
      j->failures++;
    }
    encours_string_free(json);
  }
  return 0;
}

int main(void) {
  encours_customer_rec c = {.id = "C1", .name = "Dupont SA", .currency = "EUR"};
  encours_item_rec f = {.id = "F-1", .customer_id = "C1", .kind = ENCOURS_ITEM_INVOICE,
                        .issue_date = day(2024, 1, 2), .due_date = day(2024, 2, 1),
                        .amount_minor = 123450, .currency = "EUR"};
  encours_ledger *l = NULL;
  CHECK_OK(encours_ledger_from_records(&c, 1, &f, 1, NULL, 0, NULL, 0, &l));
  if (l == NULL) return finish();
  char *plan = NULL;
  size_t plan_len = 0;
  CHECK_OK(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), NULL, 0, NULL, 0, day(2024, 2, 6), &plan, &plan_len));
  char *action = first_action(plan);
  CHECK(action != NULL);
  if (action == NULL) {
    encours_string_free(plan);
    encours_ledger_free(l);
    return finish();
  }
  CHECK_CONTAINS(action, "\"id\":\"2024-02-06/C1/step/r1\"");

  encours_letters *letters = NULL;
  CHECK_OK(encours_letters_new_default(&letters));

  /* The default French letter (the core's doctest): subject and the item's line, with
   * U+202F between thousands. */
  char *json = NULL;
  size_t json_len = 0;
  CHECK_OK(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_FR, "ACME recouvrement",
                                       "IBAN FR76 3000 6000 0112 3456 7890 189", &json, &json_len));
  CHECK_INT(json_len, json ? strlen(json) : 0);
  CHECK_CONTAINS(json, "\"action_id\":\"2024-02-06/C1/step/r1\"");
  CHECK_CONTAINS(json, "\"channel\":\"letter\"");
  CHECK_CONTAINS(json, "\"language\":\"fr\"");
  CHECK_CONTAINS(json, "\"template\":\"reminder\""); /* relance_1 has none: the default */
  CHECK_CONTAINS(json, "\"subject\":\"Relance " EMDASH " 1" NNBSP "234,50 EUR " E_ACUTE "chus\"");
  CHECK_CONTAINS(json, "- F-1 " E_ACUTE "chue le 2024-02-01 (5 jours de retard) : 1" NNBSP "234,50 EUR\\n");
  CHECK_CONTAINS(json, "Montant d\xc3\xbb : 1" NNBSP "234,50 EUR");
  CHECK_CONTAINS(json, "IBAN FR76 3000 6000 0112 3456 7890 189");
  CHECK_CONTAINS(json, "mise en demeure) suivra le 2024-02-21"); /* the next step, named */
  CHECK_CONTAINS(json, "ACME recouvrement\"}");
  encours_string_free(json);

  /* The default English letter. */
  json = NULL;
  CHECK_OK(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_EN, "ACME credit team", "",
                                       &json, NULL));
  CHECK_CONTAINS(json, "\"subject\":\"Payment reminder " EMDASH " 1,234.50 EUR overdue\"");
  CHECK_CONTAINS(json, "Dear Dupont SA,");
  CHECK_CONTAINS(json, "- F-1 due 2024-02-01 (5 days overdue): 1,234.50 EUR\\n");
  CHECK_CONTAINS(json, "\"language\":\"en\"");
  encours_string_free(json);

  /* Every action of the plan at once: an array in the plan's order. */
  json = NULL;
  CHECK_OK(encours_letters_render_plan_json(letters, plan, plan_len, ENCOURS_LANGUAGE_FR, "ACME", "", &json, NULL));
  CHECK(json != NULL && json[0] == '[');
  CHECK_CONTAINS(json, "[{\"action_id\":\"2024-02-06/C1/step/r1\"");
  CHECK_CONTAINS(json, "\"subject\":\"Relance " EMDASH " 1" NNBSP "234,50 EUR " E_ACUTE "chus\"");
  encours_string_free(json);
  char *empty_plan = NULL;
  size_t empty_len = 0;
  CHECK_OK(encours_dunning_plan_json(l, CONFIG, strlen(CONFIG), NULL, 0, NULL, 0, day(2024, 2, 5), &empty_plan,
                                     &empty_len));
  json = NULL;
  CHECK_OK(encours_letters_render_plan_json(letters, empty_plan, empty_len, ENCOURS_LANGUAGE_EN, "ACME", "", &json,
                                            NULL));
  CHECK_STR(json, "[]");
  encours_string_free(json);
  encours_string_free(empty_plan);

  /* The caller's template for the step's own key wins over the default. */
  const char *mine =
      "Subject: Facture {{ items[0].item_id }} impay" E_ACUTE "e\n"
      "Bonjour {{ customer_name }}, merci de r" E_ACUTE "gler {{ total_due | money }}. {{ sender }}";
  CHECK_OK(encours_letters_set_template(letters, ENCOURS_LANGUAGE_FR, "relance_1", mine, strlen(mine)));
  json = NULL;
  CHECK_OK(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_FR, "ACME", "", &json, NULL));
  CHECK_CONTAINS(json, "\"template\":\"relance_1\"");
  CHECK_CONTAINS(json, "\"subject\":\"Facture F-1 impay" E_ACUTE "e\"");
  CHECK_CONTAINS(json, "\"body\":\"Bonjour Dupont SA, merci de r" E_ACUTE "gler 1" NNBSP "234,50 EUR. ACME\"");
  encours_string_free(json);
  /* No Subject: line, no subject. */
  const char *plain = "Bonjour.";
  CHECK_OK(encours_letters_set_template(letters, ENCOURS_LANGUAGE_FR, "relance_1", plain, strlen(plain)));
  json = NULL;
  CHECK_OK(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_FR, "ACME", "", &json, NULL));
  CHECK_CONTAINS(json, "\"subject\":null,\"body\":\"Bonjour.\"");
  encours_string_free(json);

  /* A template that does not compile: its own status, the key and language named, and
   * the template it would have replaced kept. */
  const char *broken = "Subject: x\n{% if %}";
  CHECK_STATUS(encours_letters_set_template(letters, ENCOURS_LANGUAGE_FR, "relance_1", broken, strlen(broken)),
               ENCOURS_TEMPLATE_INVALID);
  CHECK_CONTAINS(encours_last_error(), "invalid template \"relance_1\" (fr): ");
  CHECK_STR(encours_status_name(ENCOURS_TEMPLATE_INVALID), "ENCOURS_TEMPLATE_INVALID");
  json = NULL;
  CHECK_OK(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_FR, "ACME", "", &json, NULL));
  CHECK_CONTAINS(json, "\"body\":\"Bonjour.\"");
  encours_string_free(json);

  /* A template that compiles but fails while rendering (a filter that does not exist). */
  const char *failing = "{{ total_due | no_such_filter }}";
  CHECK_OK(encours_letters_set_template(letters, ENCOURS_LANGUAGE_EN, "relance_1", failing, strlen(failing)));
  json = NULL;
  CHECK_STATUS(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_EN, "ACME", "", &json,
                                           NULL),
               ENCOURS_TEMPLATE_RENDER_FAILED);
  CHECK_CONTAINS(encours_last_error(), "rendering template \"relance_1\" (en) failed");
  CHECK_STATUS(encours_letters_render_plan_json(letters, plan, plan_len, ENCOURS_LANGUAGE_EN, "ACME", "", &json,
                                                NULL),
               ENCOURS_TEMPLATE_RENDER_FAILED);
  CHECK_CONTAINS(encours_last_error(), "action \"2024-02-06/C1/step/r1\": rendering template \"relance_1\"");
  CHECK(json == NULL);

  /* The default sources, to start one's own from; an unknown key lists the keys. */
  CHECK_OK(encours_letters_template_source(letters, ENCOURS_LANGUAGE_FR, "reminder", &json, NULL));
  CHECK_CONTAINS(json, "Subject: Relance \xe2\x80\x94 {{ total_claimed | money }}");
  encours_string_free(json);
  json = NULL;
  CHECK_STATUS(encours_letters_template_source(letters, ENCOURS_LANGUAGE_EN, "remind", &json, NULL),
               ENCOURS_NOT_FOUND);
  CHECK_CONTAINS(encours_last_error(),
                 "no template \"remind\" for language en: the set has escalation, formal_notice, handover, relance_1, "
                 "reminder, sms, task, thank_you, upcoming");
  CHECK(json == NULL);
  CHECK_STATUS(encours_letters_template_source(letters, 5, "reminder", &json, NULL), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_letters_template_source(NULL, ENCOURS_LANGUAGE_EN, "reminder", &json, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_template_source(letters, ENCOURS_LANGUAGE_EN, NULL, &json, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_template_source(letters, ENCOURS_LANGUAGE_EN, "reminder", NULL, NULL),
               ENCOURS_NULL_ARGUMENT);

  /* No template at all: the step's key and the channel's default are both named. */
  encours_letters *none = NULL;
  CHECK_OK(encours_letters_new_empty(&none));
  CHECK_STATUS(encours_letters_template_source(none, ENCOURS_LANGUAGE_FR, "reminder", &json, NULL),
               ENCOURS_NOT_FOUND);
  CHECK_CONTAINS(encours_last_error(), "no template \"reminder\" for language fr: the set has none");
  CHECK_STATUS(encours_letters_render_json(none, action, strlen(action), ENCOURS_LANGUAGE_FR, "ACME", "", &json, NULL),
               ENCOURS_TEMPLATE_MISSING);
  CHECK_CONTAINS(encours_last_error(), "no template \"relance_1\" nor \"reminder\" for language fr");
  /* A template for the channel's default key is enough. */
  const char *fallback = "Subject: Rappel\nA payer : {{ total_claimed | money }}";
  CHECK_OK(encours_letters_set_template(none, ENCOURS_LANGUAGE_FR, "reminder", fallback, strlen(fallback)));
  CHECK_OK(encours_letters_render_json(none, action, strlen(action), ENCOURS_LANGUAGE_FR, "ACME", "", &json, NULL));
  CHECK_CONTAINS(json, "\"template\":\"reminder\",\"subject\":\"Rappel\",\"body\":\"A payer : 1" NNBSP "234,50 EUR\"");
  encours_string_free(json);
  json = NULL;
  CHECK_STATUS(encours_letters_render_json(none, action, strlen(action), ENCOURS_LANGUAGE_EN, "ACME", "", &json, NULL),
               ENCOURS_TEMPLATE_MISSING);

  /* Bad arguments: checked, named, nothing written. */
  encours_letters *unset = NULL;
  CHECK_STATUS(encours_letters_new_default(NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_new_empty(NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_set_template(NULL, ENCOURS_LANGUAGE_EN, "k", "x", 1), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument letters is NULL");
  CHECK_STATUS(encours_letters_set_template(none, ENCOURS_LANGUAGE_EN, NULL, "x", 1), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument key is NULL");
  CHECK_STATUS(encours_letters_set_template(none, ENCOURS_LANGUAGE_EN, "k", NULL, 0), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_set_template(none, 2, "k", "x", 1), ENCOURS_INVALID_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "invalid language 2: expected 0 (English) or 1 (French)");
  CHECK_STATUS(encours_letters_set_template(none, UINT32_MAX, "k", "x", 1), ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_letters_set_template(none, ENCOURS_LANGUAGE_EN, "k\xff", "x", 1), ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_letters_set_template(none, ENCOURS_LANGUAGE_EN, "k", "\xc3(", 2), ENCOURS_INVALID_UTF8);
  CHECK_STATUS(encours_letters_render_json(letters, action, strlen(action), 7, "ACME", "", &json, NULL),
               ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_letters_render_json(NULL, action, strlen(action), ENCOURS_LANGUAGE_EN, "ACME", "", &json, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_render_json(letters, NULL, 0, ENCOURS_LANGUAGE_EN, "ACME", "", &json, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_EN, NULL, "", &json,
                                           NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "argument sender is NULL");
  CHECK_STATUS(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_EN, "ACME", NULL, &json,
                                           NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_render_json(letters, action, strlen(action), ENCOURS_LANGUAGE_EN, "ACME", "", NULL,
                                           NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_letters_render_json(letters, "{}", 2, ENCOURS_LANGUAGE_EN, "ACME", "", &json, NULL),
               ENCOURS_INVALID_JSON);
  CHECK_CONTAINS(encours_last_error(), "invalid JSON for a dunning action");
  CHECK_STATUS(encours_letters_render_plan_json(letters, action, strlen(action), ENCOURS_LANGUAGE_EN, "ACME", "",
                                                &json, NULL),
               ENCOURS_INVALID_JSON);
  CHECK_STATUS(encours_letters_render_plan_json(letters, plan, plan_len, 2, "ACME", "", &json, NULL),
               ENCOURS_INVALID_ARGUMENT);
  CHECK_STATUS(encours_letters_render_plan_json(NULL, plan, plan_len, ENCOURS_LANGUAGE_EN, "ACME", "", &json, NULL),
               ENCOURS_NULL_ARGUMENT);
  CHECK(json == NULL && unset == NULL);
  encours_letters_free(none);
  encours_letters_free(NULL);

  /* One set of templates, several threads rendering at once. */
  encours_letters *shared = NULL;
  CHECK_OK(encours_letters_new_default(&shared));
  job jobs[4];
  thrd_t threads[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job){.letters = shared, .action = action, .failures = 0};
    CHECK(thrd_create(&threads[i], render_many, &jobs[i]) == thrd_success);
  }
  for (int i = 0; i < 4; i++) {
    thrd_join(threads[i], NULL);
    CHECK_INT(jobs[i].failures, 0);
  }
  encours_letters_free(shared);

  encours_letters_free(letters);
  free(action);
  encours_string_free(plan);
  encours_ledger_free(l);
  return finish();
}
