/**
 * RFC 4180 CSV: records end in CRLF; a field that holds a comma, a double quote, CR or LF
 * is enclosed in double quotes, with its quotes doubled. The reader also takes LF line
 * ends and a leading byte-order mark, as spreadsheets write them.
 */

/** One record of a CSV text, and the line it starts on (1-based), for messages. */
export interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
}

/** A field as RFC 4180 writes it: quoted only when it has to be. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Records as CSV text, each record ending in CRLF. */
export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((fields) => `${fields.map(csvField).join(",")}\r\n`).join("");
}

/**
 * The records of a CSV text; blank lines are skipped. Throws a SyntaxError naming the
 * line for a quote inside an unquoted field, text after a closing quote, or a quoted
 * field that never closes.
 */
export function parseCsv(text: string, where: string): CsvRecord[] {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  /** Whether the current field was quoted: then it exists even when empty. */
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(field);
    field = "";
    quoted = false;
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field.length === 0 && !quoted;
    endField();
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '"') {
      if (field.length > 0 || quoted) {
        throw new SyntaxError(
          `${where}: CSV line ${line}: a quote inside a field that does not start with one; ` +
            "enclose the field in quotes and double the quotes inside it",
        );
      }
      const opened = line;
      quoted = true;
      i++;
      for (;;) {
        const q = source[i];
        if (q === undefined) {
          throw new SyntaxError(`${where}: CSV line ${opened}: a quoted field never closes`);
        }
        i++;
        if (q === '"') {
          if (source[i] !== '"') break;
          i++;
        } else if (q === "\n") {
          line++;
        }
        field += q;
      }
      const next = source[i];
      if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") {
        throw new SyntaxError(
          `${where}: CSV line ${line}: text after the closing quote of a field; ` +
            "double a quote that belongs to the field",
        );
      }
    } else if (c === ",") {
      endField();
      i++;
    } else if (c === "\r" || c === "\n") {
      endRecord();
      i += c === "\r" && source[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (fields.length > 0 || field.length > 0 || quoted) endRecord();
  return records;
}
