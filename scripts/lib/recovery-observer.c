/*
 * Watches from outside, for scripts/bench-watch: waits until the lxcfs mount at the folder goes
 * away and a new one appears (by absence, not by number: the kernel gives a freed device number to
 * the next mount), then until every given process's mount namespace shows only the new device
 * among its lxcfs mounts, and prints the milliseconds between the two.
 *
 * Usage: recovery-observer LXCFS_DIR PID...
 *
 * Why C, and why poll(): the observer must not slow down what it measures. Every expedited RCU
 * grace period the agent's detaches wait for has to interrupt a busy CPU, and reading a mount
 * table takes the namespace lock the agent's mounts take. A JVM observer (its compiler and
 * collector threads, a read every millisecond) made the agent's own measure 40 % slower. This one
 * sleeps in poll() until a table changes (POLLPRI), and reads one namespace's table at a time,
 * never one it has seen recovered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Reads the whole mount table behind fd, from its start, into table. */
static void read_table(int fd, const char *name) { read_whole(fd, "recovery-observer", name); }

/* Whether the table holds an lxcfs mount at dir; its device (the top one) in device. */
static int lxcfs_at(const char *dir, char *device, size_t size) {
  int found = 0;
  char point[4096];
  for (char *line = strtok(table, "\n"); line; line = strtok(NULL, "\n")) {
    field(line, 4, point, sizeof point);
    if (strcmp(point, dir) == 0 && strstr(line, " - fuse.lxcfs ")) {
      field(line, 2, device, size);
      found = 1;
    }
  }
  return found;
}

/* Whether every lxcfs mount in the table is on device. */
static int all_on(const char *device) {
  char on[64];
  for (char *line = strtok(table, "\n"); line; line = strtok(NULL, "\n")) {
    if (strstr(line, " - fuse.lxcfs ")) {
      field(line, 2, on, sizeof on);
      if (strcmp(on, device) != 0) {
        return 0;
      }
    }
  }
  return 1;
}

/*
 * Sleeps until the table behind fd changes (or a second passes), then 2 ms more: a repair changes
 * a namespace's table twice per mount in quick succession, and a read in between would only
 * compete with it.
 */
static void await_change(int fd) {
  struct pollfd changed = {.fd = fd, .events = POLLPRI};
  if (poll(&changed, 1, 1000) < 0 && errno != EINTR) {
    perror("recovery-observer: poll");
    exit(1);
  }
  struct timespec settle = {.tv_nsec = 2000000};
  nanosleep(&settle, NULL);
}

static int open_table(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "recovery-observer: open %s: %s\n", path, strerror(errno));
    exit(1);
  }
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: recovery-observer LXCFS_DIR PID...\n");
    return 2;
  }
  const char *dir = argv[1];
  int own = open_table("/proc/self/mountinfo");
  int count = argc - 2;
  int *tables = calloc((size_t)count + 1, sizeof *tables);
  char path[64];
  for (int i = 0; i < count; i++) {
    snprintf(path, sizeof path, "/proc/%s/mountinfo", argv[i + 2]);
    tables[i] = open_table(path);
  }
  printf("ready\n");
  fflush(stdout);
  /* A change between a read and the poll after it is not lost: poll reports any change since the
     previous poll of that descriptor. */
  char device[64];
  for (read_table(own, "own"); lxcfs_at(dir, device, sizeof device); read_table(own, "own")) {
    await_change(own);
  }
  for (read_table(own, "own"); !lxcfs_at(dir, device, sizeof device); read_table(own, "own")) {
    await_change(own);
  }
  long long appeared = now_ns();
  for (int i = 0; i < count; i++) {
    for (read_table(tables[i], argv[i + 2]); !all_on(device); read_table(tables[i], argv[i + 2])) {
      await_change(tables[i]);
    }
  }
  printf("%lld\n", (now_ns() - appeared) / 1000000);
  return 0;
}
