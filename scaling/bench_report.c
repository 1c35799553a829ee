/**
 * @file bench_report.c
 * @brief Benchmark: rank 0's share of a run of N tickers (a program, not a test; see
 *        docs/scaling.md): per record as it arrives, the journal append and the report add
 *        (the measure of every table, /fits included); at the end, the tail after the last unit (the tables in
 *        one pass over the journal with the universe portfolio, then the finish).
 *
 * The records are those of a real run, replicated: the journal of a `-shard` run (kept beside
 * its report) holds m records; ticker k = 0..N-1 of the benchmark is record k mod m renamed
 * "B%07d". They are journalled and added in the order they reach rank 0 in a run on P ranks
 * (-ranks): the driver's dispatch order (hc_parallel_dispatch_order over the tickers' costs,
 * n_obs x fits of the source record), each window of P - 1 consecutive tickers arriving in a
 * scrambled order (position i * p mod len in a window of len, p a prime not dividing len), as
 * the P - 1 workers finish the units they hold at about the same time; then they are read back in ticker order for the
 * tables (read ahead by hc_io_journal_reader), exactly as src/app/driver.c does (same calls,
 * same order). The read of each
 * record from the source journal (pread, CRC-32, unpack) stands in for rank 0's unpack of the
 * MPI message and is timed too.
 *
 * Options (PETSc options database):
 *   -journal PATH   journal of a run (e.g. out/shard_0.h5.journal of a -shard run)  [required]
 *   -tickers N      tickers of the benchmark universe                                 [10000]
 *   -ranks P        ranks of the run whose arrival order is replayed                  [1024]
 *   -out DIR        where the benchmark's journal and report are written              [/tmp]
 *   -journal_sync S group-commit interval of the journal, s (0: fsync every record)  [HC_JOURNAL_SYNC_S, the job's]
 *   -keep           keep the report and journal (default: removed)
 * Output, one line:
 *   bench_report tickers=N ranks=P source_records=m record_bytes=B read_ms=a journal_ms=b add_ms=c
 *   per_record_ms=a+b+c tables_s=t tables_read_s=r finish_s=f tail_s=t+f tail_ms_per_ticker=.. report_bytes=..
 *   peak_rss_mb=..
 * (ms per record: mean over the N records; journal_ms is the caller's share of an append, the
 * pack and the hand-off to the journal's writer thread, which writes on another core as in the
 * driver; tail: seconds from the start of the tables pass to
 * the published report; tables_read_s: the part of tables_s spent waiting for the records, read
 * back ahead by the journal's reader thread as in the driver, and adding them to the portfolio). Not collective (one rank).
 */
#include <errno.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hpcast/eval.h"
#include "hpcast/io.h"
#include "hpcast/parallel.h"

/* The source journal's records by offset, with their a-priori costs (n_obs x fits). */
typedef struct {
  long   *offset;
  double *cost;
  int     n, cap;
} source_index;

static int index_record(void *ctx, const hc_result *r, long offset)
{
  source_index *x = ctx;
  if (x->n == x->cap) {
    x->cap    = 2 * x->cap + 64;
    long   *o = realloc(x->offset, sizeof *o * (size_t)x->cap);
    if (o) x->offset = o;
    double *c = realloc(x->cost, sizeof *c * (size_t)x->cap);
    if (c) x->cost = c;
    if (!o || !c) return ENOMEM;
  }
  x->cost[x->n]     = (double)r->n_obs * (r->n_fits + 1);
  x->offset[x->n++] = offset;
  return 0;
}

/* The tables pass's source: the benchmark journal in ticker order (k = i), each record also
 * added to the universe portfolio, as the driver's read_row. */
typedef struct {
  hc_journal_reader *rd;      /* the benchmark journal read ahead in ticker order */
  hc_portfolio      *pf;
  double             seconds; /* waiting for the reader, and the portfolio */
} tail_source;

static int tail_row(void *ctx, int i, hc_result *r)
{
  tail_source *s = ctx;
  char         err[HC_PATH_LEN + 128];
  const double t0 = hc_time_wall();
  int          rc = hc_io_journal_reader_next(s->rd, r, err, sizeof err);
  (void)i;
  if (rc) fprintf(stderr, "bench_report: %s\n", err);
  else rc = hc_trading_portfolio_add(s->pf, r->strategy, r->n_strategy);
  s->seconds += hc_time_wall() - t0;
  return rc;
}

/* A prime step that does not divide n: k = i * step mod n is then a permutation of 0..n-1. */
static long scramble_step(long n)
{
  static const long primes[] = {7919, 7927, 7933, 7937};
  for (int k = 0; k < 4; k++)
    if (n % primes[k]) return primes[k];
  return 1;
}

