/**
 * @file ssa.c
 * @brief The SSA model family (SAMoSSA): singular spectrum analysis kernels (window length, SVD
 *        of the trajectory matrix, Gavish-Donoho rank, rank-r reconstruction by diagonal
 *        averaging, the linear recurrence of recurrent (R-)forecasting) and the family's ops
 *        table, whose residual AR(p) is fitted by exact ML through the SARIMAX family.
 *
 * Pure numerics over arrays (no MPI, no file I/O); the SVD is the eigendecomposition of the
 * lag-covariance matrix by LAPACK dsyev through PETSc's prototypes; the one piece of state is
 * the PETSc log event hcSSA, registered once. Alomar, Dahleh, Mann & Shah (2023), "SAMoSSA:
 * Multivariate singular spectrum analysis with stochastic autoregressive noise", NeurIPS;
 * Golyandina & Zhigljavsky (2013), "Singular Spectrum Analysis for
 * Time Series", SpringerBriefs in Statistics, Springer: sec. 2.1 (Basic SSA) and sec. 3.2.1
 * (recurrent forecasting).
 */
#include "hpcast/models.h"

#include <errno.h>
#include <math.h>
#include <petscblaslapack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hc_ssa_window(int n, int period)
{
  int L;
  if (period >= 2) {
    const int cap = HC_SSA_L_MAX < n / 20 ? HC_SSA_L_MAX : n / 20; /* the cost of a fit at short n */
    L             = (cap / period) * period;
    if (L < period) L = period;
  } else L = HC_SSA_L_DEFAULT;
  if (L > n / 2) L = n / 2;
  if (L < 2) L = 2;
  return L;
}

/* Make the component of largest modulus of x[0..m-1] positive (the first one on ties). */
static void sign_largest_positive(double *x, int m)
{
  int imax = 0;
  for (int i = 1; i < m; i++)
    if (fabs(x[i]) > fabs(x[imax])) imax = i;
  if (x[imax] < 0)
    for (int i = 0; i < m; i++) x[i] = -x[i];
}

int hc_ssa_decompose(const double *y, int n, int L, double *sv, double *U)
{
  if (!y || !sv || !U || L < 2 || n < 2 * L - 1) return 1; /* K = n - L + 1 >= L */
  const int K = n - L + 1;
  for (int t = 0; t < n; t++)
    if (!isfinite(y[t])) return 1;

  /* The lag-covariance matrix S = X X' (L x L, symmetric): S[0][j] = sum_k y[k] y[j+k] by
   * dot products, then down the diagonals S[i+1][j+1] = S[i][j] - y[i] y[j] + y[i+K] y[j+K]
   * (the windows slide by one): O(n L + L^2), the Hankel structure of X. */
  double *S = malloc((size_t)L * L * sizeof *S);
  if (!S) return ENOMEM;
  for (int j = 0; j < L; j++) {
    double acc = 0.0;
    for (int k = 0; k < K; k++) acc += y[k] * y[j + k];
    S[(size_t)j * L] = acc; /* column-major: S[i + j L], here i = 0 in column j; symmetric */
  }
  for (int d = 0; d < L; d++) /* diagonal d: entries (i, i + d), i = 0..L-1-d */
    for (int i = 0; i + 1 + d < L; i++) {
      const double v = S[(size_t)(i + d) * L + i] - y[i] * y[i + d] + y[i + K] * y[i + d + K];
      S[(size_t)(i + 1 + d) * L + i + 1] = v;
    }
  for (int j = 0; j < L; j++) /* lower triangle by symmetry */
    for (int i = j + 1; i < L; i++) S[(size_t)j * L + i] = S[(size_t)i * L + j];
  /* S = U diag(sv^2) U' by LAPACK dsyev (eigenvalues ascending): the singular values of X are
   * the square roots of the eigenvalues of S and its left singular vectors their eigenvectors
   * (the cross-product form of the SVD; Golyandina & Zhigljavsky 2013, sec. 2.1.1, define Basic
   * SSA by it). */
  PetscBLASInt nn = L, lda = L, lwork = -1, info = 0;
  double       wq = 0.0, *ev = malloc((size_t)L * sizeof *ev);
  if (!ev) {
    free(S);
    return ENOMEM;
  }
  LAPACKsyev_("V", "U", &nn, S, &lda, ev, &wq, &lwork, &info);
  lwork        = info == 0 ? (PetscBLASInt)wq : 1;
  double *work = info == 0 ? malloc((size_t)(lwork > 1 ? lwork : 1) * sizeof *work) : NULL;
  if (work) LAPACKsyev_("V", "U", &nn, S, &lda, ev, work, &lwork, &info);
  free(work);
  if (!work || info != 0) {
    free(S);
    free(ev);
    return work ? 2 : ENOMEM;
  }
  for (int k = 0; k < L; k++) { /* descending */
    const int src = L - 1 - k;
    sv[k]         = ev[src] > 0.0 ? sqrt(ev[src]) : 0.0;
    memcpy(U + (size_t)k * L, S + (size_t)src * L, (size_t)L * sizeof *U);
    sign_largest_positive(U + (size_t)k * L, L);
  }
  free(S);
  free(ev);
  return 0;
}

