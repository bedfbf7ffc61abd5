/* Threads: the last error is per thread, distinct ledgers on distinct threads work
 * concurrently, and one calendar is read from several threads at once. */
#include <threads.h>

#include "check.h"

#define THREADS 4
#define ROUNDS 200

typedef struct {
  int index;
  const encours_calendar *shared_calendar;
  int failures;
} job;

static int work(void *arg) {
  job *j = arg;
  char id[16], missing[32];
  snprintf(id, sizeof id, "C%d", j->index);
  snprintf(missing, sizeof missing, "unknown customer \"X%d\"", j->index);
  encours_customer_rec c = {.id = id, .name = "Thread customer", .currency = "EUR"};
  encours_item_rec f = {.id = "F-1", .customer_id = id, .kind = ENCOURS_ITEM_INVOICE,
                        .issue_date = 19000, .due_date = 19030,
                        .amount_minor = 1000 * (j->index + 1), .currency = "EUR"};
  encours_ledger *l = NULL;
  if (encours_ledger_from_records(&c, 1, &f, 1, NULL, 0, NULL, 0, &l) != ENCOURS_OK) {
    j->failures++;
    return 1;
  }
  char other[8];
  snprintf(other, sizeof other, "X%d", j->index);
  for (int r = 0; r < ROUNDS; r++) {
    encours_money m;
    if (encours_ledger_balance(l, id, 19001, &m) != ENCOURS_OK || m.minor != 1000 * (j->index + 1))
      j->failures++;
    /* This thread's failure, then its own message, whatever the others do meanwhile. */
    if (encours_ledger_balance(l, other, 19001, &m) != ENCOURS_NOT_FOUND) j->failures++;
    if (strstr(encours_last_error(), missing) == NULL) j->failures++;
    bool business = false;
    if (encours_calendar_is_business_day(j->shared_calendar, 20283 + r % 7, &business) != ENCOURS_OK)
      j->failures++;
  }
  encours_ledger_free(l);
  return 0;
}

int main(void) {
  encours_calendar *fr = NULL;
  CHECK_OK(encours_calendar_builtin("FR", &fr));
  thrd_t threads[THREADS];
  job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (job){.index = i, .shared_calendar = fr, .failures = 0};
    CHECK(thrd_create(&threads[i], work, &jobs[i]) == thrd_success);
  }
  for (int i = 0; i < THREADS; i++) {
    int rc = -1;
    CHECK(thrd_join(threads[i], &rc) == thrd_success);
    CHECK_INT(rc, 0);
    CHECK_INT(jobs[i].failures, 0);
  }
  /* The main thread's last error was not touched by the others. */
  CHECK_STR(encours_last_error(), "");
  encours_calendar_free(fr);
  return finish();
}
