/**
 * @file universe.c
 * @brief Universe index of hpcast: the list of input CSV files and their tickers.
 *
 * Every directory entry whose name ends in `.csv` (any case) is one universe entry, whatever it
 * is: an entry that cannot be read as a file carries a reason instead of vanishing, and a name
 * that cannot be a ticker is listed under an escaped, unique ASCII name (rules in io.h,
 * hc_io_universe_dir). Entries are examined with stat/lstat/access only, never opened.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hpcast/io.h"
#include "universe.h"

/** Bytes a too long name keeps before its `~k` suffix. */
#define LONG_PREFIX 46
/** Bytes of an escaped file stem: 3 per byte of a file name (NAME_MAX 255), and the NUL. */
#define ESC_LEN (3 * 255 + 1)

/** One universe entry while the directory is scanned (named and sorted before copy-out). */
typedef struct {
  char name[256];             /* file name as listed (d_name) */
  char ticker[HC_NAME_LEN];   /* row name; for a too long name, the prefix until numbered */
  char path[HC_PATH_LEN];
  char reason[HC_REASON_LEN]; /* "" if the entry can be read */
  long bytes;
  long long mtime_ns;         /* modification time, ns since the epoch (0 if not a regular file) */
  int  is_long;               /* named by the too-long rule (prefix ~ k) */
  int  name_reason;           /* reason is about the name (too long, not a ticker) */
} entry;

static void set_err(char *err, size_t errlen, const char *what, const char *file, int errnum)
{
  if (!err || errlen == 0) return;
  if (errnum) snprintf(err, errlen, "%s '%s': %s", what, file, strerror(errnum));
  else snprintf(err, errlen, "%s '%s'", what, file);
}

/** 1 if byte c may appear in a ticker: ASCII letter, digit, or one of . - _ ^ = & */
static int ticker_char(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '^' || c == '=' || c == '&';
}

/**
 * Escape the first n bytes of stem into out[ESC_LEN] (n <= 255): bytes outside the ticker set,
 * and a leading '.', as %XX (upper-case hex). @return 1 if anything was escaped, else 0.
 */
static int escape_stem(const char *stem, size_t n, char *out)
{
  static const char hex[] = "0123456789ABCDEF";
  int escaped = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char c = (unsigned char)stem[i];
    if (ticker_char(c) && !(i == 0 && c == '.')) {
      *out++ = (char)c;
      continue;
    }
    *out++ = '%';
    *out++ = hex[c >> 4];
    *out++ = hex[c & 15];
    escaped = 1;
  }
  *out = '\0';
  return escaped;
}

/**
 * Give e its ticker from the first n bytes of its file stem and, if the name is not a ticker,
 * the name's reason (overriding any reason of the file itself).
 */
static void name_entry(entry *e, const char *stem, size_t n)
{
  char esc[ESC_LEN];
  const int escaped = escape_stem(stem, n, esc);
  const size_t len = strlen(esc);
  if (len >= HC_NAME_LEN) {
    e->is_long     = 1;
    e->name_reason = 1;
    memcpy(e->ticker, esc, LONG_PREFIX);
    e->ticker[LONG_PREFIX] = '\0';
    snprintf(e->reason, sizeof e->reason, "file name too long for a ticker (%zu bytes%s, at most %d)", len,
             escaped ? " escaped" : "", HC_NAME_LEN - 1);
    return;
  }
  memcpy(e->ticker, esc, len + 1);
  e->name_reason = escaped;
  if (escaped)
    hc_strlcpy(e->reason, "file name is not a valid ticker (allowed: A-Z a-z 0-9 . - _ ^ = &, not starting with .)",
               sizeof e->reason);
}