/* Marchenko-Pastur law of aspect ratio beta in (0, 1] and variance 1: support [a, b],
 * a = (1 - sqrt beta)^2, b = (1 + sqrt beta)^2, density f(x) = sqrt((b - x)(x - a)) / (2 pi beta x)
 * (Gavish & Donoho 2014, sec. III). The substitution x = m - h cos phi, m = (a + b)/2 = 1 + beta,
 * h = (b - a)/2 = 2 sqrt(beta), phi in [0, pi], removes the square-root endpoints:
 * f(x) dx = g(phi) dphi with g = (m + h cos phi - ab / x) / (2 pi beta) (ab = (1 - beta)^2 = m^2 - h^2),
 * and integrates in closed form (int_0^phi dt / (m - h cos t) = (2 / sqrt(ab)) atan(sqrt(b/a) tan(phi/2))):
 * F(phi) = (m phi + h sin phi - 2 sqrt(ab) atan(sqrt(b/a) tan(phi/2))) / (2 pi beta), F(pi) = 1. */
typedef struct {
  double beta, m, h, sa, sb; /* sa = sqrt(a) = 1 - sqrt(beta), sb = sqrt(b) = 1 + sqrt(beta) */
} mp_law;

static double mp_density_phi(const mp_law *w, double phi)
{
  const double x  = w->m - w->h * cos(phi), ab = w->sa * w->sa * w->sb * w->sb;
  const double ra = ab > 0.0 ? ab / x : 0.0; /* beta = 1: a = 0, the term vanishes */
  return (w->m + w->h * cos(phi) - ra) / (2.0 * M_PI * w->beta);
}

static double mp_cdf_phi(const mp_law *w, double phi)
{
  /* atan(sqrt(b/a) tan(phi/2)) as atan2, valid on [0, pi] and for a = 0 */
  const double at = atan2(w->sb * sin(0.5 * phi), w->sa * cos(0.5 * phi));
  return (w->m * phi + w->h * sin(phi) - 2.0 * w->sa * w->sb * at) / (2.0 * M_PI * w->beta);
}

/* omega(beta) = lambda*(beta) / sqrt(mu_beta), Gavish & Donoho (2014), with their optimal
 * known-noise coefficient lambda*(beta) and mu_beta the median of the Marchenko-Pastur law: the root of F(phi) = 1/2 by
 * Newton steps (F' = g), kept inside a bisection bracket. */
static double gd_omega(double beta)
{
  const double sq = sqrt(beta);
  const mp_law w  = {.beta = beta, .m = 1.0 + beta, .h = 2.0 * sq, .sa = 1.0 - sq, .sb = 1.0 + sq};
  double       lo = 0.0, hi = M_PI, phi = 0.5 * M_PI;
  for (int it = 0; it < 200; it++) {
    const double F = mp_cdf_phi(&w, phi) - 0.5, g = mp_density_phi(&w, phi);
    if (F < 0) lo = phi;
    else hi = phi;
    double next = g > 0 ? phi - F / g : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const double step = fabs(next - phi);
    phi               = next;
    if (step < 1e-15 || hi - lo < 1e-15) break;
  }
  const double mu   = w.m - w.h * cos(phi);
  const double lam2 = 2.0 * (beta + 1.0) + 8.0 * beta / ((beta + 1.0) + sqrt(beta * beta + 14.0 * beta + 1.0));
  return sqrt(lam2 / mu);
}

