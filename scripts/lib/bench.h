/*
 * Shared by the benchmarks' C helpers (recovery-observer.c, recovery-floor.c): one mount table
 * read whole into a buffer, its fields, and the clock.
 */
#ifndef LXCFS_REMOUNT_BENCH_H
#define LXCFS_REMOUNT_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char table[1 << 20];

/* Reads the whole mount table behind fd, from its start, into table; program and name for errors. */
static size_t read_whole(int fd, const char *program, const char *name) {
  size_t total = 0;
  ssize_t got;
  if (lseek(fd, 0, SEEK_SET) < 0) {
    fprintf(stderr, "%s: lseek %s: %s\n", program, name, strerror(errno));
    exit(1);
  }
  while ((got = read(fd, table + total, sizeof table - 1 - total)) > 0) {
    total += (size_t)got;
  }
  if (got < 0) {
    fprintf(stderr, "%s: read %s: %s\n", program, name, strerror(errno));
    exit(1);
  }
  table[total] = '\0';
  return total;
}

/* The space-separated field number n (0-based) of line, copied into out; out is "" if none. */
static void field(const char *line, int n, char *out, size_t size) {
  const char *start = line;
  for (int i = 0; i < n && start; i++) {
    start = strchr(start, ' ');
    start = start ? start + 1 : NULL;
  }
  size_t length = 0;
  if (start) {
    const char *end = strpbrk(start, " \n");
    length = end ? (size_t)(end - start) : strlen(start);
  }
  if (length >= size) {
    length = size - 1;
  }
  memcpy(out, start ? start : "", length);
  out[length] = '\0';
}

static long long now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000000000LL + now.tv_nsec;
}

#endif
