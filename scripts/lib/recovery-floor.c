/*
 * The floor under a recovery, for scripts/bench-watch: the system calls the agent makes to mend
 * the given processes' mount namespaces after an lxcfs restart, made by one plain C thread with
 * nothing else to do, timed. Run it where no agent runs, right after lxcfs came back.
 *
 * Usage: recovery-floor LXCFS_DIR PID...
 *
 * Untimed first, as the agent knows them from its last pass: each namespace's dead lxcfs mounts
 * (fuse.lxcfs, not on the device now mounted at LXCFS_DIR), with their mount IDs. Then timed, per
 * namespace: a pidfd; for each dead mount a clone of the live file (open_tree), made private with
 * the dead mount's flags (mount_setattr); setns into the namespace; for each mount its target
 * opened and its mount ID checked (statx), the clone moved beneath it (move_mount, or attached
 * after the detach on a kernel without MOVE_MOUNT_BENEATH) and the dead one detached (umount2);
 * setns home. Then, timed apart, one read of each namespace's mount table, as the agent verifies.
 * Prints one line: "REPAIR_MS VERIFY_MS MOUNTS FAILED".
 *
 * RECOVERY_FLOOR_THREADS=N (default 1) mends the namespaces from N threads, each taking the next
 * one left, as the agent's namespace workers do (--parallelism, 16 by default): the floor under the
 * agent's own concurrency, where the mount calls contend for the kernel's namespace lock. As the
 * agent does, a namespace where a call failed (concurrent, move_mount beneath now and then answers
 * ENOENT) is mended once more when every thread is done, alone, from a fresh read of its table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define OPEN_TREE_CLONE 1
#define MOVE_MOUNT_F_EMPTY_PATH 0x4
#define MOVE_MOUNT_T_EMPTY_PATH 0x40
#define MOVE_MOUNT_BENEATH 0x200
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#define PROPAGATION_PRIVATE (1 << 18)
#define DETACH 2
#define NOFOLLOW 8
#define MNT_ID_MASK 0x1000U

struct mount_attributes {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

struct dead_mount {
  char target[512];
  char file[512];
  uint64_t attributes;
  uint64_t mount_id;
};

struct namespace {
  const char *pid;
  int count;
  int live;
  int failed;
  struct dead_mount mounts[16];
};

#include "bench.h"

static void fail(const char *what, const char *path) {
  fprintf(stderr, "recovery-floor: %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

/* The mount table of process pid, whole, into table; returns its length. */
static size_t read_table(const char *pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/mountinfo", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fail("open", path);
  }
  size_t total = read_whole(fd, "recovery-floor", path);
  close(fd);
  return total;
}

static uint64_t attributes_of(const char *options) {
  char list[260];
  uint64_t attributes = 0;
  snprintf(list, sizeof list, ",%s,", options);
  attributes |= strstr(list, ",ro,") ? MOUNT_ATTR_RDONLY : 0;
  attributes |= strstr(list, ",nosuid,") ? MOUNT_ATTR_NOSUID : 0;
  attributes |= strstr(list, ",nodev,") ? MOUNT_ATTR_NODEV : 0;
  attributes |= strstr(list, ",noexec,") ? MOUNT_ATTR_NOEXEC : 0;
  return attributes;
}

/* The dead lxcfs mounts of process ns->pid, those not on the live device, from a fresh read of its
 * table; and how many are on it. */
static void find_dead(struct namespace *ns, const char *live) {
  char device[64], id[32], options[256];
  ns->count = 0;
  ns->live = 0;
  read_table(ns->pid);
  for (char *line = strtok(table, "\n"); line; line = strtok(NULL, "\n")) {
    if (!strstr(line, " - fuse.lxcfs ")) {
      continue;
    }
    field(line, 2, device, sizeof device);
    if (strcmp(device, live) == 0) {
      ns->live++;
      continue;
    }
    if (ns->count == 16) {
      continue;
    }
    struct dead_mount *mount = &ns->mounts[ns->count++];
    field(line, 0, id, sizeof id);
    field(line, 3, mount->file, sizeof mount->file);
    field(line, 4, mount->target, sizeof mount->target);
    field(line, 5, options, sizeof options);
    mount->mount_id = strtoull(id, NULL, 10);
    mount->attributes = attributes_of(options);
  }
}

/* Refuses a process in this program's own mount namespace: binding there would cover the host's. */
static void require_own_namespace(const char *pid) {
  char path[64], theirs[64] = "", ours[64] = "";
  snprintf(path, sizeof path, "/proc/%s/ns/mnt", pid);
  if (readlink(path, theirs, sizeof theirs - 1) < 0 || readlink("/proc/self/ns/mnt", ours, sizeof ours - 1) < 0) {
    fail("readlink", path);
  }
  if (strcmp(theirs, ours) == 0) {
    fprintf(stderr, "recovery-floor: process %s shares this program's mount namespace\n", pid);
    exit(1);
  }
}