static int cmp_double(const void *x, const void *y)
{
  const double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

int hc_ssa_rank_gd(const double *sv, int L, int K)
{
  if (!sv || L < 1 || K < 1) return 0;
  const int m = L < K ? L : K, M = L < K ? K : L;
  double   *s = malloc((size_t)m * sizeof *s);
  if (!s) return 0;
  memcpy(s, sv, (size_t)m * sizeof *s);
  qsort(s, (size_t)m, sizeof *s, cmp_double);
  const double med = m & 1 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
  free(s);
  const double tau = gd_omega((double)m / M) * med;
  int          r   = 0;
  for (int i = 0; i < m; i++)
    if (sv[i] > tau) r++;
  return r < 1 ? 1 : r;
}

int hc_ssa_reconstruct(const double *y, int n, int L, int r, const double *U, double *s)
{
  if (!y || !U || !s || L < 2 || n < 2 * L - 1 || r < 1 || r > L) return 1;
  const int K = n - L + 1;
  double   *w = malloc((size_t)K * sizeof *w);
  if (!w) return ENOMEM;
  for (int t = 0; t < n; t++) s[t] = 0.0;
  for (int k = 0; k < r; k++) {
    const double *u = U + (size_t)k * L;
    /* w = X' u_k: w[j] = sum_i u[i] y[i + j] */
    for (int j = 0; j < K; j++) w[j] = 0.0;
    for (int i = 0; i < L; i++) {
      const double  ui = u[i];
      const double *yi = y + i;
      for (int j = 0; j < K; j++) w[j] += ui * yi[j];
    }
    /* anti-diagonal sums of u_k w': s[i + j] += u[i] w[j] */
    for (int i = 0; i < L; i++) {
      const double ui = u[i];
      double      *si = s + i;
      for (int j = 0; j < K; j++) si[j] += ui * w[j];
    }
  }
  free(w);
  /* number of elements on anti-diagonal t of an L x K matrix, L <= K: min(t + 1, L, n - t) */
  for (int t = 0; t < n; t++) {
    int c = t + 1;
    if (c > L) c = L;
    if (c > n - t) c = n - t;
    s[t] /= c;
  }
  return 0;
}

int hc_ssa_lrr(int L, int r, const double *U, double *a)
{
  if (!U || !a || L < 2 || r < 1 || r > L) return 2;
  double nu2 = 0.0;
  for (int k = 0; k < r; k++) {
    const double pi = U[(L - 1) + (size_t)k * L];
    nu2 += pi * pi;
  }
  if (nu2 >= 1.0 - 1e-12) return 1;
  /* R[m] = sum_k pi_k U[m, k] / (1 - nu2), m = 0..L-2, multiplies s_{t-(L-1)+m}; a_j = R[L-1-j]. */
  for (int j = 1; j <= L - 1; j++) {
    const int m   = L - 1 - j;
    double    acc = 0.0;
    for (int k = 0; k < r; k++) acc += U[(L - 1) + (size_t)k * L] * U[m + (size_t)k * L];
    a[j - 1] = acc / (1.0 - nu2);
  }
  return 0;
}

void hc_ssa_forecast(const double *s, int n, int L, const double *a, int H, double *f)
{
  /* f[h] = sum_{j=1}^{L-1} a_j z_{n+h-j}, z = (s[0..n-1], f[0..h-1]) */
  for (int h = 0; h < H; h++) {
    double acc = 0.0;
    for (int j = 1; j <= L - 1; j++) {
      const int t = n + h - j;
      acc += a[j - 1] * (t >= n ? f[t - n] : s[t]);
    }
    f[h] = acc;
  }
}

/* ---- the SSA model family: signal by recurrent SSA, residual AR(p) by exact ML (SAMoSSA) ---- */

/* Workspace of an SSA model: the decomposition of the last prepare (the family's "parameters"
 * besides the AR ones), the signal and residual of the series last seen, and the AR(p) model
 * of the residual (the SARIMAX family, to which the likelihood is delegated). */
typedef struct {
  hc_model     *ar;            /* ARMA(p,0) + mean of the residual */
  int           L, r, lrr_ok;  /* window, rank, recurrence available */
  double       *sv, *U, *a;    /* [L_max], [L_max * L_max], [L_max] of the last prepare */
  double       *s, *e;         /* [n_max] signal and residual of (key_y, key_n) */
  const double *key_y;         /* the series s and e belong to */
  int           key_n;
  double        key_first, key_last;
  int           L_max;
} ssa_work;

static PetscLogEvent ssa_event = 0; /* -log_view: "hcSSA" (decompositions and reconstructions) */

static int ssa_serves(const hc_spec *s) { return s->ssa_L != 0 && s->vol == HC_VOL_NONE; }

static hc_spec ar_spec(const hc_spec *s)
{
  hc_spec a = {0};
  a.p       = s->p;
  return a;
}

static int ssa_n_params(const hc_spec *s)
{
  hc_spec a = ar_spec(s);
  return hc_sarimax_ops.n_params(&a);
}

static void ssa_destroy(hc_model *m)
{
  ssa_work *w = m->work;
  if (!w) return;
  hc_model_destroy(&w->ar);
  free(w->sv);
  free(w->U);
  free(w->a);
  free(w->s);
  free(w->e);
  free(w);
  m->work = NULL;
}

static int ssa_setup(hc_model *m, int n_max)
{
  ssa_work *w = calloc(1, sizeof *w);
  hc_spec   a = ar_spec(&m->spec);
  if (!w) return ENOMEM;
  m->work  = w;
  w->L_max = m->spec.ssa_L > 0 ? m->spec.ssa_L : hc_ssa_window(n_max, m->spec.s);
  if (w->L_max < 2) w->L_max = 2;
  w->sv = malloc(sizeof(double) * (size_t)w->L_max);
  w->U  = malloc(sizeof(double) * (size_t)w->L_max * (size_t)w->L_max);
  w->a  = malloc(sizeof(double) * (size_t)w->L_max);
  w->s  = malloc(sizeof(double) * (size_t)(n_max > 0 ? n_max : 1));
  w->e  = malloc(sizeof(double) * (size_t)(n_max > 0 ? n_max : 1));
  if (!w->sv || !w->U || !w->a || !w->s || !w->e || hc_model_create(&a, n_max, &w->ar)) {
    ssa_destroy(m);
    return ENOMEM;
  }
  if (!ssa_event && PetscLogEventRegister("hcSSA", PETSC_OBJECT_CLASSID, &ssa_event)) ssa_event = 0;
  return 0;
}

/* The window length for n observations: the spec's (at most n/2), or the rule of hc_ssa_window. */
static int window_of(const hc_model *m, int n)
{
  const ssa_work *w = m->work;
  int             L = m->spec.ssa_L > 0 ? m->spec.ssa_L : hc_ssa_window(n, m->spec.s);
  if (L > n / 2) L = n / 2;
  return L > w->L_max ? w->L_max : L;
}

/* Signal and residual of y[0..n-1] by the current decomposition (cached by series). 0 on success. */
static int signal_of(hc_model *m, const double *y, int n)
{
  ssa_work *w = m->work;
  if (w->key_y == y && w->key_n == n && n > 0 && w->key_first == y[0] && w->key_last == y[n - 1]) return 0;
  if (w->r < 1 || n > m->n_max || n < 2 * w->L) return 1;
  PetscErrorCode ierr = PetscLogEventBegin(ssa_event, 0, 0, 0, 0);
  int bad = hc_ssa_reconstruct(y, n, w->L, w->r, w->U, w->s);
  ierr = PetscLogEventEnd(ssa_event, 0, 0, 0, 0);
  (void)ierr;
  if (bad) return 1;
  for (int t = 0; t < n; t++) w->e[t] = y[t] - w->s[t];
  w->key_y = y, w->key_n = n, w->key_first = y[0], w->key_last = y[n - 1];
  return 0;
}

/* ops->prepare: the SVD of the trajectory matrix of y, the rank (fixed, or Gavish-Donoho,
 * clamped to the spec's range), the recurrence, the signal and the residual. */
static int ssa_prepare(hc_model *m, const double *y, int n)
{
  ssa_work *w = m->work;
  const int L = window_of(m, n);
  w->r = 0;
  w->key_y = NULL;
  if (L < 2 || n > m->n_max) return 1;
  PetscErrorCode ierr = PetscLogEventBegin(ssa_event, 0, 0, 0, 0);
  int bad = hc_ssa_decompose(y, n, L, w->sv, w->U);
  ierr = PetscLogEventEnd(ssa_event, 0, 0, 0, 0);
  (void)ierr;
  if (bad) return 1;
  int r = m->spec.ssa_r_lo == m->spec.ssa_r_hi && m->spec.ssa_r_lo > 0 ? m->spec.ssa_r_lo : hc_ssa_rank_gd(w->sv, L, n - L + 1);
  if (m->spec.ssa_r_lo > 0 && r < m->spec.ssa_r_lo) r = m->spec.ssa_r_lo;
  if (m->spec.ssa_r_hi > 0 && r > m->spec.ssa_r_hi) r = m->spec.ssa_r_hi;
  if (r > L - 1) r = L - 1;
  if (r < 1) r = 1;
  w->L      = L;
  w->r      = r;
  w->lrr_ok = !hc_ssa_lrr(L, r, w->U, w->a);
  return signal_of(m, y, n);
}

static void ssa_param_names(const hc_model *m, char names[][HC_PNAME_LEN])
{
  const ssa_work *w = m->work;
  w->ar->ops->param_names(w->ar, names);
}

static int ssa_start(hc_model *m, const double *y, int n, double *theta)
{
  ssa_work *w = m->work;
  if ((w->r < 1 && ssa_prepare(m, y, n)) || signal_of(m, y, n)) return 1;
  return w->ar->ops->start(w->ar, w->e, n, theta);
}

static int ssa_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  ssa_work *w = m->work;
  if (signal_of(m, y, n)) return 1;
  return w->ar->ops->loglik(w->ar, theta, w->e, n, ll, grad);
}

