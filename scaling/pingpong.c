/**
 * @file pingpong.c
 * @brief MPI ping-pong micro-benchmark between ranks 0 and 1: latency and bandwidth of
 *        point-to-point messages, and the round trip of a one-sided fetch-and-add (the cost of
 *        one "take" from the shared work counter of the dynamic schedule). A program that
 *        reports numbers, not a test; see docs/scaling.md.
 *
 * usage: mpirun -n 2 build/scaling/pingpong [-o FILE] [-repeat N] [-max BYTES]
 *   -o FILE      also write the CSV table to FILE
 *   -repeat N    timed repeats per message size; every reported time is the minimum over
 *                them (the least disturbed one: the machine is shared)            [20]
 *   -max BYTES   largest message size (rounded down to a power of two)        [4194304]
 * Ranks beyond 1 only wait at the barriers. Exit codes: 0 ok, 2 bad usage, 1 I/O error.
 *
 * Method (the PingPong of the Intel MPI Benchmarks and OSU osu_latency). For each message size
 * m = 8, 16, ..., max bytes (powers of two) rank 0 sends m bytes with MPI_Send, rank 1 receives
 * them with MPI_Recv and sends them back; one repeat is `iters` such round trips (iters = 2^20/m
 * clamped to [1, 1000]) after a barrier, timed with MPI_Wtime on rank 0; one untimed repeat
 * warms the size up. Reported per size: the round trip rtt (minimum over repeats of the repeat's
 * time / iters), the one-way time half_rtt = rtt / 2 and the ping-pong bandwidth m / half_rtt
 * (MB = 10^6 bytes; a lower bound of a streaming bandwidth such as osu_bw's, which keeps
 * several messages in flight). Summary: latency = half_rtt of the smallest message, bandwidth =
 * the largest ping-pong bandwidth among the messages of at least 1 MiB (or the largest message
 * if -max is smaller).
 *
 * One-sided rows: rank 0 exposes one int64 in a window (MPI_Win_allocate); rank 1 opens a
 * passive-target epoch (MPI_Win_lock_all) and times MPI_Fetch_and_op(MPI_SUM) + MPI_Win_flush
 * on it, the take of a shared-counter scheduler. Row `fetch_and_op`: 1000 takes per repeat while
 * rank 0 waits in MPI_Barrier (it can progress the operation). Row `fetch_and_op_target_busy`:
 * one take while rank 0 computes for 20 ms without calling MPI, as a working rank 0 does; if
 * this round trip is ~20 ms rather than ~the idle one, the MPI library needs the target to enter
 * MPI to complete an atomic (no hardware or asynchronous progress) and a take can wait for a
 * whole work unit of rank 0.
 *
 * Output (stdout, and FILE with -o): CSV with the header
 *   kind,bytes,iters,repeats,rtt_us,half_rtt_us,bandwidth_MBps
 * kind = sendrecv | fetch_and_op | fetch_and_op_target_busy; then on stdout only a comment line
 *   # pingpong: latency_us=... bandwidth_MBps=... fetch_and_op_us=... same_node=yes|no
 */
#include <mpi.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MIN_BYTES = 8, MAX_ITERS = 1000, LARGE_BYTES = 1 << 20 };
#define TARGET_BUSY_S 0.02 /* s, compute time of rank 0 during the busy-target take */

/** One row of the table: round trip time (s) of `bytes`, minimum over `repeats` of `iters`. */
typedef struct {
  const char *kind;
  long        bytes;
  int         iters, repeats;
  double      rtt;
} row;

/* Round trips per timed repeat for a message of m bytes: 2^20 / m clamped to [1, 1000] (short
 * repeats for large messages, so that some repeats escape the other load of a shared machine). */
static int iters_for(long m)
{
  long it = (1L << 20) / m;
  return (int)(it < 1 ? 1 : it > MAX_ITERS ? MAX_ITERS : it);
}

