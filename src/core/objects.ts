/**
 * `{ ...base, ...extra }` for the request path. Node 20's V8 (11.3) spends about 2 µs on every property written
 * after a spread (`{ ...base, a, b }`), which a gateway that promises microseconds of overhead cannot pay on each
 * request; `Object.assign` is fast on every Node version.
 */
export const withFields = <Base extends object, Extra extends object>(base: Base, extra: Extra): Omit<Base, keyof Extra> & Extra =>
  Object.assign({}, base, extra);
