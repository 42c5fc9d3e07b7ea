/*
 * File helpers: whole-file reads (limits, alignment, special files), atomic
 * replacement under failures (bad paths, a file-size limit that cuts a
 * write short, and a real full disk on a 64 KiB tmpfs when running as root)
 * — an existing file must never be replaced by a partial one and no
 * temporary file may remain — and the labels reader.
 */
#define _GNU_SOURCE /* mount(2), for the full-disk case */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/mount.h>
#endif

#include "io/file.h"
#include "test_util.h"

static char g_dir[64];

static void put_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  CHECK(fwrite(data, 1, n, f) == n);
  CHECK(fclose(f) == 0);
}

/* 1 if `path` holds exactly `data`. */
static int file_is(const char *path, const void *data, size_t n) {
  void *got;
  size_t size;
  oct_error err;
  if (oct_file_read(path, 0, &got, &size, &err) != OCT_OK) return 0;
  int same = size == n && memcmp(got, data, n) == 0;
  oct_file_free(got);
  return same;
}

/* Entries of `dir` other than those named in `keep` (NULL-terminated). */
static int stray_files(const char *dir, const char *const *keep) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    int known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    for (const char *const *k = keep; *k && !known; k++)
      known = !strcmp(e->d_name, *k);
    if (!known) {
      fprintf(stderr, "stray file in %s: %s\n", dir, e->d_name);
      n++;
    }
  }
  if (d) closedir(d);
  return n;
}

static void test_read(void) {
  char path[128];
  snprintf(path, sizeof path, "%s/r.bin", g_dir);
  put_file(path, "hello world", 11);
  void *data;
  size_t n;
  oct_error err;
  CHECK(oct_file_read(path, 0, &data, &n, &err) == OCT_OK);
  CHECK(n == 11 && memcmp(data, "hello world", 12) == 0); /* NUL included */
  CHECK(((uintptr_t)data & (OCT_FILE_ALIGN - 1)) == 0);
  oct_file_free(data);
  /* Limits: exactly at the limit is fine, one over is not. */
  CHECK(oct_file_read(path, 11, &data, &n, &err) == OCT_OK && n == 11);
  oct_file_free(data);
  CHECK(oct_file_read(path, 10, &data, &n, &err) == OCT_ERR_LIMIT);
  CHECK(data == NULL && n == 0);
  CHECK(strstr(err.message, path) && strstr(err.message, "limit"));
  /* Empty file: a valid (non-NULL) buffer of size 0. */
  put_file(path, "", 0);
  CHECK(oct_file_read(path, 0, &data, &n, &err) == OCT_OK);
  CHECK(n == 0 && data != NULL && ((char *)data)[0] == 0);
  oct_file_free(data);
  unlink(path);
  /* Missing files and directories. */
  CHECK(oct_file_read(path, 0, &data, &n, &err) == OCT_ERR_IO);
  CHECK(strstr(err.message, path) && strstr(err.message, "No such file"));
  CHECK(oct_file_read(g_dir, 0, &data, &n, &err) == OCT_ERR_IO);
  CHECK(strstr(err.message, "directory") != NULL);
  CHECK(oct_file_read(NULL, 0, &data, &n, &err) == OCT_ERR_INVALID_ARG);
  /* Files whose size stat does not tell: a device and a /proc file. */
  CHECK(oct_file_read("/dev/null", 0, &data, &n, &err) == OCT_OK && n == 0);
  oct_file_free(data);
  CHECK(oct_file_read("/dev/zero", 100000, &data, &n, &err) == OCT_ERR_LIMIT);
  if (access("/proc/self/status", R_OK) == 0) {
    CHECK(oct_file_read("/proc/self/status", 0, &data, &n, &err) == OCT_OK);
    CHECK(n > 10 && strstr(data, "Name:") != NULL);
    oct_file_free(data);
  }
  /* A file larger than one read() and than the first guess. */
  static uint8_t big[300000];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 13);
  snprintf(path, sizeof path, "%s/big.bin", g_dir);
  put_file(path, big, sizeof big);
  CHECK(file_is(path, big, sizeof big));
  unlink(path);
}