int main(int argc, char **argv)
{
  char               src_path[HC_PATH_LEN] = "", dir[HC_PATH_LEN] = "/tmp", jpath[HC_PATH_LEN + 32], rpath[HC_PATH_LEN + 32];
  char               err[HC_PATH_LEN + 256];
  PetscInt           N    = 10000, P = 1024;
  PetscBool          keep = PETSC_FALSE;
  PetscReal          sync_s = HC_JOURNAL_SYNC_S;
  uint64_t           fp;
  hc_journal        *src, *bench;
  source_index       x = {0};
  hc_report_writer  *w;
  hc_trading_options trading;
  hc_trading_metrics portfolio;
  hc_report_meta     meta = {.hpcast_version = HPCAST_VERSION, .options = "bench_report", .n_ranks = 1, .schedule = "dynamic"};
  double             t_read = 0, t_journal = 0, t_add = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-journal", src_path, sizeof src_path, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tickers", &N, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-ranks", &P, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", dir, sizeof dir, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-keep", &keep, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-journal_sync", &sync_s, NULL));
  PetscCheck(src_path[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-journal: give the journal of a run (a -shard run keeps it beside its report)");
  PetscCheck(N >= 1 && N <= 9999999, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-tickers %" PetscInt_FMT ": allowed 1..9999999", N);
  PetscCheck(P >= 1 && P <= 1048576, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-ranks %" PetscInt_FMT ": allowed 1..1048576", P);
  PetscCheck(!hc_io_journal_open_read(src_path, &fp, &src, index_record, &x, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-journal %s: %s", src_path, err);
  PetscCheck(x.n > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-journal %s: no records", src_path);
  snprintf(jpath, sizeof jpath, "%s/bench_report.h5.journal", dir);
  snprintf(rpath, sizeof rpath, "%s/bench_report.h5", dir);
  PetscCheck(!hc_io_journal_open(jpath, fp, 0, &bench, NULL, NULL, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s", err);
  hc_io_journal_set_sync_interval(bench, sync_s);
  PetscCheck(!hc_io_report_begin(rpath, &w, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s", err);

  /* as records arrive: journal (durable), then /fits and the table measure */
  long   *offset;
  int    *order;
  double *gcost, umax = 0.0;
  PetscCall(PetscMalloc3(N, &offset, N, &order, N, &gcost));
  for (long k = 0; k < N; k++) {
    gcost[k] = x.cost[k % x.n];
    umax     = gcost[k] > umax ? gcost[k] : umax;
  }
  PetscCheck(!hc_parallel_dispatch_order((int)N, gcost, umax, (int)P, order), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  const long W = P > 1 ? P - 1 : 1; /* records in flight: one per worker */
  for (long i = 0; i < N; i++) {
    const long b = i / W * W, len = b + W <= N ? W : N - b; /* the window of i */
    const long k = order[b + (i - b) * scramble_step(len) % len];
    hc_result  r  = {0};
    double     t0 = hc_time_wall();
    PetscCheck(!hc_io_journal_read_at(src, x.offset[k % x.n], &r, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s", err);
    snprintf(r.ticker, HC_NAME_LEN, "B%07ld", k);
    double t1 = hc_time_wall();
    PetscCheck(!hc_io_journal_append(bench, 1, &r, &offset[k], err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s", err);
    double t2 = hc_time_wall();
    PetscCheck(!hc_io_report_add(w, &r), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s", hc_io_report_error(w));
    double t3 = hc_time_wall();
    hc_result_free(&r);
    t_read += t1 - t0;
    t_journal += t2 - t1;
    t_add += t3 - t2;
  }

  /* the tail: the tables in one pass in ticker order with the portfolio, then the finish */
  tail_source s  = {NULL, NULL, 0};
  double      t0 = hc_time_wall();
  hc_trading_options_default(&trading);
  PetscCheck(!hc_trading_portfolio_create(&s.pf), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCheck(!hc_io_journal_reader_start(bench, (int)N, offset, HC_JOURNAL_READ_AHEAD, &s.rd, err, sizeof err), PETSC_COMM_SELF,
             PETSC_ERR_LIB, "%s", err);
  PetscCheck(!hc_io_report_tables(w, (int)N, tail_row, &s), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s", hc_io_report_error(w));
  hc_io_journal_reader_stop(&s.rd);
  PetscCheck(!hc_trading_portfolio_finish(s.pf, &trading, &portfolio), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  hc_trading_portfolio_destroy(&s.pf);
  hc_report_book book = {.book = "strategies", .m = portfolio};
  meta.n_books       = 1;
  meta.books         = &book;
  double t1 = hc_time_wall();
  PetscCheck(!hc_io_report_finish(&w, &meta, 0, NULL, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s", err);
  double t2 = hc_time_wall();

  struct stat js, rs;
  PetscCheck(!stat(jpath, &js) && !stat(rpath, &rs), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot stat %s or %s", jpath, rpath);
  const double ms = 1e3 / (double)N;
  PetscCall(PetscPrintf(PETSC_COMM_SELF,
                        "bench_report tickers=%" PetscInt_FMT " ranks=%" PetscInt_FMT " source_records=%d record_bytes=%.0f read_ms=%.4f journal_ms=%.4f add_ms=%.4f "
                        "per_record_ms=%.4f tables_s=%.3f tables_read_s=%.3f finish_s=%.3f tail_s=%.3f tail_ms_per_ticker=%.4f report_bytes=%lld peak_rss_mb=%.1f\n",
                        N, P, x.n, (double)js.st_size / (double)N, t_read * ms, t_journal * ms, t_add * ms, (t_read + t_journal + t_add) * ms,
                        t1 - t0, s.seconds, t2 - t1, t2 - t0, (t2 - t0) * ms, (long long)rs.st_size, hc_peak_rss_mb()));
  PetscCheck(!hc_io_journal_close(&bench, !keep), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot close %s", jpath);
  if (!keep) unlink(rpath);
  hc_io_journal_close(&src, 0);
  free(x.offset);
  free(x.cost);
  PetscCall(PetscFree3(offset, order, gcost));
  PetscCall(PetscFinalize());
  return 0;
}
