// ARC4 keyed by a string seed, as the `random` package (v5) seeds it: the seed
// string is folded to a number by xor of its char codes, the decimal digits of
// that number are the key, and the first 768 outputs are dropped (RC4-drop).
// The reactively grid benchmark draws its static/dynamic node pattern from
// `new Random("seed").float()`; bench/shapes.hpp implements the same generator
// so that frsim, the floor and the peers build identical graphs.

export class Arc4 {
  constructor(seed) {
    let folded = 0;
    for (let k = 0; k < seed.length; k++) folded ^= seed.charCodeAt(k);
    const digits = `${folded}`;
    const key = [];
    let smear = 0;
    for (let j = 0; j < digits.length; j++) {
      key[j & 0xff] = 0xff & ((smear ^= (key[j & 0xff] ?? 0) * 19) + digits.charCodeAt(j));
    }
    this.S = [];
    for (let i = 0; i < 256; i++) this.S[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      const t = this.S[i];
      j = 0xff & (j + key[i % key.length] + t);
      this.S[i] = this.S[j];
      this.S[j] = t;
    }
    this.i = 0;
    this.j = 0;
    this.bytes(768);
  }

  // The next `count` outputs concatenated, big-endian (count <= 6).
  bytes(count) {
    const S = this.S;
    let r = 0;
    while (count--) {
      this.i = 0xff & (this.i + 1);
      const t = S[this.i];
      S[this.j] = t;
      this.j = 0xff & (this.j + t);
      S[this.i] = S[this.j];
      r = r * 256 + S[0xff & (S[this.i] + t)];
    }
    return r;
  }

  // A double in [0, 1) with 52 random mantissa bits.
  next() {
    let n = this.bytes(6);
    let d = 281474976710656;  // 2^48
    let x = 0;
    while (n < 4503599627370496) {  // 2^52
      n = (n + x) * 256;
      d *= 256;
      x = this.bytes(1);
    }
    while (n >= 9007199254740992) {  // 2^53
      n /= 2;
      d /= 2;
      x >>>= 1;
    }
    return (n + x) / d;
  }
}
