/*
 * A small pthread pool behind oct_options.parallel_for (hosted builds only;
 * CMakeLists.txt leaves this file out of the freestanding runtime).
 *
 * The calling thread takes part in every loop; tasks are handed out from an
 * atomic counter. Which thread runs a task never changes its result: the
 * ops split work into pieces that write disjoint outputs with fixed
 * arithmetic. Between loops the workers spin briefly before sleeping,
 * because one invoke runs dozens of loops a few hundred microseconds apart
 * and a futex wake-up per op would cost more than the op saves.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "octet/octet.h"

#define OCT_POOL_MAX_THREADS 64
#define OCT_POOL_SPINS 20000

struct oct_threadpool {
  int threads; /* workers + the caller */
  pthread_t *workers;
  int n_started;
  pthread_mutex_t mu;
  pthread_cond_t cv_work, cv_done;
  atomic_uint gen;  /* bumped once per loop */
  atomic_int next;  /* next task to hand out */
  atomic_int busy;  /* workers not yet done with this loop */
  atomic_int stop;
  oct_task_fn fn;
  void *arg;
  int32_t n;
};

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static void run_tasks(oct_threadpool *tp) {
  for (;;) {
    const int i = atomic_fetch_add(&tp->next, 1);
    if (i >= tp->n) break;
    tp->fn(tp->arg, i);
  }
}

static void *worker_main(void *p) {
  oct_threadpool *tp = p;
  unsigned seen = 0;
  for (;;) {
    unsigned g = atomic_load(&tp->gen);
    for (int s = 0; s < OCT_POOL_SPINS && g == seen && !atomic_load(&tp->stop); s++) {
      cpu_relax();
      g = atomic_load(&tp->gen);
    }
    if (g == seen) {
      pthread_mutex_lock(&tp->mu);
      while ((g = atomic_load(&tp->gen)) == seen && !atomic_load(&tp->stop))
        pthread_cond_wait(&tp->cv_work, &tp->mu);
      pthread_mutex_unlock(&tp->mu);
    }
    if (atomic_load(&tp->stop)) break;
    seen = g;
    run_tasks(tp);
    if (atomic_fetch_sub(&tp->busy, 1) == 1) {
      pthread_mutex_lock(&tp->mu);
      pthread_cond_signal(&tp->cv_done);
      pthread_mutex_unlock(&tp->mu);
    }
  }
  return NULL;
}

oct_status oct_threadpool_create(int threads, oct_threadpool **out) {
  if (!out) return OCT_ERR_INVALID_ARG;
  *out = NULL;
  if (threads < 1 || threads > OCT_POOL_MAX_THREADS) return OCT_ERR_INVALID_ARG;
  oct_threadpool *tp = calloc(1, sizeof *tp);
  if (!tp) return OCT_ERR_NO_MEMORY;
  tp->threads = threads;
  pthread_mutex_init(&tp->mu, NULL);
  pthread_cond_init(&tp->cv_work, NULL);
  pthread_cond_init(&tp->cv_done, NULL);
  atomic_init(&tp->gen, 0);
  atomic_init(&tp->next, 0);
  atomic_init(&tp->busy, 0);
  atomic_init(&tp->stop, 0);
  if (threads > 1) {
    tp->workers = calloc((size_t)threads - 1, sizeof *tp->workers);
    if (!tp->workers) {
      oct_threadpool_destroy(tp);
      return OCT_ERR_NO_MEMORY;
    }
    for (int i = 0; i < threads - 1; i++) {
      if (pthread_create(&tp->workers[i], NULL, worker_main, tp) != 0) {
        oct_threadpool_destroy(tp);
        return OCT_ERR_NO_MEMORY;
      }
      tp->n_started++;
    }
  }
  *out = tp;
  return OCT_OK;
}

void oct_threadpool_destroy(oct_threadpool *tp) {
  if (!tp) return;
  pthread_mutex_lock(&tp->mu);
  atomic_store(&tp->stop, 1);
  pthread_cond_broadcast(&tp->cv_work);
  pthread_mutex_unlock(&tp->mu);
  for (int i = 0; i < tp->n_started; i++) pthread_join(tp->workers[i], NULL);
  pthread_cond_destroy(&tp->cv_work);
  pthread_cond_destroy(&tp->cv_done);
  pthread_mutex_destroy(&tp->mu);
  free(tp->workers);
  free(tp);
}

void oct_threadpool_options(oct_threadpool *tp, oct_options *opts) {
  if (!opts) return;
  opts->threads = tp ? tp->threads : 1;
  opts->parallel_for = tp && tp->threads > 1 ? oct_threadpool_parallel_for : NULL;
  opts->pool = tp;
}

void oct_threadpool_parallel_for(void *pool, int32_t n, oct_task_fn fn,
                                 void *arg) {
  oct_threadpool *tp = pool;
  if (n <= 0) return;
  if (!tp || tp->n_started == 0 || n == 1) {
    for (int32_t i = 0; i < n; i++) fn(arg, i);
    return;
  }
  tp->fn = fn;
  tp->arg = arg;
  tp->n = n;
  atomic_store(&tp->next, 0);
  atomic_store(&tp->busy, tp->n_started);
  pthread_mutex_lock(&tp->mu);
  atomic_fetch_add(&tp->gen, 1);
  pthread_cond_broadcast(&tp->cv_work);
  pthread_mutex_unlock(&tp->mu);
  run_tasks(tp);
  /* A worker still busy may be waiting for a CPU (the machine may run
   * more threads than it has cores): yield rather than spin long. */
  for (int s = 0; s < OCT_POOL_SPINS / 8 && atomic_load(&tp->busy); s++) cpu_relax();
  for (int s = 0; s < 64 && atomic_load(&tp->busy); s++) sched_yield();
  if (atomic_load(&tp->busy)) {
    pthread_mutex_lock(&tp->mu);
    while (atomic_load(&tp->busy)) pthread_cond_wait(&tp->cv_done, &tp->mu);
    pthread_mutex_unlock(&tp->mu);
  }
}
