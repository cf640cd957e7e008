/*
 * CRC-32C (Castagnoli) for RecordBatch v2, as a Node-API addon. The SSE4.2 crc32 instruction
 * takes three cycles to give its result but can start one every cycle, so one stream of it uses a
 * third of what the CPU can do. Long inputs are summed as three streams over neighbouring blocks
 * at once, and the three partial sums are joined by shifting the earlier ones over the bytes that
 * follow them: the CRC register is linear, so the state after blocks A, B is shift(state after A,
 * |B|) xor (B summed from zero). A shift by a fixed length is a 32x32 matrix over GF(2), applied
 * here through four 256-entry tables.
 *
 * Built at install (node-gyp); the module exports crc32c only on an x86-64 CPU with SSE4.2, and
 * spool falls back to @node-rs/crc32 when it is missing (records/crc32c.ts).
 */
#include "addon.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define HAVE_SSE42_BUILD 1
#endif

/* The reflected Castagnoli polynomial. */
#define POLY 0x82f63b78u
/* Bytes per stream in the long and short three-stream rounds. */
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

typedef struct {
  uint32_t t[4][256];
} shift_tables;

static shift_tables long_shift;
static shift_tables short_shift;

/* mat times vec over GF(2): the xor of the columns whose bit is set in vec. */
static uint32_t gf2_times(const uint32_t mat[32], uint32_t vec) {
  uint32_t sum = 0;
  for (int i = 0; vec != 0; i++, vec >>= 1)
    if (vec & 1) sum ^= mat[i];
  return sum;
}

/* out = a b (apply b, then a); out may not alias a or b. */
static void gf2_multiply(uint32_t out[32], const uint32_t a[32], const uint32_t b[32]) {
  for (int i = 0; i < 32; i++) out[i] = gf2_times(a, b[i]);
}

/* The operator that feeds `bytes` zero bytes through the (reflected) CRC register. */
static void zeros_operator(uint32_t op[32], size_t bytes) {
  uint32_t bit[32], power[32], scratch[32];
  /* One zero bit: shift right, folding the polynomial in when the low bit falls out. */
  bit[0] = POLY;
  for (int i = 1; i < 32; i++) bit[i] = 1u << (i - 1);
  /* One zero byte: eight zero bits. */
  memcpy(power, bit, sizeof bit);
  for (int i = 0; i < 3; i++) {
    gf2_multiply(scratch, power, power);
    memcpy(power, scratch, sizeof scratch);
  }
  /* power^bytes by squaring. */
  for (int i = 0; i < 32; i++) op[i] = 1u << i;
  while (bytes != 0) {
    if (bytes & 1) {
      gf2_multiply(scratch, power, op);
      memcpy(op, scratch, sizeof scratch);
    }
    bytes >>= 1;
    if (bytes != 0) {
      gf2_multiply(scratch, power, power);
      memcpy(power, scratch, sizeof scratch);
    }
  }
}

static void make_shift_tables(shift_tables *tables, size_t bytes) {
  uint32_t op[32];
  zeros_operator(op, bytes);
  for (int k = 0; k < 4; k++)
    for (uint32_t i = 0; i < 256; i++) tables->t[k][i] = gf2_times(op, i << (8 * k));
}

static inline uint32_t shift(const shift_tables *tables, uint32_t crc) {
  return tables->t[0][crc & 0xff] ^ tables->t[1][(crc >> 8) & 0xff] ^ tables->t[2][(crc >> 16) & 0xff] ^ tables->t[3][crc >> 24];
}

#ifdef HAVE_SSE42_BUILD
static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Three streams over `block`-byte neighbours while three blocks remain; the register is `crc`. */
__attribute__((target("sse4.2"))) static uint32_t three_streams(uint32_t crc, const uint8_t **at, size_t *left, size_t block, const shift_tables *tables) {
  const uint8_t *p = *at;
  size_t len = *left;
  while (len >= 3 * block) {
    uint64_t a = crc, b = 0, c = 0;
    const uint8_t *end = p + block;
    do {
      a = _mm_crc32_u64(a, load64(p));
      b = _mm_crc32_u64(b, load64(p + block));
      c = _mm_crc32_u64(c, load64(p + 2 * block));
      p += 8;
    } while (p < end);
    crc = shift(tables, shift(tables, (uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)c;
    p += 2 * block;
    len -= 3 * block;
  }
  *at = p;
  *left = len;
  return crc;
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(const uint8_t *p, size_t len) {
  uint32_t crc = 0xffffffffu;
  while (len != 0 && ((uintptr_t)p & 7) != 0) {
    crc = _mm_crc32_u8(crc, *p++);
    len--;
  }
  crc = three_streams(crc, &p, &len, LONG_BLOCK, &long_shift);
  crc = three_streams(crc, &p, &len, SHORT_BLOCK, &short_shift);
  uint64_t c = crc;
  for (; len >= 8; p += 8, len -= 8) c = _mm_crc32_u64(c, load64(p));
  crc = (uint32_t)c;
  for (; len != 0; len--) crc = _mm_crc32_u8(crc, *p++);
  return crc ^ 0xffffffffu;
}
#endif

static napi_value crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "crc32c takes a Buffer");
    return NULL;
  }
  napi_value result;
#ifdef HAVE_SSE42_BUILD
  napi_create_uint32(env, crc32c_sse42((const uint8_t *)data, length), &result);
#else
  napi_get_undefined(env, &result);
#endif
  return result;
}

void register_crc32c(napi_env env, napi_value exports) {
#ifdef HAVE_SSE42_BUILD
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) {
    make_shift_tables(&long_shift, LONG_BLOCK);
    make_shift_tables(&short_shift, SHORT_BLOCK);
    napi_value fn;
    if (napi_create_function(env, "crc32c", NAPI_AUTO_LENGTH, crc32c, NULL, &fn) == napi_ok) napi_set_named_property(env, exports, "crc32c", fn);
  }
#else
  (void)crc32c;
  (void)env;
  (void)exports;
#endif
}
