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

/* Parse "a" or "a..b" with 0 <= a <= b <= max starting at *s; advances *s. Returns 0 on success,
 * else 1 with what is wrong in why[len]. */
static int parse_range(const char **s, int *lo, int *hi, int max, char *why, size_t len)
{
  char *end;
  long  a = strtol(*s, &end, 10);
  if (end == *s) return snprintf(why, len, "expected an order (an integer) at '%.20s'", *s), 1;
  long b = a;
  if (end[0] == '.' && end[1] == '.') {
    const char *t = end + 2;
    b             = strtol(t, &end, 10);
    if (end == t) return snprintf(why, len, "expected the end of the range %ld.. at '%.20s'", a, t), 1;
  }
  if (a < 0) return snprintf(why, len, "order %ld is negative", a), 1;
  if (b < a) return snprintf(why, len, "range %ld..%ld is reversed (write %ld..%ld)", a, b, b, a), 1;
  if (b > max) return snprintf(why, len, "order %ld is above its maximum %d", b, max), 1;
  *lo = (int)a;
  *hi = (int)b;
  *s  = end;
  return 0;
}

/* "(r1,r2,...,rk)" with the given maxima; lo/hi receive the k ranges. Returns 0 on success, else
 * 1 with what is wrong in why[len]. */
static int parse_tuple(const char **s, int k, const int *max, int *lo, int *hi, char *why, size_t len)
{
  if (**s != '(') return snprintf(why, len, "expected '(' at '%.20s'", *s), 1;
  (*s)++;
  for (int i = 0; i < k; i++) {
    if (parse_range(s, &lo[i], &hi[i], max[i], why, len)) return 1;
    const char sep = i + 1 < k ? ',' : ')';
    if (**s != sep)
      return snprintf(why, len, "expected '%c' at '%.20s' (%d orders in this parenthesis)", sep, **s ? *s : "the end", k), 1;
    (*s)++;
  }
  return 0;
}

/* 1 if s is of a family with its own grammar (ops->parse_mean): such specs sort after the others. */
static int own_grammar(const hc_spec *s)
{
  const hc_model_ops *ops = hc_model_family(s);
  return ops && ops->parse_mean;
}

/* Order d, D, p, q, P, Q, drift, s, then (specs of a family with its own grammar, after the
 * others) the remaining fields as bytes: equal specs compare 0, different ones never do. */
static int cmp_spec(const void *a, const void *b)
{
  const hc_spec *x = a, *y = b;
  const int      kx[] = {own_grammar(x), x->d, x->D, x->p, x->q, x->P, x->Q, x->drift, x->s};
  const int      ky[] = {own_grammar(y), y->d, y->D, y->p, y->q, y->P, y->Q, y->drift, y->s};
  for (int i = 0; i < 9; i++)
    if (kx[i] != ky[i]) return kx[i] - ky[i];
  return memcmp(x, y, sizeof *x); /* hc_spec holds ints only: no padding bytes */
}

int hc_spec_resolve_season(hc_spec *specs, int n, int period)
{
  int k = 0;
  for (int i = 0; i < n; i++) {
    hc_spec s = specs[i];
    if (s.s == HC_SEASON_AUTO) {
      if (period > 1) s.s = period;
      else s.P = s.D = s.Q = s.s = 0;
      if (s.d + s.D != 1) s.drift = 0;
    }
    int dup = 0;
    for (int j = 0; j < k && !dup; j++) dup = !cmp_spec(&specs[j], &s);
    if (!dup) specs[k++] = s;
  }
  return k;
}

int hc_spec_has_vol(const hc_spec *s) { return s->vol != HC_VOL_NONE; }

int hc_spec_is_arma(const hc_spec *s) { return !s->d && !s->D && !s->P && !s->Q && !s->n_exog && !own_grammar(s); }

