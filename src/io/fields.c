/**
 * @file fields.c
 * @brief The fields of a CSV line (fields.h).
 */
#include "fields.h"

#include <string.h>

int hc_next_field(hc_field_reader *fr, int *at_end)
{
  const char *p   = fr->p;
  size_t      len = 0;
  if (*at_end) return 0;
  if (*p == '"') {
    for (p++;; p++) {
      if (!*p) return -1; /* unterminated quote */
      if (*p == '"') {
        if (p[1] != '"') break;
        p++; /* "" is one quote */
      }
      fr->buf[len++] = *p;
    }
    p++; /* closing quote */
    if (*p && *p != ',') return -1;
  } else {
    while (*p && *p != ',') fr->buf[len++] = *p++;
  }
  fr->buf[len] = '\0';
  if (*p == ',') p++;
  else *at_end = 1;
  fr->p = p;
  return 1;
}

void hc_chomp(char *s)
{
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

