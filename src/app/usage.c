/**
 * @file usage.c
 * @brief User errors of hpcast: the options a command reads, typed option readers that name the
 *        option and its allowed values, the unknown-option check, and the error handler that turns
 *        a user error into one line on rank 0 and exit code 2.
 *
 * A user error (bad option, bad value, bad grammar, unreadable universe, unwritable report) is
 * raised with PETSC_ERR_USER_INPUT on every rank alike (collective checks); hc_app_error_handler
 * keeps its message and prints nothing, so main() prints it once. Every other PETSc error keeps
 * PETSc's full traceback (PetscTraceBackErrorHandler).
 */
#include "app.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------------
 * The two lists of the journal fingerprint (hc_app_fingerprint): every option a command reads
 * through hc_app_opt() is in exactly one of them (tests/unit/test_app.c fails otherwise), and
 * every PETSc option the commands accept is matched by a prefix of exactly one of them.
 * ------------------------------------------------------------------------------------------ */

/* Options that change what a run computes: hashed, by their validated value (the default when
 * not given), so that resuming with other values starts over (and hpcast merge refuses shards
 * of other values). -shard: only its N, which fixes the split; every shard I of a sweep has
 * the same fingerprint (hpcast merge requires it), each its own journal beside its report. */
static const char *const result_options[] = {
  "-data_dir", "-data_file", "-column", "-transform", "-max_zero_share", "-min_obs",
  "-mean_models", "-seasonal_period", "-ic", "-order_search", "-exog", "-warm_start",
  "-vol_models", "-variance_targeting", "-stderr", "-horizon",
  "-fit_max_it", "-fit_starts", "-fit_random_starts", "-fit_screen_its", "-fit_screen_keep", "-fit_screen_css", "-fit_gatol",
  "-backtest_origins", "-refit_every", "-window", "-ensemble", "-cost_bps",
  "-shard", "-from", "-refit_after", "-refit_pit_ks",
};
/* Result options that do not decide the models (hc_app_model_options): where the data are,
 * the warm starts, the shard, and the daily update's own. */
static const char *const not_model_options[] = {"-data_dir", "-data_file", "-warm_start", "-shard", "-from", "-refit_after", "-refit_pit_ks"};
/* Options that change where, how or how visibly a run computes, not what: not hashed.
 * -report: the journal is <report>.journal, so the report path is its identity already;
 * -schedule, -spec_block: the decomposition (the records are the same); -resume: whether to
 * read the journal; -progress_interval: the progress lines. -merge_inputs is hpcast merge's;
 * -out, -data_format and -compress are hpcast convert's. */
static const char *const run_options[] = {
  "-report", "-schedule", "-spec_block", "-resume", "-progress_interval", "-merge_inputs", "-out", "-data_format", "-compress",
  /* the cross-sectional stage runs after the per-ticker records, which it does not change: a
   * resume with another model reuses the journal */
  "-covariance", "-covariance_min_overlap", "-covariance_window", "-covariance_full_max",
  "-portfolio", "-long_only", "-max_weight", "-max_gross", "-risk_aversion", "-sectors", "-max_sector_weight",
};

/* PETSc's own options, by name prefix (without the dash): they are never "unknown". Those of
 * the solvers the results come from are hashed by their value as given (-fit_tao_gatol 1e-9):
 * the fitter's TAO (TaoSetOptionsPrefix "fit_"), its Newton system's KSP and PC, and the
 * stacking weights' TAO (hc_ensemble_stacking: "ensemble_"). */
static const char *const result_prefixes[] = {
  "fit_tao_",
  "fit_ksp_",
  "fit_pc_",
  "ensemble_tao_",
};
/* PETSc's options that read at any time of the run (the log at exit, the allocator, the error
 * handling, the options machinery) and change no result: not hashed. */
