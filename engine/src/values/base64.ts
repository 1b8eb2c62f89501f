// BYTES travel as base64 text. Joining two of them needs their bytes, and the engine may use neither Node's Buffer
// nor the browser's atob, so this is the small codec it needs.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function decodeBase64(text: string): number[] {
  const bytes: number[] = [];
  let bits = 0;
  let buffer = 0;
  for (const c of text) {
    const value = INDEX.get(c);
    if (value === undefined) break; // '=' padding ends the data
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return bytes;
}

export function encodeBase64(bytes: readonly number[]): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    const left = bytes.length - i;
    text += ALPHABET[(n >> 18) & 63];
    text += ALPHABET[(n >> 12) & 63];
    text += left > 1 ? ALPHABET[(n >> 6) & 63] : '=';
    text += left > 2 ? ALPHABET[n & 63] : '=';
  }
  return text;
}

/** The base64 of the bytes of `a` followed by those of `b`. */
export function concatBase64(a: string, b: string): string {
  if (a === '' || !a.endsWith('=')) return a + b;
  return encodeBase64([...decodeBase64(a), ...decodeBase64(b)]);
}