/* Clones, swaps and detaches the dead mounts of ns; returns how many failed. */
static int mend(struct namespace *ns, const char *dir, int home) {
  int trees[16], failed = 0;
  char source[1024];
  int pidfd = (int)syscall(SYS_pidfd_open, atoi(ns->pid), 0);
  if (pidfd < 0) {
    fail("pidfd_open", ns->pid);
  }
  for (int i = 0; i < ns->count; i++) {
    snprintf(source, sizeof source, "%s%s", dir, ns->mounts[i].file);
    trees[i] = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | O_CLOEXEC);
    if (trees[i] < 0) {
      fail("open_tree", source);
    }
    struct mount_attributes attributes = {
        .attr_set = ns->mounts[i].attributes, .propagation = PROPAGATION_PRIVATE};
    if (syscall(SYS_mount_setattr, trees[i], "", AT_EMPTY_PATH, &attributes, sizeof attributes) != 0) {
      fail("mount_setattr", source);
    }
  }
  if (setns(pidfd, CLONE_NEWNS) != 0) {
    fail("setns", ns->pid);
  }
  for (int i = 0; i < ns->count; i++) {
    struct dead_mount *mount = &ns->mounts[i];
    int target = open(mount->target, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct statx seen;
    if (target < 0 || statx(target, "", AT_EMPTY_PATH, MNT_ID_MASK, &seen) != 0 ||
        seen.stx_mnt_id != mount->mount_id) {
      failed++;
    } else if (syscall(SYS_move_mount, trees[i], "", target, "",
                       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH | MOVE_MOUNT_BENEATH) == 0) {
      failed += syscall(SYS_umount2, mount->target, DETACH | NOFOLLOW) != 0;
    } else if (errno != EINVAL) {
      /* Not a kernel without MOVE_MOUNT_BENEATH: the dead mount is left in place, as the agent
       * leaves it, for the retry. */
      failed++;
    } else if (syscall(SYS_umount2, mount->target, DETACH | NOFOLLOW) != 0 ||
               syscall(SYS_move_mount, trees[i], "", target, "",
                       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
      failed++;
    }
    if (target >= 0) {
      close(target);
    }
    close(trees[i]);
  }
  if (setns(home, CLONE_NEWNS) != 0) {
    fail("setns home from", ns->pid);
  }
  close(pidfd);
  return failed;
}

/* The namespaces to mend, each taken by the first thread free. */
struct work {
  struct namespace *namespaces;
  int count;
  const char *dir;
  int home;
  int next;
};

/* One mending thread: its own fs_struct (setns refuses a thread that shares it), then namespaces
 * until none is left. */
static void *mend_each(void *arg) {
  struct work *work = arg;
  if (unshare(CLONE_FS) != 0) {
    fail("unshare", "CLONE_FS");
  }
  for (int i; (i = __atomic_fetch_add(&work->next, 1, __ATOMIC_RELAXED)) < work->count;) {
    work->namespaces[i].failed = mend(&work->namespaces[i], work->dir, work->home);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: recovery-floor LXCFS_DIR PID...\n");
    return 2;
  }
  const char *dir = argv[1];
  struct stat folder;
  if (stat(dir, &folder) != 0) {
    fail("stat", dir);
  }
  char live[64];
  snprintf(live, sizeof live, "%u:%u", major(folder.st_dev), minor(folder.st_dev));
  int home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (home < 0) {
    fail("open", "/proc/self/ns/mnt");
  }
  int count = argc - 2, mounts = 0, failed = 0;
  struct namespace *namespaces = calloc((size_t)count, sizeof *namespaces);
  for (int i = 0; i < count; i++) {
    namespaces[i].pid = argv[i + 2];
    require_own_namespace(namespaces[i].pid);
    find_dead(&namespaces[i], live);
    mounts += namespaces[i].count;
  }
  const char *threads_env = getenv("RECOVERY_FLOOR_THREADS");
  int threads = threads_env ? atoi(threads_env) : 1;
  if (threads < 1 || threads > 64) {
    fprintf(stderr, "recovery-floor: RECOVERY_FLOOR_THREADS must be 1-64, not %s\n", threads_env);
    return 2;
  }
  struct work work = {.namespaces = namespaces, .count = count, .dir = dir, .home = home};
  pthread_t menders[64];
  long long start = now_ns();
  for (int t = 0; t < threads; t++) {
    if (pthread_create(&menders[t], NULL, mend_each, &work) != 0) {
      fail("pthread_create", "mender");
    }
  }
  for (int t = 0; t < threads; t++) {
    pthread_join(menders[t], NULL);
  }
  for (int i = 0; i < count; i++) {
    if (namespaces[i].failed != 0) {
      int wanted = namespaces[i].live + namespaces[i].count;
      find_dead(&namespaces[i], live);
      failed += mend(&namespaces[i], dir, home);
      /* A mount detached and not attached again is no longer dead, but missing. */
      find_dead(&namespaces[i], live);
      failed += namespaces[i].live < wanted;
    }
  }
  long long mended = now_ns();
  for (int i = 0; i < count; i++) {
    read_table(namespaces[i].pid);
  }
  long long verified = now_ns();
  printf("%.1f %.1f %d %d\n", (mended - start) / 1e6, (verified - mended) / 1e6, mounts, failed);
  return failed != 0;
}
