/**
 * @file gen_panel.c
 * @brief Generator of large universes (a program, not a test; docs/scaling.md): N simulated
 *        tickers written straight into one HDF5 panel file (docs/panel.md).
 *
 * Ticker k (named S0000000, S0000001, ...) is an ARMA(1,1)-GARCH(1,1) series of percent log
 * returns with standardized Student-t innovations,
 *   r_t = mu + phi (r_{t-1} - mu) + e_t + theta e_{t-1},  e_t = sqrt(h_t) z_t,
 *   h_t = omega + alpha e_{t-1}^2 + beta h_{t-1},          z_t ~ t_nu sqrt((nu - 2) / nu),
 * (Bollerslev 1986, 1987; the draws are hc_dist_draw's), its parameters drawn per ticker from ranges typical of daily equity
 * returns: mu in [0, 0.08] %, phi and theta in [-0.3, 0.3], alpha in [0.03, 0.12], persistence
 * alpha + beta in [0.90, 0.985], unconditional variance omega / (1 - alpha - beta) in [1, 6] %^2,
 * nu in [4, 12]. Its length (prices) is drawn from the lengths of the tickers of -lengths_from,
 * a directory of CSV files (the shared universe: the real length distribution). The price starts
 * at 100 exp(U(-1, 1)) and follows exp(cumsum(r / 100)); the dates are the business days
 * (Monday to Friday) that end at -end. Ticker k's length and parameters come from its own
 * splitmix64 stream (Steele, Lea & Flood 2014) of -seed and k, which also seeds its innovations'
 * stream, so a universe is the same for any N up to its size, and reproducible.
 *
 * Options (PETSc options database):
 *   -out FILE           the panel to write                                [required]
 *   -lengths_from DIR   CSV directory whose row counts give the lengths   [required]
 *   -tickers N          tickers                                           [1000]
 *   -seed S             seed of the streams                               [1]
 *   -end YYYY-MM-DD     last date of every ticker                         [2021-04-21]
 *   -compress L         deflate level of the panel's data (0: none)       [0]
 *   -drop_last K        write each ticker without its last K rows (the same draws: the universe
 *                       of K days before, for hpcast update's benchmarks)  [0]
 * Column: adjusted_close (the job's default -column). Output, one line:
 *   gen_panel tickers=N rows=R seconds=s bytes=B
 */
#include "hpcast/io.h"
#include "hpcast/models.h"

#include <math.h>
#include <petscsys.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform on [a, b) from the splitmix64 stream x (the ticker's parameters). */
static double unif_ab(uint64_t *x, double a, double b) { return a + (b - a) * (double)(splitmix64(x) >> 11) * 0x1.0p-53; }