static void test_write(void) {
  char path[128];
  static const char *const only_w[] = {"w.bin", NULL};
  static const char *const none[] = {NULL};
  snprintf(path, sizeof path, "%s/w.bin", g_dir);
  oct_error err;
  /* New file, with the umask applied to 0666. */
  mode_t old_mask = umask(022);
  CHECK(oct_file_write_atomic(path, "abc", 3, &err) == OCT_OK);
  umask(old_mask);
  CHECK(file_is(path, "abc", 3));
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
  /* Replacing keeps the old file's mode. */
  CHECK(chmod(path, 0600) == 0);
  oct_file_chunk parts[3] = {{"x", 1}, {NULL, 0}, {"yz", 2}};
  CHECK(oct_file_write_atomicv(path, parts, 3, &err) == OCT_OK);
  CHECK(file_is(path, "xyz", 3));
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
  CHECK(oct_file_write_atomic(path, NULL, 0, &err) == OCT_OK);
  CHECK(file_is(path, "", 0));
  CHECK(oct_file_write_atomic(path, "keep", 4, &err) == OCT_OK);
  CHECK(stray_files(g_dir, only_w) == 0);

  /* Bad paths fail cleanly and leave nothing behind. */
  CHECK(oct_file_write_atomic("/nonexistent/dir/f.bin", "a", 1, &err) ==
        OCT_ERR_IO);
  CHECK(strstr(err.message, "/nonexistent/dir/f.bin") != NULL);
  char sub[128];
  snprintf(sub, sizeof sub, "%s/sub/", g_dir);
  CHECK(oct_file_write_atomic(sub, "a", 1, &err) == OCT_ERR_INVALID_ARG);
  CHECK(oct_file_write_atomic("", "a", 1, &err) == OCT_ERR_INVALID_ARG);
  CHECK(oct_file_write_atomic(path, NULL, 5, &err) == OCT_ERR_INVALID_ARG);
  CHECK(file_is(path, "keep", 4));
  /* The target is a directory: the rename fails; the directory stays. */
  sub[strlen(sub) - 1] = '\0';
  CHECK(mkdir(sub, 0755) == 0);
  CHECK(oct_file_write_atomic(sub, "a", 1, &err) == OCT_ERR_IO);
  CHECK(strstr(err.message, "cannot replace") != NULL);
  CHECK(stat(sub, &st) == 0 && S_ISDIR(st.st_mode));
  CHECK(rmdir(sub) == 0);
  CHECK(stray_files(g_dir, only_w) == 0);

  /* A write cut short by the file-size limit (EFBIG), as a full disk
   * would: the old file survives whole and no temporary file is left. */
  static uint8_t big[256 * 1024];
  memset(big, 0xAB, sizeof big);
  struct rlimit saved, small;
  CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0);
  small = saved;
  small.rlim_cur = 64 * 1024;
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
  oct_status s = oct_file_write_atomic(path, big, sizeof big, &err);
  CHECK(setrlimit(RLIMIT_FSIZE, &saved) == 0);
  signal(SIGXFSZ, old_handler);
  CHECK(s == OCT_ERR_IO);
  CHECK_MSG(strstr(err.message, "write failed") != NULL, "%s", err.message);
  CHECK(file_is(path, "keep", 4));
  CHECK(stray_files(g_dir, only_w) == 0);
  unlink(path);
  CHECK(stray_files(g_dir, none) == 0);
}

/* A real ENOSPC: a 64 KiB tmpfs, mounted for the test (root only). The
 * checks run in a child so that the mount is removed whatever happens. */
static int full_disk_child(const char *dir) {
  char path[256];
  snprintf(path, sizeof path, "%s/model.bin", dir);
  static uint8_t old[24 * 1024], big[56 * 1024];
  memset(old, 1, sizeof old);
  memset(big, 2, sizeof big);
  oct_error err;
  int fails = 0;
  fails += oct_file_write_atomic(path, old, sizeof old, &err) != OCT_OK;
  oct_status s = oct_file_write_atomic(path, big, sizeof big, &err);
  printf("  full disk: %s\n", err.message);
  fails += s != OCT_ERR_IO;
  fails += strstr(err.message, "No space left") == NULL;
  fails += !file_is(path, old, sizeof old);
  static const char *const keep[] = {"model.bin", NULL};
  fails += stray_files(dir, keep) != 0;
  /* With the old file gone there is room again. */
  unlink(path);
  fails += oct_file_write_atomic(path, big, sizeof big, &err) != OCT_OK;
  fails += !file_is(path, big, sizeof big);
  unlink(path);
  return fails;
}

