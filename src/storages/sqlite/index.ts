/** `tunekit/sqlite`: the embedded SQLite back end, for opening a storage explicitly. */
export { openSqliteStorage, sqlitePath } from "./open-sqlite.js";