/** What is at e->path, as a reason ("" for a readable regular file), and its size. */
static void examine(entry *e)
{
  struct stat st;
  e->bytes    = 0;
  e->mtime_ns = 0;
  if (stat(e->path, &st) != 0) {
    const int errnum = errno;
    struct stat lst;
    if (errnum == ENOENT && lstat(e->path, &lst) == 0 && S_ISLNK(lst.st_mode))
      hc_strlcpy(e->reason, "dangling symbolic link", sizeof e->reason);
    else snprintf(e->reason, sizeof e->reason, "cannot stat: %s", strerror(errnum));
  } else if (S_ISDIR(st.st_mode)) hc_strlcpy(e->reason, "a directory, not a file", sizeof e->reason);
  else if (S_ISFIFO(st.st_mode)) hc_strlcpy(e->reason, "a FIFO, not a regular file", sizeof e->reason);
  else if (S_ISSOCK(st.st_mode)) hc_strlcpy(e->reason, "a socket, not a regular file", sizeof e->reason);
  else if (!S_ISREG(st.st_mode)) hc_strlcpy(e->reason, "a device, not a regular file", sizeof e->reason);
  else {
    e->bytes    = (long)st.st_size;
    e->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    if (access(e->path, R_OK) != 0) snprintf(e->reason, sizeof e->reason, "not readable: %s", strerror(errno));
  }
}

/** 1 if the file name of e ends in exactly ".csv" (the spelling that keeps a shared ticker). */
static int plain_suffix(const entry *e)
{
  return strcmp(e->name + strlen(e->name) - 4, ".csv") == 0;
}

/** Order of the duplicate pass: too long last, then by ticker, ".csv" first, then by file name. */
static int naming_cmp(const void *pa, const void *pb)
{
  const entry *a = pa, *b = pb;
  if (a->is_long != b->is_long) return a->is_long - b->is_long;
  int c = strcmp(a->ticker, b->ticker);
  if (c) return c;
  c = plain_suffix(b) - plain_suffix(a);
  return c ? c : strcmp(a->name, b->name);
}

/** Order of the numbering of too long names: too long last, then by ticker (prefix), file name. */
static int long_cmp(const void *pa, const void *pb)
{
  const entry *a = pa, *b = pb;
  if (a->is_long != b->is_long) return a->is_long - b->is_long;
  const int c = strcmp(a->ticker, b->ticker);
  return c ? c : strcmp(a->name, b->name);
}

static int ticker_cmp(const void *a, const void *b)
{
  return strcmp(((const entry *)a)->ticker, ((const entry *)b)->ticker);
}

/**
 * Make the tickers of e[0..n-1] unique (rules in io.h): the second and later entries of a shared
 * ticker become `<ticker>~<suffix>` (or too long names), too long names `<prefix>~k`; then sort
 * by ticker.
 */
static void unique_names(entry *e, int n)
{
  qsort(e, (size_t)n, sizeof *e, naming_cmp);
  for (int first = 0; first < n && !e[first].is_long;) {
    int i = first + 1;
    for (; i < n && !e[i].is_long && !strcmp(e[i].ticker, e[first].ticker); i++) {
      entry *x = &e[i];
      if (!x->name_reason)
        /* the primary is a ticker of at most 63 bytes and a 4-byte suffix */
        snprintf(x->reason, sizeof x->reason, "duplicate ticker %s: also %.67s", e[first].ticker, e[first].name);
      const size_t k = strlen(x->ticker);
      if (k + 4 < HC_NAME_LEN) {
        x->ticker[k] = '~';
        memcpy(x->ticker + k + 1, x->name + strlen(x->name) - 3, 4); /* the suffix letters and NUL */
      } else {
        x->is_long = 1;
        x->ticker[LONG_PREFIX] = '\0';
      }
    }
    first = i;
  }
  qsort(e, (size_t)n, sizeof *e, long_cmp);
  for (int i = 0, k = 1; i < n; i++) {
    if (!e[i].is_long) continue;
    k = i > 0 && e[i - 1].is_long && !strncmp(e[i - 1].ticker, e[i].ticker, LONG_PREFIX) ? k + 1 : 1;
    snprintf(e[i].ticker + LONG_PREFIX, HC_NAME_LEN - LONG_PREFIX, "~%d", k);
  }
  qsort(e, (size_t)n, sizeof *e, ticker_cmp);
}

