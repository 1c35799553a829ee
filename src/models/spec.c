/**
 * @file spec.c
 * @brief Parsing and naming of model specifications ("arma(0..2,0..2)", "garch(1,1):t").
 */
#include "hpcast/models.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HC_ORDER_MAX 10

/* Split text at top-level commas (not inside parentheses) into lower-case trimmed tokens.
 * Returns the number of tokens, or -1 if parentheses do not balance. */
static int split_list(const char *text, char tok[][64], int max_tok)
{
  int  n = 0, depth = 0, len = 0;
  char cur[64];
  for (const char *c = text;; c++) {
    if (*c == '(') depth++;
    if (*c == ')' && --depth < 0) return -1;
    if (*c == '\0' || (*c == ',' && depth == 0)) {
      cur[len] = '\0';
      if (len > 0) {
        if (n == max_tok) return -1;
        memcpy(tok[n++], cur, (size_t)len + 1);
      }
      len = 0;
      if (*c == '\0') break;
      continue;
    }
    if (isspace((unsigned char)*c)) continue;
    if (len == 63) return -1;
    cur[len++] = (char)tolower((unsigned char)*c);
  }
  return depth == 0 ? n : -1;
}

/* Parse "a" or "a..b" starting at *s; advances *s. Returns 0 on success. */
static int parse_range(const char **s, int *lo, int *hi)
{
  char *end;
  long  a = strtol(*s, &end, 10);
  if (end == *s) return 1;
  long b = a;
  if (end[0] == '.' && end[1] == '.') {
    const char *t = end + 2;
    b             = strtol(t, &end, 10);
    if (end == t) return 1;
  }
  if (a < 0 || b < a || b > HC_ORDER_MAX) return 1;
  *lo = (int)a;
  *hi = (int)b;
  *s  = end;
  return 0;
}

static int cmp_pq(const void *a, const void *b)
{
  const int *x = a, *y = b;
  return x[0] != y[0] ? x[0] - y[0] : x[1] - y[1];
}

int hc_spec_parse_mean(const char *text, int max_out, int *pq, char *err, size_t errlen)
{
  char tok[64][64];
  int  ntok = split_list(text ? text : "", tok, 64), n = 0;
  if (ntok <= 0) {
    snprintf(err, errlen, "'%s' is not a list of ARMA orders; allowed: arma(P,Q) with P, Q integers or ranges lo..hi in [0,%d], comma-separated, e.g. arma(0..2,0..2)",
             text ? text : "", HC_ORDER_MAX);
    return -1;
  }
  for (int k = 0; k < ntok; k++) {
    const char *s = tok[k];
    int         plo, phi, qlo, qhi;
    if (strncmp(s, "arma(", 5) || (s += 5, parse_range(&s, &plo, &phi)) || *s++ != ',' ||
        parse_range(&s, &qlo, &qhi) || strcmp(s, ")")) {
      snprintf(err, errlen, "'%s' is not an ARMA order; allowed: arma(P,Q) with P, Q integers or ranges lo..hi in [0,%d], e.g. arma(0..2,0..2)",
               tok[k], HC_ORDER_MAX);
      return -1;
    }
    for (int p = plo; p <= phi; p++)
      for (int q = qlo; q <= qhi; q++) {
        int dup = 0;
        for (int i = 0; i < n; i++) dup |= pq[2 * i] == p && pq[2 * i + 1] == q;
        if (dup) continue;
        if (n == max_out) {
          snprintf(err, errlen, "more than %d ARMA orders in '%s'", max_out, text);
          return -1;
        }
        pq[2 * n]     = p;
        pq[2 * n + 1] = q;
        n++;
      }
  }
  qsort(pq, (size_t)n, 2 * sizeof(int), cmp_pq);
  return n;
}

int hc_spec_parse_vol(const char *text, int max_out, hc_spec *vol, char *err, size_t errlen)
{
  static const char *allowed = "none, garch(1,1):normal, garch(1,1):t (comma-separated)";
  char               tok[64][64];
  int                ntok = split_list(text ? text : "", tok, 64), n = 0;
  if (ntok <= 0) {
    snprintf(err, errlen, "'%s' is not a list of volatility models; allowed: %s", text ? text : "", allowed);
    return -1;
  }
  for (int k = 0; k < ntok; k++) {
    hc_spec s = {0};
    int     P, Q, used = 0;
    char    dist[16] = "";
    if (!strcmp(tok[k], "none")) {
      s.vol = HC_VOL_NONE;
    } else if (sscanf(tok[k], "garch(%d,%d):%15s%n", &P, &Q, dist, &used) == 3 && tok[k][used] == '\0' &&
               P == 1 && Q == 1 && (!strcmp(dist, "normal") || !strcmp(dist, "t"))) {
      s.vol   = HC_VOL_GARCH;
      s.vol_p = P;
      s.vol_q = Q;
      s.dist  = !strcmp(dist, "t") ? HC_DIST_T : HC_DIST_NORMAL;
    } else {
      snprintf(err, errlen, "'%s' is not a volatility model; allowed: %s", tok[k], allowed);
      return -1;
    }
    int dup = 0;
    for (int i = 0; i < n; i++) dup |= vol[i].vol == s.vol && vol[i].dist == s.dist;
    if (dup) continue;
    if (n == max_out) {
      snprintf(err, errlen, "more than %d volatility models in '%s'", max_out, text);
      return -1;
    }
    vol[n++] = s;
  }
  return n;
}

void hc_spec_mean_name(const hc_spec *s, char *buf, size_t len) { snprintf(buf, len, "ARMA(%d,%d)", s->p, s->q); }

void hc_spec_vol_name(const hc_spec *s, char *buf, size_t len)
{
  if (s->vol == HC_VOL_NONE) snprintf(buf, len, "none");
  else snprintf(buf, len, "GARCH(%d,%d)-%s", s->vol_p, s->vol_q, s->dist == HC_DIST_T ? "t" : "normal");
}

void hc_spec_name(const hc_spec *s, char *buf, size_t len)
{
  char mean[HC_MODEL_LEN], vol[HC_MODEL_LEN];
  hc_spec_mean_name(s, mean, sizeof mean);
  hc_spec_vol_name(s, vol, sizeof vol);
  if (s->vol == HC_VOL_NONE) snprintf(buf, len, "%s", mean);
  else snprintf(buf, len, "%s+%s", mean, vol);
}