static void ssa_transform(const hc_model *m, const double *theta, double *u)
{
  const ssa_work *w = m->work;
  w->ar->ops->transform(w->ar, theta, u);
}

static void ssa_untransform(const hc_model *m, const double *u, double *theta)
{
  const ssa_work *w = m->work;
  w->ar->ops->untransform(w->ar, u, theta);
}

/* Forecast: the recurrent SSA forecast of the signal plus the AR forecast of the residual, whose
 * error variance is the forecast's (the signal is taken as known; Alomar et al. 2023, sec. 3).
 * By the decomposition of the last prepare (the fit); a model never prepared decomposes y. */
static int ssa_forecast(hc_model *m, const double *theta, const double *y, int n, int H, double *mean, double *var)
{
  ssa_work *w = m->work;
  double   *f;
  if ((w->r < 1 && ssa_prepare(m, y, n)) || signal_of(m, y, n) || !w->lrr_ok) return 1;
  if (w->ar->ops->forecast(w->ar, theta, w->e, n, H, mean, var)) return 1;
  if (!(f = malloc(sizeof(double) * (size_t)H))) return 1;
  hc_ssa_forecast(w->s, n, w->L, w->a, H, f);
  for (int h = 0; h < H; h++) mean[h] += f[h];
  free(f);
  return 0;
}

