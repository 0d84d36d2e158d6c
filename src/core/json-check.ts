/** Guards for values that must survive a JSON round trip unchanged. */

/** Why `value` would not survive `JSON.stringify`/`JSON.parse` unchanged, or null if it would. */
export function jsonProblem(value: unknown, path = "value", depth = 0): string | null {
  if (depth > 64) return `${path} is nested too deeply (or circular)`;
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number") {
    return Number.isFinite(value) ? null : `${path} is ${value}, which JSON cannot hold`;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], `${path}[${i}]`, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return `${path} is a ${proto?.constructor?.name ?? "class instance"}, expected plain data`;
    }
    for (const [key, item] of Object.entries(value)) {
      const problem = jsonProblem(item, `${path}.${key}`, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  return `${path} is ${typeof value}, which JSON cannot hold`;
}