static void test_full_disk(void) {
#ifdef __linux__
  if (geteuid() != 0) {
    printf("note: not root; the tmpfs full-disk case is skipped\n");
    return;
  }
  char mnt[128];
  snprintf(mnt, sizeof mnt, "%s/tiny", g_dir);
  CHECK(mkdir(mnt, 0755) == 0);
  if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") != 0) {
    printf("note: cannot mount a tmpfs (%s); full-disk case skipped\n",
           strerror(errno));
    rmdir(mnt);
    return;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int fails = full_disk_child(mnt);
    fflush(stdout);
    _exit(fails);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "full-disk checks failed (status %d)", status);
  CHECK(umount2(mnt, MNT_DETACH) == 0);
  CHECK(rmdir(mnt) == 0);
#else
  printf("note: full-disk case is Linux-only\n");
#endif
}

static void test_labels(void) {
  char path[128];
  snprintf(path, sizeof path, "%s/labels.txt", g_dir);
  oct_labels l;
  oct_error err;
  static const char text[] =
      "\xEF\xBB\xBF"
      "background\ngoldfish\r\n\ntench \r\nlast";
  put_file(path, text, sizeof text - 1);
  CHECK(oct_labels_read(path, &l, &err) == OCT_OK);
  CHECK(l.count == 5);
  if (l.count == 5) {
    CHECK(!strcmp(l.items[0], "background"));
    CHECK(!strcmp(l.items[1], "goldfish"));
    CHECK(!strcmp(l.items[2], ""));
    CHECK(!strcmp(l.items[3], "tench "));
    CHECK(!strcmp(l.items[4], "last"));
  }
  oct_labels_free(&l);
  CHECK(l.items == NULL && l.count == 0);
  put_file(path, "a\nb\n", 4);
  CHECK(oct_labels_read(path, &l, &err) == OCT_OK && l.count == 2);
  oct_labels_free(&l);
  put_file(path, "", 0);
  CHECK(oct_labels_read(path, &l, &err) == OCT_OK && l.count == 0);
  oct_labels_free(&l);
  put_file(path, "\n", 1);
  CHECK(oct_labels_read(path, &l, &err) == OCT_OK && l.count == 1);
  oct_labels_free(&l);
  put_file(path, "a\nb\0c\n", 6);
  CHECK(oct_labels_read(path, &l, &err) == OCT_ERR_INVALID_ARG);
  CHECK(strstr(err.message, "line 2") != NULL);
  CHECK(l.items == NULL);
  unlink(path);
  CHECK(oct_labels_read(path, &l, &err) == OCT_ERR_IO);
  oct_labels_free(&l);

  const char *shared = test_shared_dir();
  char real[1024];
  snprintf(real, sizeof real, "%s/models/labels/imagenet_labels_1001.txt",
           shared ? shared : "/nonexistent");
  if (access(real, R_OK) != 0) {
    printf("note: %s absent; skipped\n", real);
    return;
  }
  CHECK(oct_labels_read(real, &l, &err) == OCT_OK);
  CHECK(l.count == 1001);
  if (l.count == 1001) {
    CHECK(!strcmp(l.items[0], "background"));
    CHECK(!strcmp(l.items[286], "Egyptian cat"));
    CHECK(!strcmp(l.items[934], "cheeseburger"));
  }
  oct_labels_free(&l);
}

int main(void) {
  snprintf(g_dir, sizeof g_dir, "/tmp/octet_test_file_XXXXXX");
  if (!mkdtemp(g_dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_read();
  test_write();
  test_full_disk();
  test_labels();
  static const char *const none[] = {NULL};
  CHECK(stray_files(g_dir, none) == 0);
  rmdir(g_dir);
  return test_finish("test_file");
}
