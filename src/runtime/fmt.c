/*
 * A small printf subset for error messages, so the runtime needs no stdio.
 * Truncates silently and always terminates the buffer.
 */
#include "oct_libc.h"

typedef struct {
  char *buf;
  size_t cap;
  size_t len;
} fmt_out;

static void put_c(fmt_out *o, char c) {
  if (o->len + 1 < o->cap) o->buf[o->len] = c;
  o->len++;
}

static void put_s(fmt_out *o, const char *s) {
  if (!s) s = "(null)";
  while (*s) put_c(o, *s++);
}

static void put_u(fmt_out *o, unsigned long long v, unsigned base) {
  char tmp[24];
  int n = 0;
  do {
    unsigned d = (unsigned)(v % base);
    tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v);
  while (n) put_c(o, tmp[--n]);
}

static void put_i(fmt_out *o, long long v) {
  if (v < 0) {
    put_c(o, '-');
    put_u(o, 0ull - (unsigned long long)v, 10);
  } else {
    put_u(o, (unsigned long long)v, 10);
  }
}

/* %g-like with 6 significant digits; enough to name a bad scale. */
static void put_g(fmt_out *o, double v) {
  if (v != v) {
    put_s(o, "nan");
    return;
  }
  if (v < 0) {
    put_c(o, '-');
    v = -v;
  }
  if (v > 1e300) {
    put_s(o, "inf");
    return;
  }
  if (v == 0) {
    put_c(o, '0');
    return;
  }
  int e = 0;
  while (v >= 10.0) {
    v /= 10.0;
    e++;
  }
  while (v < 1.0) {
    v *= 10.0;
    e--;
  }
  unsigned long long m = (unsigned long long)(v * 100000.0 + 0.5);
  if (m >= 1000000ull) {
    m /= 10;
    e++;
  }
  char d[6];
  for (int i = 5; i >= 0; i--) {
    d[i] = (char)('0' + m % 10);
    m /= 10;
  }
  int last = 5;
  while (last > 0 && d[last] == '0') last--;
  if (e >= -4 && e < 6) {
    if (e < 0) {
      put_s(o, "0.");
      for (int i = -1; i > e; i--) put_c(o, '0');
      for (int i = 0; i <= last; i++) put_c(o, d[i]);
    } else {
      for (int i = 0; i <= e; i++) put_c(o, i <= 5 ? d[i] : '0');
      if (last > e) {
        put_c(o, '.');
        for (int i = e + 1; i <= last; i++) put_c(o, d[i]);
      }
    }
  } else {
    put_c(o, d[0]);
    if (last > 0) {
      put_c(o, '.');
      for (int i = 1; i <= last; i++) put_c(o, d[i]);
    }
    /* printf's form: a sign and at least two digits. */
    put_c(o, 'e');
    put_c(o, e < 0 ? '-' : '+');
    if (e < 0) e = -e;
    if (e < 10) put_c(o, '0');
    put_i(o, e);
  }
}

int oct_vfmt(char *buf, size_t cap, const char *fmt, va_list ap) {
  fmt_out o = {buf, cap, 0};
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      put_c(&o, *p);
      continue;
    }
    p++;
    int longs = 0, size_t_arg = 0;
    while (*p == 'l') {
      longs++;
      p++;
    }
    if (*p == 'z') {
      size_t_arg = 1;
      p++;
    }
    switch (*p) {
      case 'd':
      case 'i':
        if (size_t_arg) put_i(&o, (long long)va_arg(ap, size_t));
        else if (longs >= 2) put_i(&o, va_arg(ap, long long));
        else if (longs == 1) put_i(&o, va_arg(ap, long));
        else put_i(&o, va_arg(ap, int));
        break;
      case 'u':
      case 'x': {
        unsigned base = *p == 'x' ? 16 : 10;
        if (size_t_arg) put_u(&o, va_arg(ap, size_t), base);
        else if (longs >= 2) put_u(&o, va_arg(ap, unsigned long long), base);
        else if (longs == 1) put_u(&o, va_arg(ap, unsigned long), base);
        else put_u(&o, va_arg(ap, unsigned), base);
        break;
      }
      case 's': put_s(&o, va_arg(ap, const char *)); break;
      case 'c': put_c(&o, (char)va_arg(ap, int)); break;
      case 'g':
      case 'f': put_g(&o, va_arg(ap, double)); break;
      case '%': put_c(&o, '%'); break;
      case '\0': p--; break;
      default: put_c(&o, '%'); put_c(&o, *p); break;
    }
  }
  if (cap) buf[o.len < cap ? o.len : cap - 1] = '\0';
  return (int)o.len;
}

int oct_fmt(char *buf, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = oct_vfmt(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}
