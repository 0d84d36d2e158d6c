/** `tunekit/postgres`: the PostgreSQL back end, for opening a storage explicitly. */
export { openPostgresStorage } from "./open-postgres.js";
