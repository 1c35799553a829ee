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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options the running command reads: filled by hc_app_opt() as the readers are called. */
#define MAX_KNOWN 64
static const char *known[MAX_KNOWN];
static int         n_known;

/* The message of the user error being raised (PETSc passes it to the handler once). */
static char user_error[2048];

const char *hc_app_opt(const char *name)
{
  for (int i = 0; i < n_known; i++)
    if (!strcmp(known[i], name)) return name;
  if (n_known < MAX_KNOWN) known[n_known++] = name;
  return name;
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
  PetscFunctionReturn(0);
}

/* Options that PETSc itself reads, at any time of the run (the log at exit, the fitter's TAO when
 * it is created, the allocator, the error handling), by name prefix. They are never "unknown". */
static const char *const petsc_prefixes[] = {
  "log_",         /* -log_view, -log_trace, ...: the profile at exit */
  "fit_tao_",     /* the fitter's TAO solver (TaoSetOptionsPrefix "fit_") */
  "fit_ksp_",     /* its Newton system's KSP and PC */
  "fit_pc_",
  "malloc",       /* -malloc_debug, -malloc_dump, -malloc_view, ... */
  "options_",     /* -options_left, -options_file, -options_monitor, ... */
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
    int         petsc = 0;
    for (size_t k = 0; k < sizeof petsc_prefixes / sizeof *petsc_prefixes; k++)
      petsc |= !strncmp(s, petsc_prefixes[k], strlen(petsc_prefixes[k]));
    if (!petsc) unknown = s;
  }
  char message[512] = "";
  if (unknown) {
    const char *best = NULL;
    int         dbest = INT_MAX;
    for (int k = 0; k < n_known; k++) {
      int dist = edit_distance(unknown, known[k] + 1);
      if (dist < dbest) dbest = dist, best = known[k];
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
