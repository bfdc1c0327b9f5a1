/**
 * CSV uploads (an asset list of many thousand devices) read as a stream: rows are parsed as the
 * bytes arrive, and the upload is cut off at the row or byte cap instead of being held whole in
 * memory and parsed to the end first. Only authenticated import routes accept text/csv at all.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** A CSV upload may be this large: an asset list of 100 000 devices is ~15 MiB. */
export const CSV_UPLOAD_MAX_BYTES = 64 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route reads a text/csv body itself, as a stream (everywhere else CSV is refused). */
    csvUpload?: boolean;
    /** This route also takes an .xlsx workbook (a customer list saved from Excel). */
    xlsxUpload?: boolean;
  }
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * text/csv bodies are handed over unread, and only to routes that declare `csvUpload`: no
 * other route, and no request that failed its role check (onRequest), ever reads one.
 */
export function acceptCsvUploads(app: FastifyInstance): void {
  app.addContentTypeParser('text/csv', (request, payload, done) => {
    if (request.routeOptions.config.csvUpload) return done(null, payload);
    done(new AppError('HW_BAD_REQUEST', 'this route does not take text/csv'), undefined);
  });
  app.addContentTypeParser(XLSX_TYPE, (request, payload, done) => {
    if (request.routeOptions.config.xlsxUpload) return done(null, payload);
    done(new AppError('HW_BAD_REQUEST', 'this route does not take a workbook'), undefined);
  });
}

/**
 * The first sheet of an uploaded workbook as rows keyed by its first row (the header), at most
 * `maxRows`; the upload is cut off past `maxBytes`. Cells keep their type (a number stays one).
 */
export async function readXlsxRows(body: Readable, limits: CsvLimits): Promise<{ line: number; values: Record<string, string | number | null> }[]> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) {
      body.resume();
      throw new AppError('HW_PAYLOAD_TOO_LARGE', `the file is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MiB`);
    }
    chunks.push(chunk);
  }
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  } catch (err) {
    throw new AppError('HW_BAD_REQUEST', `not readable as an .xlsx workbook: ${(err as Error).message}`);
  }
  const sheet = wb.worksheets[0];
  if (!sheet || sheet.rowCount === 0) return [];
  if (sheet.rowCount - 1 > limits.maxRows) throw new AppError('HW_BAD_REQUEST', `more than ${limits.maxRows} rows: at most ${limits.maxRows} per import`);
  const header = (sheet.getRow(1).values as unknown[]).map((v) => (v === undefined || v === null ? '' : String(v).trim()));
  const rows: { line: number; values: Record<string, string | number | null> }[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = row.values as unknown[];
    const out: Record<string, string | number | null> = {};
    header.forEach((name, col) => {
      if (!name) return;
      const v = values[col];
      out[name] = v === undefined || v === null ? null : typeof v === 'number' ? v : typeof v === 'object' && 'text' in (v as object) ? String((v as { text: unknown }).text) : String(v);
    });
    rows.push({ line: n, values: out });
  });
  return rows;
}

export interface CsvLimits {
  maxRows: number;
  maxBytes: number;
}

/** The rows of a CSV file with a header line, as objects keyed by the header's names. */
export async function readCsvRows(body: Readable, limits: CsvLimits): Promise<Record<string, string>[]> {
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true, trim: false, relax_column_count: false });
  const rows: Record<string, string>[] = [];
  let bytes = 0;
  let cut: AppError | null = null;
  const stop = (err: AppError) => {
    cut ??= err;
    body.unpipe(parser);
    body.resume(); // drain what is in flight; nothing more is kept
    parser.end();
  };
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) stop(new AppError('HW_PAYLOAD_TOO_LARGE', `the file is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MiB`));
  });
  body.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      if (cut) break;
      rows.push(row);
      if (rows.length > limits.maxRows) stop(new AppError('HW_BAD_REQUEST', `more than ${limits.maxRows} rows: at most ${limits.maxRows} per import`));
    }
  } catch (err) {
    if (cut) throw cut;
    throw new AppError('HW_BAD_REQUEST', `not readable as CSV: ${(err as Error).message}`);
  }
  if (cut) throw cut;
  return rows;
}
