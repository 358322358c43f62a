/* A batch of rows split over threads: each thread takes CHUNK rows at a time from a shared
 * counter and handles them with its own shape memo (the registry's, kept from batch to batch,
 * or its own when another batch holds those). The matcher's and the parser's batch entry points
 * (resolve.c, parse_batch.c) both run through here. */
#include <pthread.h>
#include <stdlib.h>

#include "core.h"

#define CHUNK 512   /* rows a thread takes at a time: a thread that starts late or runs slow on a
                     * busy machine takes fewer, so the threads finish together */
#define MAX_THREADS 16
#define ALONE 4096  /* a batch shorter than this runs on the calling thread */

typedef struct {
    rows_fn *fn;
    const void *job;
    int64_t n;
    _Atomic int64_t *next;  /* the first row no thread has taken yet */
    shape_memo *memo;
} part;

static void *run(void *arg) {
    const part *p = arg;
    for (;;) {
        int64_t from = atomic_fetch_add(p->next, CHUNK);
        if (from >= p->n) return NULL;
        p->fn(p->job, p->memo, from, from + CHUNK < p->n ? from + CHUNK : p->n);
    }
}

void split_rows(registry *r, int64_t n, int threads, rows_fn *fn, const void *job) {
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    if (n < ALONE) threads = 1;
    part parts[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    int own = atomic_exchange(&r->memos_busy, 1) == 0;  /* the memos: all a batch writes */
    shape_memo *memos[MAX_THREADS] = {NULL};
    if (own && !r->div_digits) reg_memos(r, threads);  /* made ahead unless threads grew */
    for (int t = 0; t < threads && !r->div_digits; t++) {
        memos[t] = own ? r->memos[t] : memo_new();
        if (memos[t]) memo_clear(memos[t]);
    }
    _Atomic int64_t next = 0;
    for (int t = 0; t < threads; t++) {
        parts[t] = (part){fn, job, n, &next, memos[t]};
        started[t] = t > 0 && pthread_create(&ids[t], NULL, run, &parts[t]) == 0;
    }
    run(&parts[0]);  /* rows a thread that could not start would have taken are taken here */
    for (int t = 1; t < threads; t++)
        if (started[t]) pthread_join(ids[t], NULL);
    for (int t = 0; t < threads && !own; t++) free(memos[t]);
    if (own) atomic_store(&r->memos_busy, 0);
}