int hc_spec_parse_mean(const char *text, int max_out, hc_spec *out, char *err, size_t errlen)
{
  char own[512], allowed[1024];
  hc_model_grammars(own, sizeof own);
  snprintf(allowed, sizeof allowed,
           "arma(p,q), arima(p,d,q) or sarima(p,d,q)(P,D,Q)S with each order an integer or a range lo..hi (p, q in 0..10; "
           "d, D in 0..2; P, Q in 0..3), S a period >= 2 or the letter s (-seasonal_period), optional suffix +drift%s%s; "
           "comma-separated, e.g. arma(0..2,0..2) or sarima(0..2,1,0..2)(0..1,1,0..1)12",
           own[0] ? "; or " : "", own);
  char tok[64][64];
  int  ntok = split_list(text ? text : "", tok, 64), n = 0;
  if (ntok <= 0) {
    snprintf(err, errlen, "'%s' is not a list of mean models; allowed: %s", text ? text : "", allowed);
    return -1;
  }
  for (int k = 0; k < ntok; k++) {
    const char *c = tok[k];
    int         lo[6] = {0}, hi[6] = {0}, s = 0, drift = 0, bad = 0;
    char        why[128] = "";
    const int   mx3[] = {HC_ORDER_MAX, 2, HC_ORDER_MAX}, mxs[] = {3, 2, 3};
    hc_spec     own;
    const int   fam = hc_model_parse_mean(c, &own, why, sizeof why); /* a family's own grammar (ssa) */
    if (fam) {
      if (fam < 0) {
        snprintf(err, errlen, "'%s' is not a mean model: %s; allowed: %s", tok[k], why, allowed);
        return -1;
      }
      int dup = 0;
      for (int i = 0; i < n && !dup; i++) dup = !cmp_spec(&out[i], &own);
      if (dup) continue;
      if (n == max_out) {
        snprintf(err, errlen, "more than %d mean models in '%s'", max_out, text);
        return -1;
      }
      out[n++] = own;
      continue;
    }
    if (!strncmp(c, "arma", 4)) {
      const int mx2[] = {HC_ORDER_MAX, HC_ORDER_MAX};
      int       l2[2], h2[2];
      c += 4;
      bad = parse_tuple(&c, 2, mx2, l2, h2, why, sizeof why);
      lo[0] = l2[0], hi[0] = h2[0], lo[2] = l2[1], hi[2] = h2[1];
    } else if (!strncmp(c, "arima", 5)) {
      c += 5;
      bad = parse_tuple(&c, 3, mx3, lo, hi, why, sizeof why);
    } else if (!strncmp(c, "sarima", 6)) {
      c += 6;
      bad = parse_tuple(&c, 3, mx3, lo, hi, why, sizeof why) || parse_tuple(&c, 3, mxs, lo + 3, hi + 3, why, sizeof why);
      if (!bad && *c == 's' && (c[1] == '\0' || c[1] == '+')) {
        s = HC_SEASON_AUTO;
        c++;
      } else if (!bad) {
        char *end;
        long  v = strtol(c, &end, 10);
        bad     = end == c || v < 2 || v > 400;
        if (bad) snprintf(why, sizeof why, "expected a seasonal period 2..400 or the letter s at '%.20s'", *c ? c : "the end");
        s = (int)v;
        c = end;
      }
    } else {
      bad = 1;
      snprintf(why, sizeof why, "unknown model name");
    }
    if (!bad && !strcmp(c, "+drift")) {
      drift = 1;
      c += 6;
    }
    if (!bad && *c) snprintf(why, sizeof why, "unexpected '%.20s' after the orders", c);
    if (bad || *c) {
      snprintf(err, errlen, "'%s' is not a mean model: %s; allowed: %s", tok[k], why, allowed);
      return -1;
    }
    for (int p = lo[0]; p <= hi[0]; p++)
      for (int d = lo[1]; d <= hi[1]; d++)
        for (int q = lo[2]; q <= hi[2]; q++)
          for (int P = lo[3]; P <= hi[3]; P++)
            for (int D = lo[4]; D <= hi[4]; D++)
              for (int Q = lo[5]; Q <= hi[5]; Q++) {
                hc_spec sp = {.p = p, .d = d, .q = q, .P = P, .D = D, .Q = Q, .s = (P || D || Q) ? s : 0,
                              .drift = drift && d + D == 1};
                int     dup = 0;
                for (int i = 0; i < n && !dup; i++) dup = !cmp_spec(&out[i], &sp);
                if (dup) continue;
                if (n == max_out) {
                  snprintf(err, errlen, "more than %d mean models in '%s'", max_out, text);
                  return -1;
                }
                out[n++] = sp;
              }
  }
  qsort(out, (size_t)n, sizeof *out, cmp_spec);
  return n;
}

static const char *dist_names[] = {"normal", "t", "skewt", "ged"};
static const char *stderr_names[] = {"hessian", "opg", "robust"};

int hc_stderr_parse(const char *name, hc_stderr_type *t)
{
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, stderr_names[i])) {
      *t = (hc_stderr_type)i;
      return 0;
    }
  return 1;
}

const char *hc_stderr_name(hc_stderr_type t) { return (unsigned)t < 3 ? stderr_names[t] : "unknown"; }