static int ssa_n_obs(const hc_model *m, int n)
{
  const ssa_work *w = m->work;
  return w->ar->ops->n_obs ? w->ar->ops->n_obs(w->ar, n) : n;
}

static int ssa_residuals(hc_model *m, const double *theta, const double *y, int n, double *z)
{
  ssa_work *w = m->work;
  if (signal_of(m, y, n) || !w->ar->ops->residuals) return -1;
  return w->ar->ops->residuals(w->ar, theta, w->e, n, z);
}

static unsigned ssa_capabilities(const hc_model *m)
{
  const ssa_work *w = m->work;
  return w->ar->ops->capabilities ? w->ar->ops->capabilities(w->ar) : 0u;
}

static int ssa_newton_hessian(hc_model *m, const double *theta, const double *y, int n, double *H)
{
  ssa_work *w = m->work;
  if (signal_of(m, y, n) || !w->ar->ops->newton_hessian) return -1;
  return w->ar->ops->newton_hessian(w->ar, theta, w->e, n, H);
}

static int ssa_conditional_loglik(hc_model *m, const double *theta, const double *y, int n, double *ll, double *grad)
{
  ssa_work *w = m->work;
  if (signal_of(m, y, n) || !w->ar->ops->conditional_loglik) return -1;
  return w->ar->ops->conditional_loglik(w->ar, theta, w->e, n, ll, grad);
}

static int ssa_curvature(const hc_model *m, const double *theta, const double *grad, int n, double *h)
{
  const ssa_work *w = m->work;
  return w->ar->ops->curvature ? w->ar->ops->curvature(w->ar, theta, grad, n, h) : -1;
}

/* "auto" or an integer lo..hi (range allowed when range != 0) at *c; advances *c. 0 on success. */
static int parse_arg(const char **c, int lo, int hi, int range, int *a, int *b, char *why, size_t len)
{
  char *end;
  if (!strncmp(*c, "auto", 4)) {
    *c += 4;
    *a = *b = 0;
    return 0;
  }
  long x = strtol(*c, &end, 10), y = x;
  if (end == *c) return snprintf(why, len, "expected an integer or auto at '%.20s'", *c), 1;
  if (range && end[0] == '.' && end[1] == '.') {
    const char *t = end + 2;
    y             = strtol(t, &end, 10);
    if (end == t) return snprintf(why, len, "expected the end of the range %ld.. at '%.20s'", x, t), 1;
  }
  if (x < lo || y > hi || y < x) return snprintf(why, len, "%ld%s out of %d..%d", x, y != x ? " (range)" : "", lo, hi), 1;
  *a = (int)x;
  *b = (int)y;
  *c = end;
  return 0;
}