int hc_universe_alloc(hc_universe *u, int n, size_t path_bytes)
{
  memset(u, 0, sizeof *u);
  const size_t m = n > 0 ? (size_t)n : 1;
  u->ticker      = calloc(m, sizeof *u->ticker);
  u->path        = calloc(m, sizeof *u->path);
  u->path_pool   = calloc(path_bytes ? path_bytes : 1, 1);
  u->bytes       = calloc(m, sizeof *u->bytes);
  u->reason      = calloc(m, sizeof *u->reason);
  u->mtime_ns    = calloc(m, sizeof *u->mtime_ns);
  u->row         = calloc(m, sizeof *u->row);
  if (!u->ticker || !u->path || !u->path_pool || !u->bytes || !u->reason || !u->mtime_ns || !u->row) {
    hc_io_universe_free(u);
    return -1;
  }
  for (int i = 0; i < n; i++) u->row[i] = i;
  u->n = n;
  return 0;
}

/** Copy the n named entries into a fresh universe. @return 0 or -1 on allocation failure. */
static int universe_from(hc_universe *u, const entry *e, int n)
{
  size_t pool = 0;
  for (int i = 0; i < n; i++) pool += strlen(e[i].path) + 1;
  if (hc_universe_alloc(u, n, pool)) return -1;
  char *at = u->path_pool;
  for (int i = 0; i < n; i++) {
    const size_t l = strlen(e[i].path) + 1;
    memcpy(u->ticker[i], e[i].ticker, sizeof u->ticker[i]);
    u->path[i] = memcpy(at, e[i].path, l);
    at += l;
    memcpy(u->reason[i], e[i].reason, sizeof u->reason[i]);
    u->bytes[i]    = e[i].bytes;
    u->mtime_ns[i] = e[i].mtime_ns;
  }
  return 0;
}

/**
 * List every entry `*.csv` of directory `dir` as a universe (rules and reasons in io.h).
 *
 * The suffix is matched with strcasecmp (ASCII case only). A name is examined by stat (a
 * symbolic link to a regular file counts as that file), lstat (to tell a dangling link from
 * a missing entry) and access(R_OK); nothing is opened. Not collective.
 *
 * @return 0; -1 with err naming the directory if it cannot be read, holds no `*.csv` entry,
 *         a path does not fit HC_PATH_LEN, or memory runs out.
 */
int hc_io_universe_dir(const char *dir, hc_universe *u, char *err, size_t errlen)
{
  memset(u, 0, sizeof *u);
  DIR *d = opendir(dir);
  if (!d) {
    set_err(err, errlen, "cannot open universe directory", dir, errno);
    return -1;
  }
  entry *e = NULL;
  int n = 0, cap = 0, rc = 0;
  struct dirent *de;
  errno = 0;
  while (rc == 0 && (de = readdir(d))) {
    const size_t len = strlen(de->d_name);
    if (len <= 4 || strcasecmp(de->d_name + len - 4, ".csv") != 0) continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 256;
      entry *ne = realloc(e, (size_t)cap * sizeof *e);
      if (!ne) {
        set_err(err, errlen, "out of memory listing", dir, 0);
        rc = -1;
        break;
      }
      e = ne;
    }
    entry *x = &e[n];
    memset(x, 0, sizeof *x);
    memcpy(x->name, de->d_name, len + 1);
    if ((size_t)snprintf(x->path, sizeof x->path, "%s/%s", dir, de->d_name) >= sizeof x->path) {
      set_err(err, errlen, "path too long in", dir, 0);
      rc = -1;
    } else {
      examine(x);
      name_entry(x, x->name, len - 4);
      n++;
    }
    errno = 0;
  }
  if (rc == 0 && errno) {
    set_err(err, errlen, "cannot read universe directory", dir, errno);
    rc = -1;
  }
  closedir(d);
  if (rc == 0 && n == 0) {
    set_err(err, errlen, "no *.csv file in universe directory", dir, 0);
    rc = -1;
  }
  if (rc == 0) {
    unique_names(e, n);
    if (universe_from(u, e, n)) {
      set_err(err, errlen, "out of memory listing", dir, 0);
      rc = -1;
    }
  }
  free(e);
  return rc;
}

