/* The smallest useful libencours program: check the library matches the header,
 * then ask a calendar and the money helpers something. */
#include <stdio.h>
#include <string.h>

#include <encours.h>

int main(void) {
  if (strcmp(encours_version(), ENCOURS_VERSION) != 0 ||
      encours_abi_version() != ENCOURS_ABI_VERSION) {
    fprintf(stderr, "libencours %s does not match encours.h %s\n", encours_version(),
            ENCOURS_VERSION);
    return 1;
  }
  printf("libencours %s\n", encours_version());

  encours_calendar *fr = NULL;
  int32_t bastille = 0, next = 0;
  if (encours_date_from_ymd(2025, 7, 11, &bastille) != ENCOURS_OK ||
      encours_calendar_builtin("FR", &fr) != ENCOURS_OK ||
      encours_calendar_add_business_days(fr, bastille, 1, &next) != ENCOURS_OK) {
    fprintf(stderr, "error: %s\n", encours_last_error());
    encours_calendar_free(fr);
    return 1;
  }
  char text[16];
  size_t len = 0;
  encours_date_format(next, text, sizeof text, &len);
  printf("one French business day after 2025-07-11: %s\n", text);
  encours_calendar_free(fr);
  return 0;
}