static const char *const run_prefixes[] = {
  "covariance_tao_", /* the DCC's TAO, the factor model's SLEPc solver and its parts (covariance module) */
  "covariance_eps_",
  "covariance_st_",
  "covariance_bv_",
  "covariance_ds_",
  "covariance_rg_",
  "portfolio_tao_", /* the portfolio's TAO (portfolio module) */
  "log_",         /* -log_view, -log_trace, ...: the profile at exit */
  "malloc",       /* -malloc_debug, -malloc_dump, -malloc_view, ... */
  "options_",     /* -options_left, -options_file, -options_monitor, ... (the options of a file count by themselves) */
  "help",         /* -help, -help_intro */
  "info",         /* -info [filter] */
  "on_error_",    /* -on_error_abort, -on_error_attach_debugger */
  "no_signal_handler",
  "start_in_debugger",
  "stop_for_debugger",
  "debugger",
  "fp_trap",
  "check_pointer_intensity",
  "memory_view",
  "objects_dump",
  "history",
  "skip_petscrc",
  "version",
  "citations",
  "use_gpu_aware_mpi",
};

#define N_OF(a) (sizeof(a) / sizeof *(a))

/* The options the running command reads: filled by hc_app_opt() as the readers are called,
 * with the validated value that the fingerprint hashes (hc_app_opt_value; NULL: none given). */
#define MAX_KNOWN 64
static struct {
  const char *name;
  char       *value;
} known[MAX_KNOWN];
static int n_known;

/* The message of the user error being raised (PETSc passes it to the handler once). */
static char user_error[2048];

static int find_known(const char *name)
{
  for (int i = 0; i < n_known; i++)
    if (!strcmp(known[i].name, name)) return i;
  return -1;
}

const char *hc_app_opt(const char *name)
{
  if (find_known(name) < 0 && n_known < MAX_KNOWN) known[n_known++].name = name;
  return name;
}