static const char ssa_grammar[] = "ssa(L,r) or ssa(L,r,p) (also written ssa(L,r)+ar(p), as its name) with L a window length "
                                  "2..1000 or auto, r a rank 1..100, a range lo..hi or auto, p the residual AR order 0..5 "
                                  "(default 1)";

/* ssa(L,r) or ssa(L,r,p): ssa_grammar. */
static int ssa_parse_mean(const char *token, hc_spec *s, char *why, size_t len)
{
  const char *c = token;
  int         L, L2, p = 1, p2;
  if (strncmp(c, "ssa", 3)) return 0;
  c += 3;
  memset(s, 0, sizeof *s);
  if (*c++ != '(') return snprintf(why, len, "expected '(' after ssa"), -1;
  if (parse_arg(&c, 2, 1000, 0, &L, &L2, why, len)) return -1;
  if (*c++ != ',') return snprintf(why, len, "expected ',' after the window length (%s)", ssa_grammar), -1;
  if (parse_arg(&c, 1, 100, 1, &s->ssa_r_lo, &s->ssa_r_hi, why, len)) return -1;
  if (*c == ',') {
    c++;
    if (!strncmp(c, "auto", 4)) return snprintf(why, len, "the residual AR order p is an integer 0..5"), -1;
    if (parse_arg(&c, 0, 5, 0, &p, &p2, why, len)) return -1;
    if (*c++ != ')') return snprintf(why, len, "expected ')' after the AR order (%s)", ssa_grammar), -1;
  } else {
    if (*c++ != ')') return snprintf(why, len, "expected ',' or ')' after the rank (%s)", ssa_grammar), -1;
    if (!strncmp(c, "+ar(", 4)) { /* the form of its name, SSA(L,r)+AR(p) */
      c += 4;
      if (parse_arg(&c, 0, 5, 0, &p, &p2, why, len) || *c++ != ')') return snprintf(why, len, "expected +ar(p) with p 0..5"), -1;
    }
  }
  if (*c) return snprintf(why, len, "unexpected '%.20s' (%s)", c, ssa_grammar), -1;
  s->ssa_L = L ? L : HC_SSA_AUTO;
  s->s     = L ? 0 : HC_SEASON_AUTO; /* auto: the window follows the detected seasonal period */
  s->p     = p;
  return 1;
}

static void ssa_mean_name(const hc_spec *s, char *buf, size_t len)
{
  char L[16], r[24];
  if (s->ssa_L > 0) snprintf(L, sizeof L, "%d", s->ssa_L);
  else snprintf(L, sizeof L, "auto");
  if (!s->ssa_r_lo) snprintf(r, sizeof r, "auto");
  else if (s->ssa_r_lo == s->ssa_r_hi) snprintf(r, sizeof r, "%d", s->ssa_r_lo);
  else snprintf(r, sizeof r, "%d..%d", s->ssa_r_lo, s->ssa_r_hi);
  snprintf(buf, len, "SSA(%s,%s)+AR(%d)", L, r, s->p);
}

const hc_model_ops hc_ssa_ops = {
  .family          = "SSA",
  .n_params        = ssa_n_params,
  .setup           = ssa_setup,
  .destroy         = ssa_destroy,
  .param_names     = ssa_param_names,
  .start           = ssa_start,
  .loglik          = ssa_loglik,
  .has_gradient    = 1,
  .transform       = ssa_transform,
  .untransform     = ssa_untransform,
  .forecast        = ssa_forecast,
  .n_obs           = ssa_n_obs,
  .residuals       = ssa_residuals,
  .serves          = ssa_serves,
  .likelihood_of_y = 0,
  .prepare         = ssa_prepare,
  .capabilities    = ssa_capabilities,
  .newton_hessian  = ssa_newton_hessian,
  .conditional_loglik = ssa_conditional_loglik,
  .curvature       = ssa_curvature,
  .parse_mean      = ssa_parse_mean,
  .grammar         = ssa_grammar,
  .mean_name       = ssa_mean_name,
};