/* Days since 1970-01-01 of date "YYYY-MM-DD", or -1. */
static long long epoch_day(const char *s)
{
  struct tm tm = {0};
  if (sscanf(s, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return (long long)timegm(&tm) / 86400;
}

/* Rows of every CSV file of dir that reads, into a malloc'd array of *m lengths. */
static PetscErrorCode source_lengths(const char *dir, int **len, int *m)
{
  hc_universe u;
  char        err[HC_PATH_LEN + 256];
  PetscFunctionBeginUser;
  PetscCheck(!hc_io_universe_dir(dir, &u, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-lengths_from %s: %s", dir, err);
  PetscCall(PetscMalloc1(u.n, len));
  *m = 0;
  for (int i = 0; i < u.n; i++) {
    hc_series s;
    if (!u.reason[i][0] && !hc_io_read_csv(u.path[i], u.ticker[i], "adjusted_close", &s, err, sizeof err)) {
      if (s.n >= 2) (*len)[(*m)++] = s.n;
      hc_series_free(&s);
    }
  }
  hc_io_universe_free(&u);
  PetscCheck(*m > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-lengths_from %s: no CSV file with 2 or more rows", dir);
  PetscFunctionReturn(0);
}

/* Ticker k's prices price[n] and times time[n] (n drawn from len[m]), ending on day `end`.
 * @return n, or -1 when memory runs out. */
static int simulate(uint64_t seed, long k, const int *len, int m, long long end, double **price, long long **time, int *cap)
{
  uint64_t           x = seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(k + 1));
  const int          n = len[splitmix64(&x) % (uint64_t)m];
  unsigned long long state = splitmix64(&x) | 1; /* the innovations' xorshift64* stream (hc_dist_draw), never 0 */
  if (n > *cap) {
    double    *p = realloc(*price, sizeof *p * (size_t)n);
    long long *t = p ? realloc(*time, sizeof *t * (size_t)n) : NULL;
    if (p) *price = p;
    if (t) *time = t;
    if (!p || !t) return -1;
    *cap = n;
  }
  const double mu = unif_ab(&x, 0.0, 0.08), phi = unif_ab(&x, -0.3, 0.3), theta = unif_ab(&x, -0.3, 0.3), alpha = unif_ab(&x, 0.03, 0.12);
  const double beta = unif_ab(&x, 0.90, 0.985) - alpha, var = unif_ab(&x, 1.0, 6.0), omega = var * (1.0 - alpha - beta), nu = unif_ab(&x, 4.0, 12.0);
  hc_dist_eval law;
  if (hc_dist_prepare(HC_DIST_T, &nu, 0, &law)) return -1;
  double r = mu, e = 0.0, h = var, logp = log(100.0) + unif_ab(&x, -1.0, 1.0);
  (*price)[0] = exp(logp);
  for (int t = 1; t < n; t++) {
    h                  = omega + alpha * e * e + beta * h;
    const double e_new = sqrt(h) * hc_dist_draw(&law, &state);
    r                  = mu + phi * (r - mu) + e_new + theta * e;
    e                  = e_new;
    logp += r / 100.0;
    (*price)[t] = exp(logp);
  }
  long long day = end; /* business days backwards from end (1970-01-01 was a Thursday: weekday = (day + 3) % 7, 0 = Monday) */
  for (int t = n - 1; t >= 0; t--) {
    while ((day + 3) % 7 >= 5) day--;
    (*time)[t] = day-- * 86400LL;
  }
  return n;
}

int main(int argc, char **argv)
{
  char             out[HC_PATH_LEN] = "", dir[HC_PATH_LEN] = "", end_s[32] = "2021-04-21", err[HC_PATH_LEN + 256];
  PetscInt         N = 1000, seed = 1, level = 0, drop = 0;
  int             *len = NULL, m = 0, cap = 0;
  double          *price = NULL;
  long long       *time  = NULL, rows = 0;
  hc_panel_writer *w;

  hc_io_init();
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof out, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-lengths_from", dir, sizeof dir, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tickers", &N, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-seed", &seed, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-end", end_s, sizeof end_s, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-compress", &level, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-drop_last", &drop, NULL));
  PetscCheck(drop >= 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-drop_last %d: allowed 0 or more", (int)drop);
  PetscCheck(out[0] && dir[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "give -out FILE and -lengths_from DIR");
  PetscCheck(N >= 1 && N <= 10000000, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-tickers %d: allowed 1..10000000", (int)N);
  const long long end = epoch_day(end_s);
  PetscCheck(end > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-end %s: give a date YYYY-MM-DD", end_s);
  PetscCall(source_lengths(dir, &len, &m));
  const double t0 = MPI_Wtime();
  const char  *cols[1] = {"adjusted_close"};
  PetscCheck(!hc_io_panel_create(out, 1, cols, (int)level, &w, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-out: %s", err);
  for (long k = 0; k < N; k++) {
    char name[HC_NAME_LEN];
    snprintf(name, sizeof name, "S%07ld", k);
    const int full = simulate((uint64_t)seed, k, len, m, end, &price, &time, &cap), n = full - (int)drop;
    PetscCheck(full > 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    PetscCheck(n >= 2, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-drop_last %d leaves ticker %s %d rows", (int)drop, name, n);
    const double *v[1] = {price};
    PetscCheck(!hc_io_panel_append(w, name, n, time, NULL, v, "", "", err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-out: %s", err);
    rows += n;
  }
  PetscCheck(!hc_io_panel_finish(&w, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-out: %s", err);
  struct stat st;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "gen_panel tickers=%d rows=%lld seconds=%.1f bytes=%lld\n", (int)N, rows, MPI_Wtime() - t0,
                        stat(out, &st) ? 0LL : (long long)st.st_size));
  free(price);
  free(time);
  PetscCall(PetscFree(len));
  PetscCall(PetscFinalize());
  return 0;
}
