/* Version, status names, the last error and the no-op frees.
 * Usage: test_version [EXPECTED_VERSION] (run.sh passes Cargo.toml's version). */
#include <stdlib.h>

#include "check.h"

int main(int argc, char **argv) {
  /* Header and library agree, and both match Cargo.toml when run.sh says what it is. */
  CHECK_STR(encours_version(), ENCOURS_VERSION);
  if (argc > 1) CHECK_STR(encours_version(), argv[1]);
  CHECK_INT(encours_abi_version(), ENCOURS_ABI_VERSION);
  char built[32];
  snprintf(built, sizeof built, "%d.%d.%d", ENCOURS_VERSION_MAJOR, ENCOURS_VERSION_MINOR,
           ENCOURS_VERSION_PATCH);
  CHECK_STR(built, ENCOURS_VERSION);

  /* Status numbers are ABI: pin a few, and their names. */
  CHECK_INT(ENCOURS_OK, 0);
  CHECK_INT(ENCOURS_NULL_ARGUMENT, 1);
  CHECK_INT(ENCOURS_INSUFFICIENT_SIZE, 10);
  CHECK_INT(ENCOURS_PANIC, 15);
  CHECK_INT(sizeof(encours_status), 4);
  CHECK_STR(encours_status_name(ENCOURS_OK), "ENCOURS_OK");
  CHECK_STR(encours_status_name(ENCOURS_NOT_FOUND), "ENCOURS_NOT_FOUND");
  CHECK_STR(encours_status_name(ENCOURS_OTHER_ERROR), "ENCOURS_OTHER_ERROR");
  CHECK_STR(encours_status_name(4000000000u), "ENCOURS_UNKNOWN_STATUS");

  /* Struct layouts are ABI (x86-64/aarch64 Linux): a change must raise ENCOURS_ABI_VERSION.
   * bindings/c/src/ledger.rs pins the same sizes on the Rust side. */
  if (sizeof(void *) == 8) {
    CHECK_INT(sizeof(encours_money), 16);
    CHECK_INT(sizeof(encours_customer_rec), 80);
    CHECK_INT(sizeof(encours_item_rec), 56);
    CHECK_INT(sizeof(encours_payment_rec), 48);
    CHECK_INT(sizeof(encours_application_rec), 56);
    CHECK_INT(sizeof(encours_metric), 16);
    CHECK_INT(sizeof(encours_summary_row), 184);
  }

  /* No failure yet: an empty message. */
  CHECK_STR(encours_last_error(), "");
  CHECK_INT(encours_last_error_length(), 0);

  /* A failure sets the message; it names the argument. */
  int32_t d = 0;
  CHECK_STATUS(encours_date_from_ymd(2023, 2, 29, &d), ENCOURS_INVALID_DATE);
  CHECK_STR(encours_last_error(), "invalid date 2023-02-29: no such day in the calendar");
  size_t len = encours_last_error_length();
  CHECK_INT(len, strlen(encours_last_error()));

  /* Copy into a buffer: too small gives the size needed and leaves the buffer alone. */
  char small[8] = "unset";
  size_t needed = 0;
  CHECK_STATUS(encours_last_error_copy(small, sizeof small, &needed), ENCOURS_INSUFFICIENT_SIZE);
  CHECK_INT(needed, len);
  CHECK_STR(small, "unset");
  char *big = malloc(needed + 1);
  size_t copied = 0;
  CHECK_OK(encours_last_error_copy(big, needed + 1, &copied));
  CHECK_INT(copied, len);
  CHECK_STR(big, "invalid date 2023-02-29: no such day in the calendar");
  free(big);
  CHECK_STATUS(encours_last_error_copy(NULL, 0, &copied), ENCOURS_NULL_ARGUMENT);
  CHECK_STATUS(encours_last_error_copy(small, sizeof small, NULL), ENCOURS_NULL_ARGUMENT);

  /* Out-parameters untouched on failure. */
  d = 12345;
  CHECK_STATUS(encours_date_from_ymd(2024, 13, 1, &d), ENCOURS_INVALID_DATE);
  CHECK_INT(d, 12345);

  /* A success clears the message. */
  CHECK_OK(encours_date_from_ymd(2024, 2, 29, &d));
  CHECK_STR(encours_last_error(), "");

  /* NULL out-pointer: named in the message. */
  CHECK_STATUS(encours_date_from_ymd(2024, 1, 1, NULL), ENCOURS_NULL_ARGUMENT);
  CHECK_CONTAINS(encours_last_error(), "out_days is NULL");

  /* Freeing NULL is a no-op everywhere. */
  encours_string_free(NULL);
  encours_ledger_free(NULL);
  encours_calendar_free(NULL);
  CHECK(1);

  return finish();
}
