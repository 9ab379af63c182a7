// A record whose quoted field is still open at the end of its line: the lines it gathers
// until the quote closes, and when it cannot close (an unbalanced quote). See parser.ts.
import { quoteValue as q } from '../../core/values/index.ts';
import type { Line } from '../lines/line-reader.ts';
import type { Fault } from './fields.ts';
import { isBlank, type RecordScanner } from './scan.ts';

/**
 * What the next line did to the open record: 'open' (still open), 'closed' (`cells`,
 * `irregular`) or 'unbalanced' (`why`; a too-long line is then not part of the record).
 * Results are left on the object, not returned in one, so reading a line allocates nothing more.
 */
export type OpenStep = 'open' | 'closed' | 'unbalanced';

export class OpenRecord {
  /** the record's lines, copied (the line reader reuses its buffers) */
  lines: Line[] = [];
  /** index of the cell whose quote is open */
  cell = -1;
  /** width of the header row, set when the data phase starts */
  width = 0;
  cells: string[] = [];
  irregular = false;
  why = '';
  private text = '';
  private bytes = 0;

  constructor(
    private readonly scanner: RecordScanner,
    private readonly quoteByte: number,
    private readonly maxLineBytes: number,
    private readonly maxRecordLines: number,
  ) {}

  get isOpen(): boolean {
    return this.lines.length > 0;
  }

  /** Opens the record on `line`, whose text leaves cell `cell` quoted. */
  start(line: Line, text: string, cell: number): void {
    this.lines = [{ ...line, bytes: Buffer.from(line.bytes) }];
    this.text = text;
    this.bytes = line.bytes.length;
    this.cell = cell;
  }

  /** The record's lines; the record is closed. */
  take(): Line[] {
    const lines = this.lines;
    this.lines = [];
    this.text = '';
    this.bytes = 0;
    return lines;
  }

  /** Adds the next line. */
  add(line: Line): OpenStep {
    if (line.tooLong === true) {
      return this.unbalanced(
        `is still open when line ${line.lineNumber}, longer than ${this.maxLineBytes} bytes, follows`,
      );
    }
    const prev = this.lines[this.lines.length - 1] as Line;
    const eol = line.byteOffset - (prev.byteOffset + prev.bytes.length) === 2 ? '\r\n' : '\n';
    this.lines.push({ ...line, bytes: Buffer.from(line.bytes) });
    this.bytes += eol.length + line.bytes.length;
    if (this.lines.length > this.maxRecordLines) {
      return this.unbalanced(
        `is still open after ${this.maxRecordLines} lines (a quoted value may span at most ${this.maxRecordLines} lines)`,
      );
    }
    if (this.bytes > this.maxLineBytes) {
      return this.unbalanced(
        `is still open after ${this.bytes} bytes, over the limit of ${this.maxLineBytes}`,
      );
    }
    this.text += eol + line.bytes.toString('utf8');
    // without a quote character on this line, the open quoted field cannot close on it
    if (line.bytes.indexOf(this.quoteByte) === -1) return 'open';
    const r = this.scanner.scan(this.text);
    if (r.kind === 'open') return 'open';
    if (r.kind === 'error') return this.unbalanced(`makes the following lines unreadable (${r.message})`);
    if (!this.cellCountOk(r.cells)) {
      return this.unbalanced(
        `closes only on line ${line.lineNumber}, and the row so formed has ${r.cells.length} cells where the header has ${this.width}`,
      );
    }
    this.cells = r.cells;
    this.irregular = r.irregular;
    return 'closed';
  }

  /** The file ends with the record still open: it is unbalanced. */
  endOfFile(): void {
    const last = this.lines[this.lines.length - 1] as Line;
    this.unbalanced(`is not closed before the end of the file (line ${last.lineNumber})`);
  }

  /** The dead letter's fault for the line the unbalanced record starts on. */
  fault(header: string[], firstLine: number): Fault {
    const cellIndex = this.cell;
    const column =
      cellIndex >= 0 && cellIndex < header.length ? ` in column ${q(header[cellIndex] as string)}` : '';
    const fault: Fault = {
      errorClass: 'WRONG_CELL_COUNT',
      message:
        `unbalanced quote: the quoted value${column} (cell ${cellIndex + 1}) that opens on this line ${this.why}; ` +
        `this line is dead-lettered on its own and reading resumes at line ${firstLine + 1}`,
    };
    if (column !== '') fault.cell = header[cellIndex] as string;
    return fault;
  }

  private unbalanced(why: string): OpenStep {
    this.why = why;
    return 'unbalanced';
  }

  /** A closed record may differ from the header only by a blank row or trailing empty cells. */
  private cellCountOk(cells: string[]): boolean {
    if (cells.length === this.width) return true;
    if (cells.length < this.width) return cells.length === 1 && isBlank(cells[0] as string);
    for (let i = this.width; i < cells.length; i++) if (!isBlank(cells[i] as string)) return false;
    return true;
  }
}
