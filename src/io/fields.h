/**
 * @file fields.h
 * @brief What the CSV readers of io share: the fields of one line, double quotes allowed
 *        ("" is a quote inside a quoted field), and line ends.
 */
#ifndef HPCAST_IO_FIELDS_H
#define HPCAST_IO_FIELDS_H

#include <stddef.h>

/** Parse state of one line: the text, the cursor, and a buffer for the current field. */
typedef struct {
  const char *p;   /* cursor in the line */
  char       *buf; /* field text (unquoted), NUL-terminated */
  size_t      cap;
} hc_field_reader;

/* Next field of the line into fr->buf (which has room for the line). @return 1 if a field was
 * read, 0 at the end of the line, -1 for a malformed field (unterminated quote or text after
 * the closing quote). *at_end starts at 0. */
int hc_next_field(hc_field_reader *fr, int *at_end);
/* Strip the line end (LF, CRLF) in place. */
void hc_chomp(char *s);

#endif