/**
 * A universe of the single file `file` (ticker rules of hc_io_universe_dir, see io.h).
 *
 * Ticker = base name without its last extension (`data/BRK.B.csv` -> `BRK.B`, `series` ->
 * `series`, `.hidden` -> `%2Ehidden`); path = file as given. u is overwritten (zeroed on error).
 * Not collective.
 *
 * @return 0; -1 with err naming the file if it does not exist, is not a regular file, its
 *         path does not fit HC_PATH_LEN, or memory runs out.
 */
int hc_io_universe_file(const char *file, hc_universe *u, char *err, size_t errlen)
{
  memset(u, 0, sizeof *u);
  struct stat st;
  if (stat(file, &st) != 0) {
    set_err(err, errlen, "cannot open universe file", file, errno);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    set_err(err, errlen, "not a regular file", file, 0);
    return -1;
  }
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  const char *dot = strrchr(base, '.');
  size_t len = (dot && dot != base) ? (size_t)(dot - base) : strlen(base);
  if (strlen(file) >= HC_PATH_LEN || len > 255) {
    set_err(err, errlen, "path too long for", file, 0);
    return -1;
  }
  entry x;
  memset(&x, 0, sizeof x);
  hc_strlcpy(x.path, file, sizeof x.path);
  examine(&x);
  name_entry(&x, base, len);
  if (x.is_long) snprintf(x.ticker + LONG_PREFIX, HC_NAME_LEN - LONG_PREFIX, "~1");
  if (universe_from(u, &x, 1)) {
    set_err(err, errlen, "out of memory for", file, 0);
    return -1;
  }
  return 0;
}

/** Free the arrays of a universe and zero it. Safe on a zeroed universe. Not collective. */
void hc_io_universe_free(hc_universe *u)
{
  free(u->ticker);
  free(u->path);
  free(u->path_pool);
  free(u->bytes);
  free(u->reason);
  free(u->mtime_ns);
  free(u->row);
  memset(u, 0, sizeof *u);
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

int hc_io_universe_add(hc_universe *u, int n, const char (*ticker)[HC_NAME_LEN], const char *reason)
{
  int add = 0;
  for (int k = 0; k < n; k++) add += !bsearch(ticker[k], u->ticker, (size_t)u->n, sizeof *u->ticker, by_name);
  if (!add) return 0;
  hc_universe v;
  size_t      pool = 0;
  for (int i = 0; i < u->n; i++) pool += strlen(u->path[i]) + 1;
  if (hc_universe_alloc(&v, u->n + add, pool + 1)) return -1;
  char *at   = v.path_pool, *empty = v.path_pool + pool;
  v.is_panel = u->is_panel;
  for (int i = 0, j = 0, k = 0; i < v.n; i++) { /* merge: u's entries and the new names, in ticker order */
    while (k < n && bsearch(ticker[k], u->ticker, (size_t)u->n, sizeof *u->ticker, by_name)) k++;
    if (j < u->n && (k >= n || strcmp(u->ticker[j], ticker[k]) < 0)) {
      memcpy(v.ticker[i], u->ticker[j], sizeof v.ticker[i]);
      memcpy(v.reason[i], u->reason[j], sizeof v.reason[i]);
      const size_t l = strlen(u->path[j]) + 1;
      v.path[i]      = memcpy(at, u->path[j], l);
      at += l;
      v.bytes[i] = u->bytes[j], v.mtime_ns[i] = u->mtime_ns[j], v.row[i] = u->row[j];
      j++;
    } else {
      hc_strlcpy(v.ticker[i], ticker[k++], HC_NAME_LEN);
      hc_strlcpy(v.reason[i], reason, HC_REASON_LEN);
      v.path[i] = empty, v.row[i] = -1;
    }
  }
  hc_io_universe_free(u);
  *u = v;
  return add;
}
