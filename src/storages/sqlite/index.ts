/** `tunekit/sqlite`: the embedded SQLite back end, for opening a storage explicitly. */
export { openSqliteStorage } from "./open-sqlite.js";
export { sqlitePath } from "./sqlite-path.js";