PetscErrorCode hc_app_opt_value(const char *name, const char *fmt, ...)
{
  va_list ap;
  char    buf[HC_PATH_LEN + 64];
  int     i;

  PetscFunctionBeginUser;
  hc_app_opt(name);
  i = find_known(name);
  PetscCheck(i >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "more than %d options: raise MAX_KNOWN in usage.c", MAX_KNOWN);
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  free(known[i].value); /* plain malloc: kept until exit, after PetscFinalize's -malloc_dump */
  known[i].value = strdup(buf);
  PetscCheck(known[i].value, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscFunctionReturn(0);
}

static int in_list(const char *name, const char *const *list, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (!strcmp(name, list[k])) return 1;
  return 0;
}

/* 1 if option s (without its dash) starts with one of the n prefixes. */
static int has_prefix(const char *s, const char *const *prefixes, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (!strncasecmp(s, prefixes[k], strlen(prefixes[k]))) return 1;
  return 0;
}

hc_app_opt_class hc_app_opt_classify(const char *name)
{
  const int r = in_list(name, result_options, N_OF(result_options)), n = in_list(name, run_options, N_OF(run_options));
  if (r != n) return r ? HC_OPT_RESULT : HC_OPT_RUN;
  if (r) return HC_OPT_UNLISTED; /* in both: a mistake of the tables */
  const char *s = name[0] == '-' ? name + 1 : name;
  const int   rp = has_prefix(s, result_prefixes, N_OF(result_prefixes)), np = has_prefix(s, run_prefixes, N_OF(run_prefixes));
  return rp != np ? (rp ? HC_OPT_RESULT : HC_OPT_RUN) : HC_OPT_UNLISTED;
}

int hc_app_opt_read(int i, const char **name, const char **value)
{
  if (i < 0 || i >= n_known) return 0;
  *name = known[i].name;
  if (value) *value = known[i].value;
  return 1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* FNV-1a, 64 bits (Fowler, Noll & Vo), continued from h over the bytes of s. */
static unsigned long long fnv1a(unsigned long long h, const char *s)
{
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

PetscErrorCode hc_app_model_options(char *buf, size_t len)
{
  const char *names[MAX_KNOWN];
  int         n = 0;
  PetscFunctionBeginUser;
  for (int i = 0; i < n_known; i++) {
    int skip = hc_app_opt_classify(known[i].name) == HC_OPT_RUN;
    for (size_t k = 0; k < N_OF(not_model_options) && !skip; k++) skip = !strcmp(known[i].name, not_model_options[k]);
    if (!skip) names[n++] = known[i].name;
  }
  qsort(names, (size_t)n, sizeof *names, cmp_str);
  buf[0] = '\0';
  for (int i = 0; i < n; i++) {
    const char *v = known[find_known(names[i])].value;
    char        item[HC_PATH_LEN + 128];
    snprintf(item, sizeof item, "%s%s=%s", i ? ";" : "", names[i], v ? v : "(unset)");
    PetscCheck(strlen(buf) + strlen(item) < len, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the model options do not fit in %zu bytes", len);
    PetscCall(PetscStrlcat(buf, item, len));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_fingerprint(unsigned long long *fp)
{
  char       *all, *p, **lines;
  const char *names[MAX_KNOWN];
  int         n = 0, n_lines = 0, cap;

  PetscFunctionBeginUser;
  /* the options the command read, but for the run options, in name order: "name=value" */
  for (int i = 0; i < n_known; i++)
    if (hc_app_opt_classify(known[i].name) != HC_OPT_RUN) names[n++] = known[i].name; /* unlisted: hashed, to be safe */
  qsort(names, (size_t)n, sizeof *names, cmp_str);
  *fp = fnv1a(1469598103934665603ULL, "hpcast " HPCAST_VERSION "\n");
  for (int i = 0; i < n; i++) {
    const char *v = known[find_known(names[i])].value;
    *fp           = fnv1a(fnv1a(fnv1a(*fp, names[i]), "="), v ? v : "(unset)");
    *fp           = fnv1a(*fp, "\n");
  }
  /* PETSc's options of the result prefixes, as given, in name order (names lower case:
   * PETSc's names are case-insensitive). PetscOptionsGetAll: "-name value -name -name value"
   * (a value is hashed up to its first space: the solvers' values have none). */
  PetscCall(PetscOptionsGetAll(NULL, &all));
  cap = 1;
  for (p = all; *p; p++) cap += *p == '-';
  PetscCall(PetscCalloc1(cap, &lines));
  for (p = all; *p;) {
    while (*p == ' ') p++;
    if (!*p) break;
    char *tok = p;
    while (*p && *p != ' ') p++;
    if (*p) *p++ = '\0';
    if (tok[0] == '-' && isalpha((unsigned char)tok[1])) { /* a name (a value may be -1, never -x) */
      for (char *c = tok; *c; c++) *c = (char)tolower((unsigned char)*c);
      if (find_known(tok) < 0 && hc_app_opt_classify(tok) == HC_OPT_RESULT) {
        char *value = p;
        while (*value == ' ') value++;
        char *end = value;
        if (end[0] == '-' && isalpha((unsigned char)end[1])) end = value; /* no value */
        else
          while (*end && *end != ' ') end++;
        char line[1024];
        snprintf(line, sizeof line, "%s=%.*s", tok, (int)(end - value), value);
        PetscCall(PetscStrallocpy(line, &lines[n_lines++]));
      }
    }
  }
  qsort(lines, (size_t)n_lines, sizeof *lines, cmp_str);
  for (int i = 0; i < n_lines; i++) {
    *fp = fnv1a(fnv1a(*fp, lines[i]), "\n");
    PetscCall(PetscFree(lines[i]));
  }
  PetscCall(PetscFree(lines));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_opt_int(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, long lo, long hi, int *v)
{
  char      def[32], text[64], allowed[96];
  PetscBool set;

  PetscFunctionBeginUser;
  snprintf(def, sizeof def, "%d", *v);
  PetscCall(PetscStrncpy(text, def, sizeof text));
  PetscCall(PetscOptionsString(hc_app_opt(name), help, NULL, def, text, sizeof text, &set));
  if (hi == INT_MAX) snprintf(allowed, sizeof allowed, "integers >= %ld", lo);
  else snprintf(allowed, sizeof allowed, "integers %ld..%ld", lo, hi);
  if (set) {
    char *end;
    errno    = 0;
    long val = strtol(text, &end, 10);
    PetscCheck(text[0] && !*end && errno != ERANGE && val >= lo && val <= hi, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "%s %s: allowed values are %s", name, text, allowed);
    *v = (int)val;
  }
  PetscCall(hc_app_opt_value(name, "%d", *v));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_opt_real(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, double lo, double hi, int open_lo,
                               int open_hi, double *v)
{
  char      def[32], text[64], allowed[96];
  PetscBool set;

  PetscFunctionBeginUser;
  snprintf(def, sizeof def, "%g", *v);
  PetscCall(PetscStrncpy(text, def, sizeof text));
  PetscCall(PetscOptionsString(hc_app_opt(name), help, NULL, def, text, sizeof text, &set));
  if (isinf(hi)) snprintf(allowed, sizeof allowed, "reals %s %g", open_lo ? ">" : ">=", lo);
  else snprintf(allowed, sizeof allowed, "reals in %c%g, %g%c", open_lo ? '(' : '[', lo, hi, open_hi ? ')' : ']');
  if (set) {
    char  *end;
    double val = strtod(text, &end);
    int    ok  = text[0] && !*end && isfinite(val) && (open_lo ? val > lo : val >= lo) && (open_hi ? val < hi : val <= hi);
    PetscCheck(ok, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s %s: allowed values are %s", name, text, allowed);
    *v = val;
  }
  PetscCall(hc_app_opt_value(name, "%.17g", *v));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_opt_bool(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, PetscBool *v)
{
  char      text[32] = "";
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsString(hc_app_opt(name), help, NULL, *v ? "true" : "false", text, sizeof text, &set));
  if (set) {
    static const char *yes[] = {"", "true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
    int                is_yes = 0, is_no = 0;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) is_yes |= !strcasecmp(text, yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) is_no |= !strcasecmp(text, no[i]);
    PetscCheck(is_yes || is_no, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "%s %s: allowed values are true or false (the option alone means true)", name, text);
    *v = is_yes ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscCall(hc_app_opt_value(name, "%s", *v ? "true" : "false"));
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_opt_string(PetscOptionItems *PetscOptionsObject, const char *name, const char *help, char *v, size_t len, PetscBool *set)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsString(hc_app_opt(name), help, NULL, v, v, len, set));
  PetscCall(hc_app_opt_value(name, "%s", v));
  PetscFunctionReturn(0);
}

/* Levenshtein distance of a and b (at most 63 characters of each are compared). */
static int edit_distance(const char *a, const char *b)
{
  int la = (int)strlen(a), lb = (int)strlen(b), d[64][64];
  la = la > 63 ? 63 : la;
  lb = lb > 63 ? 63 : lb;
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int sub = d[i - 1][j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
      int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
      d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
  return d[la][lb];
}

PetscErrorCode hc_app_options_check_unknown(void)
{
  PetscInt n;
  char   **names, **values;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  const char *unknown = NULL;
  for (PetscInt i = 0; i < n && !unknown; i++) {
    const char *s = names[i][0] == '-' ? names[i] + 1 : names[i];
    if (!has_prefix(s, result_prefixes, N_OF(result_prefixes)) && !has_prefix(s, run_prefixes, N_OF(run_prefixes))) unknown = s;
  }
  char message[512] = "";
  if (unknown) {
    const char *best = NULL;
    int         dbest = INT_MAX;
    for (int k = 0; k < n_known; k++) {
      int dist = edit_distance(unknown, known[k].name + 1);
      if (dist < dbest) dbest = dist, best = known[k].name;
    }
    snprintf(message, sizeof message, "unknown option -%s%s%s%s; -help lists every option", unknown, best ? " (did you mean " : "",
             best ? best : "", best ? "?)" : "");
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!unknown, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s", message);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_app_error_handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p,
                                    const char *mess, void *ctx)
{
  if (n != PETSC_ERR_USER_INPUT) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p == PETSC_ERROR_INITIAL && mess) snprintf(user_error, sizeof user_error, "%s", mess);
  return n;
}

const char *hc_app_user_error(void) { return user_error; }
