/** Where a `sqlite:` URL points, without loading the SQLite driver. */
import { resolve } from "node:path";

/** The file path of a `sqlite:` URL (`sqlite:./a.db`, `sqlite:/abs/a.db`, `sqlite:///abs/a.db`). */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, "");
  if (rest.length === 0)
    throw new TypeError(`storage ${url}: expected sqlite:PATH, e.g. sqlite:./tunekit.db`);
  return rest === ":memory:" ? rest : resolve(rest);
}
