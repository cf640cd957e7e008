/*
 * Memory for a process's long-lived I/O buffers, in transparent huge pages. A page of anonymous
 * memory costs a page fault the first time it is written; a short-lived command (a `spool produce`
 * framing 200 MB through a few megabytes of buffers, a `spool consume` reading ranges of a segment
 * into one) pays that for every 4 KiB of its buffers, and on a virtual machine whose host backs
 * the guest's memory lazily a fault costs 10 us or more (64 MiB: 190 ms, against 5 ms in 2 MiB
 * pages here). Node has no way to ask for huge pages: this maps the memory 2 MiB-aligned and
 * marks it MADV_HUGEPAGE, which the kernel honours where transparent huge pages are set to
 * "madvise" or "always" (and ignores otherwise: the memory is then ordinary pages).
 */
#define _GNU_SOURCE
#include "addon.h"
#include <stdint.h>

#if defined(__linux__)
#include <sys/mman.h>

#define HUGE_PAGE_BYTES ((size_t)2 << 20)

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

static void unmap(napi_env env, void *data, void *hint) {
  size_t mapped = (size_t)(uintptr_t)hint;
  munmap(data, mapped);
  int64_t adjusted;
  napi_adjust_external_memory(env, -(int64_t)mapped, &adjusted);
}

/* hugePageMemory(bytes): an ArrayBuffer of `bytes` over its own mapping, or null when none could be made. */
static napi_value huge_page_memory(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double requested = 0;
  napi_value result;
  napi_get_null(env, &result);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_double(env, argv[0], &requested) != napi_ok ||
      !(requested >= 1 && requested <= (double)((size_t)1 << 40))) {
    napi_throw_range_error(env, NULL, "hugePageMemory takes a size in bytes");
    return NULL;
  }
  size_t bytes = (size_t)requested;
  size_t mapped = round_up(bytes, HUGE_PAGE_BYTES);
  /* One huge page more than needed, so that a 2 MiB-aligned start lies inside; the rest is unmapped. */
  size_t reserved = mapped + HUGE_PAGE_BYTES;
  uint8_t *raw = mmap(NULL, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return result;
  uint8_t *start = (uint8_t *)round_up((uintptr_t)raw, HUGE_PAGE_BYTES);
  if (start > raw) munmap(raw, (size_t)(start - raw));
  uint8_t *end = start + mapped;
  if (raw + reserved > end) munmap(end, (size_t)(raw + reserved - end));
  madvise(start, mapped, MADV_HUGEPAGE);
  if (napi_create_external_arraybuffer(env, start, bytes, unmap, (void *)(uintptr_t)mapped, &result) != napi_ok) {
    munmap(start, mapped);
    napi_get_null(env, &result);
    return result;
  }
  int64_t adjusted;
  napi_adjust_external_memory(env, (int64_t)mapped, &adjusted);
  return result;
}

void register_huge_pages(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "hugePageMemory", NAPI_AUTO_LENGTH, huge_page_memory, NULL, &fn) == napi_ok) napi_set_named_property(env, exports, "hugePageMemory", fn);
}
#else
void register_huge_pages(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
}
#endif