int hc_spec_parse_vol(const char *text, int max_out, hc_spec *vol, char *err, size_t errlen)
{
  static const char *allowed = "none, garch(P,Q):DIST, gjr(P,O,Q):DIST, egarch(P,O,Q):DIST with orders 0..3 "
                               "(P+Q >= 1; O >= 1 for gjr and egarch) and DIST one of normal, t, skewt, ged "
                               "(comma-separated), e.g. garch(1,1):t,gjr(1,1,1):skewt";
  char               tok[64][64];
  int                ntok = split_list(text ? text : "", tok, 64), n = 0;
  if (ntok <= 0) {
    snprintf(err, errlen, "'%s' is not a list of volatility models; allowed: %s", text ? text : "", allowed);
    return -1;
  }
  for (int k = 0; k < ntok; k++) {
    hc_spec s = {0};
    int     P = 0, O = 0, Q = 0, used = 0, ok = 0;
    char    dist[16] = "";
    const char *why = "expected none, garch(P,Q):DIST, gjr(P,O,Q):DIST or egarch(P,O,Q):DIST";
    if (!strcmp(tok[k], "none")) {
      ok = 1;
    } else if (sscanf(tok[k], "garch(%d,%d):%15s%n", &P, &Q, dist, &used) == 3 && tok[k][used] == '\0') {
      s.vol = HC_VOL_GARCH;
      ok    = P >= 0 && Q >= 0 && P <= 3 && Q <= 3 && P + Q >= 1;
      why   = "GARCH orders P, Q must be 0..3 with P + Q >= 1";
    } else if ((sscanf(tok[k], "gjr(%d,%d,%d):%15s%n", &P, &O, &Q, dist, &used) == 4 && tok[k][used] == '\0' &&
                (s.vol = HC_VOL_GJR)) ||
               (sscanf(tok[k], "egarch(%d,%d,%d):%15s%n", &P, &O, &Q, dist, &used) == 4 && tok[k][used] == '\0' &&
                (s.vol = HC_VOL_EGARCH))) {
      ok  = P >= 0 && Q >= 0 && P <= 3 && Q <= 3 && O >= 1 && O <= 3;
      why = "orders P, Q must be 0..3 and O 1..3";
    }
    if (ok && s.vol != HC_VOL_NONE) {
      ok = 0;
      for (int d = 0; d < 4; d++)
        if (!strcmp(dist, dist_names[d])) {
          s.dist = (hc_dist)d;
          ok     = 1;
        }
      why = "unknown distribution after ':' (allowed: normal, t, skewt, ged)";
    }
    if (!ok) {
      snprintf(err, errlen, "'%s' is not a volatility model: %s; allowed: %s", tok[k], why, allowed);
      return -1;
    }
    s.vol_p = P;
    s.vol_o = O;
    s.vol_q = Q;
    int dup = 0;
    for (int i = 0; i < n; i++)
      dup |= vol[i].vol == s.vol && vol[i].dist == s.dist && vol[i].vol_p == P && vol[i].vol_o == O && vol[i].vol_q == Q;
    if (dup) continue;
    if (n == max_out) {
      snprintf(err, errlen, "more than %d volatility models in '%s'", max_out, text);
      return -1;
    }
    vol[n++] = s;
  }
  return n;
}

void hc_spec_mean_name(const hc_spec *s, char *buf, size_t len)
{
  const char         *x = s->n_exog ? "X" : "", *dr = s->drift ? "+drift" : "";
  const hc_model_ops *ops = hc_model_family(s);
  if (ops && ops->mean_name) ops->mean_name(s, buf, len);
  else if (hc_spec_is_arma(s)) snprintf(buf, len, "ARMA(%d,%d)", s->p, s->q);
  else if (!s->P && !s->D && !s->Q) snprintf(buf, len, "ARIMA%s(%d,%d,%d)%s", x, s->p, s->d, s->q, dr);
  else snprintf(buf, len, "SARIMA%s(%d,%d,%d)(%d,%d,%d)%d%s", x, s->p, s->d, s->q, s->P, s->D, s->Q, s->s, dr);
}

void hc_spec_vol_name(const hc_spec *s, char *buf, size_t len)
{
  const char *d = (unsigned)s->dist < 4 ? dist_names[s->dist] : "?";
  switch (s->vol) {
  case HC_VOL_NONE:   snprintf(buf, len, "none"); break;
  case HC_VOL_GARCH:  snprintf(buf, len, "GARCH(%d,%d)-%s", s->vol_p, s->vol_q, d); break;
  case HC_VOL_GJR:    snprintf(buf, len, "GJR(%d,%d,%d)-%s", s->vol_p, s->vol_o, s->vol_q, d); break;
  case HC_VOL_EGARCH: snprintf(buf, len, "EGARCH(%d,%d,%d)-%s", s->vol_p, s->vol_o, s->vol_q, d); break;
  }
}

void hc_spec_name(const hc_spec *s, char *buf, size_t len)
{
  char mean[HC_MODEL_LEN], vol[HC_MODEL_LEN];
  hc_spec_mean_name(s, mean, sizeof mean);
  hc_spec_vol_name(s, vol, sizeof vol);
  if (s->vol == HC_VOL_NONE) snprintf(buf, len, "%s", mean);
  else snprintf(buf, len, "%s+%s", mean, vol);
}