/* Collective over comm: one repeat of `iters` blocking round trips of m bytes between ranks 0
 * and 1; returns the elapsed time on rank 0 (0 elsewhere). */
static double sendrecv_repeat(MPI_Comm comm, int rank, char *buf, long m, int iters)
{
  double t0;
  MPI_Barrier(comm);
  t0 = MPI_Wtime();
  for (int i = 0; i < iters; i++) {
    if (rank == 0) {
      MPI_Send(buf, (int)m, MPI_BYTE, 1, 0, comm);
      MPI_Recv(buf, (int)m, MPI_BYTE, 1, 0, comm, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
      MPI_Recv(buf, (int)m, MPI_BYTE, 0, 0, comm, MPI_STATUS_IGNORE);
      MPI_Send(buf, (int)m, MPI_BYTE, 0, 0, comm);
    }
  }
  return rank == 0 ? MPI_Wtime() - t0 : 0.0;
}

/* Collective over comm: one repeat of `iters` fetch-and-adds by rank 1 on rank 0's counter;
 * returns the elapsed time on rank 1 (0 elsewhere). With target_busy_s > 0 rank 0 spins that
 * long without MPI calls instead of waiting in the barrier. */
static double fetch_repeat(MPI_Comm comm, int rank, MPI_Win win, int iters, double target_busy_s)
{
  const int64_t one = 1;
  int64_t       old;
  double        t = 0.0;
  MPI_Barrier(comm);
  if (rank == 1) {
    double t0 = MPI_Wtime();
    for (int i = 0; i < iters; i++) {
      MPI_Fetch_and_op(&one, &old, MPI_INT64_T, 0, 0, MPI_SUM, win);
      MPI_Win_flush(0, win);
    }
    t = MPI_Wtime() - t0;
  } else if (rank == 0 && target_busy_s > 0) {
    double t0 = MPI_Wtime();
    while (MPI_Wtime() - t0 < target_busy_s) {}
  }
  MPI_Barrier(comm);
  return t;
}

/* Minimum over `repeats` (after one warm-up) of the per-round-trip time, valid on rank `root`
 * and broadcast to all. kind 0: send/recv of m bytes; kind 1/2: fetch-and-op, target idle/busy. */
static double min_rtt(MPI_Comm comm, int rank, int kind, char *buf, long m, int iters, int repeats, MPI_Win win,
                      double busy_s)
{
  int    root = kind == 0 ? 0 : 1;
  double best = 0.0;
  for (int r = -1; r < repeats; r++) {
    double t = kind == 0 ? sendrecv_repeat(comm, rank, buf, m, iters) : fetch_repeat(comm, rank, win, iters, busy_s);
    if (r >= 0 && (r == 0 || t < best)) best = t;
  }
  MPI_Bcast(&best, 1, MPI_DOUBLE, root, comm);
  return best / iters;
}

static void print_rows(FILE *f, const row *rows, int n)
{
  fprintf(f, "kind,bytes,iters,repeats,rtt_us,half_rtt_us,bandwidth_MBps\n");
  for (int i = 0; i < n; i++)
    fprintf(f, "%s,%ld,%d,%d,%.4f,%.4f,%.2f\n", rows[i].kind, rows[i].bytes, rows[i].iters, rows[i].repeats,
            1e6 * rows[i].rtt, 0.5e6 * rows[i].rtt, rows[i].bytes / (0.5 * rows[i].rtt) / 1e6);
}

static int usage(int rank, const char *msg)
{
  if (rank == 0) fprintf(stderr, "pingpong: %s\nusage: mpirun -n 2 pingpong [-o FILE] [-repeat N] [-max BYTES]\n", msg);
  return 2;
}

int main(int argc, char **argv)
{
  int         rank, size, repeats = 20, n = 0, rc = 0, same_node;
  long        max_bytes = 4L << 20;
  const char *out       = NULL;
  char        host[MPI_MAX_PROCESSOR_NAME] = "", host1[MPI_MAX_PROCESSOR_NAME] = "";
  int         len;

  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int i = 1; i < argc && !rc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "-repeat") && i + 1 < argc) repeats = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-max") && i + 1 < argc) max_bytes = atol(argv[++i]);
    else rc = usage(rank, "unknown or incomplete option");
  }
  if (!rc && size < 2) rc = usage(rank, "needs at least 2 MPI ranks (only ranks 0 and 1 take part)");
  if (!rc && repeats < 1) rc = usage(rank, "-repeat must be >= 1");
  if (!rc && max_bytes < MIN_BYTES) rc = usage(rank, "-max must be >= 8");
  if (rc) {
    MPI_Finalize();
    return rc;
  }

  /* same node? rank 1 sends its processor name to rank 0 */
  MPI_Get_processor_name(host, &len);
  if (rank == 1) MPI_Send(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0, 1, MPI_COMM_WORLD);
  if (rank == 0) MPI_Recv(host1, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  same_node = !strcmp(host, host1);

  int   n_sizes = 0;
  long  top     = MIN_BYTES;
  while (top * 2 <= max_bytes) top *= 2, n_sizes++;
  n_sizes++;
  row  *rows = malloc((size_t)(n_sizes + 2) * sizeof *rows);
  char *buf  = malloc((size_t)top);
  if (!rows || !buf) {
    fprintf(stderr, "pingpong: out of memory (%ld bytes)\n", top);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  memset(buf, 1, (size_t)top);

  for (long m = MIN_BYTES; m <= top; m *= 2) {
    int it    = iters_for(m);
    rows[n++] = (row){"sendrecv", m, it, repeats, min_rtt(MPI_COMM_WORLD, rank, 0, buf, m, it, repeats, MPI_WIN_NULL, 0)};
  }

  MPI_Win  win;
  int64_t *counter;
  MPI_Win_allocate(sizeof *counter, sizeof *counter, MPI_INFO_NULL, MPI_COMM_WORLD, &counter, &win);
  *counter = 0;
  MPI_Win_lock_all(0, win);
  double idle = min_rtt(MPI_COMM_WORLD, rank, 1, NULL, 8, MAX_ITERS, repeats, win, 0);
  rows[n++]   = (row){"fetch_and_op", 8, MAX_ITERS, repeats, idle};
  /* one take while the target computes for 20 ms: ~idle if the atomic progresses without the
   * target, ~20 ms if it waits for the target to enter MPI */
  int rep_busy = repeats < 5 ? repeats : 5;
  rows[n++]    = (row){"fetch_and_op_target_busy", 8, 1, rep_busy,
                       min_rtt(MPI_COMM_WORLD, rank, 2, NULL, 8, 1, rep_busy, win, TARGET_BUSY_S)};
  MPI_Win_unlock_all(win);
  MPI_Win_free(&win);

  if (rank == 0) {
    double bw = 0;
    for (int i = 0; i < n_sizes; i++)
      if (rows[i].bytes >= LARGE_BYTES || i == n_sizes - 1) {
        double b = rows[i].bytes / (0.5 * rows[i].rtt) / 1e6;
        if (b > bw) bw = b;
      }
    print_rows(stdout, rows, n);
    printf("# pingpong: latency_us=%.4f (%d B half round trip) bandwidth_MBps=%.1f (max, >= %ld B) fetch_and_op_us=%.4f "
           "fetch_and_op_target_busy_us=%.4f same_node=%s\n",
           0.5e6 * rows[0].rtt, MIN_BYTES, bw, top < LARGE_BYTES ? top : (long)LARGE_BYTES,
           1e6 * rows[n - 2].rtt, 1e6 * rows[n - 1].rtt, same_node ? "yes" : "no");
    if (out) {
      FILE *f = fopen(out, "w");
      if (!f || (print_rows(f, rows, n), fclose(f) != 0)) {
        fprintf(stderr, "pingpong: -o %s: cannot write\n", out);
        rc = 1;
      }
    }
  }
  free(rows);
  free(buf);
  MPI_Finalize();
  return rc;
}
