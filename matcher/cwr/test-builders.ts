// Builds fixed-width CWR records for tests: fields are placed at their 1-based columns.

export function place(line: string, column: number, text: string): string {
  const at = column - 1;
  const base = line.length < at ? line.padEnd(at) : line;
  return base.slice(0, at) + text + base.slice(at + text.length);
}

function seq(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A transaction record: type, transaction and record sequence, then fields at their columns. */
export function record(
  type: string,
  tx: number,
  recSeq: number,
  fields: Array<[number, string]>,
  length = 0,
): string {
  let line = `${type}${seq(tx, 8)}${seq(recSeq, 8)}`;
  for (const [column, text] of fields) line = place(line, column, text);
  return line.padEnd(length);
}

export function nwr(tx: number, title: string, workNumber: string, iswc = '', type = 'NWR'): string {
  return record(
    type,
    tx,
    0,
    [
      [20, title.padEnd(60)],
      [82, workNumber.padEnd(14)],
      [96, iswc.padEnd(11)],
      [107, '00000000'],
      [127, 'POP'],
      [130, '000330'],
      [136, 'Y'],
      [143, 'ORI'],
    ],
    260,
  );
}

export function spu(
  tx: number,
  recSeq: number,
  o: {
    seq?: number;
    ip: string;
    name: string;
    ipi?: string;
    society?: string;
    share: string;
    type?: 'SPU' | 'OPU';
  },
): string {
  return record(
    o.type ?? 'SPU',
    tx,
    recSeq,
    [
      [20, seq(o.seq ?? 1, 2)],
      [22, o.ip.padEnd(9)],
      [31, o.name.padEnd(45)],
      [77, 'E '],
      [79, '000000000'],
      [88, (o.ipi ?? '00000000000').padStart(11, '0')],
      [113, (o.society ?? '').padEnd(3)],
      [116, o.share],
      [121, '   00000   00000'],
      [138, 'N'],
    ],
    183,
  );
}

export function swr(
  tx: number,
  recSeq: number,
  o: {
    ip: string;
    last: string;
    first?: string;
    role?: string;
    ipi?: string;
    society?: string;
    share: string;
    type?: 'SWR' | 'OWR';
  },
): string {
  return record(
    o.type ?? 'SWR',
    tx,
    recSeq,
    [
      [20, o.ip.padEnd(9)],
      [29, o.last.padEnd(45)],
      [74, (o.first ?? '').padEnd(30)],
      [105, (o.role ?? 'CA').padEnd(2)],
      [107, '000000000'],
      [116, (o.ipi ?? '00000000000').padStart(11, '0')],
      [127, (o.society ?? '').padEnd(3)],
      [130, o.share],
      [135, '   00000   00000'],
      [152, 'N'],
    ],
    180,
  );
}

export function swt(tx: number, recSeq: number, ip: string, share: string): string {
  return record('SWT', tx, recSeq, [
    [20, ip.padEnd(9)],
    [29, `${share}0000000000I2136N001`],
  ]);
}

export function pwr(
  tx: number,
  recSeq: number,
  publisherIp: string,
  publisherName: string,
  writerIp: string,
  pubSeq?: number,
): string {
  const fields: Array<[number, string]> = [
    [20, publisherIp.padEnd(9)],
    [29, publisherName.padEnd(45)],
    [102, writerIp.padEnd(9)],
  ];
  if (pubSeq !== undefined) fields.push([111, seq(pubSeq, 2)]);
  return record('PWR', tx, recSeq, fields);
}

export function alt(tx: number, recSeq: number, title: string): string {
  return record('ALT', tx, recSeq, [
    [20, title.padEnd(60)],
    [80, 'AT  '],
  ]);
}

export function per(tx: number, recSeq: number, last: string, first = ''): string {
  return record('PER', tx, recSeq, [
    [20, last.padEnd(45)],
    [65, first.padEnd(30)],
    [95, ' '.repeat(24)],
  ]);
}

export function rec(
  tx: number,
  recSeq: number,
  isrc: string,
  o: { recordingTitle?: string; version?: '2.1' | '2.2' } = {},
): string {
  const fields: Array<[number, string]> = [
    [20, '20200101'],
    [88, '000330'],
    [99, 'AN ALBUM'.padEnd(60)],
    [250, isrc.padEnd(12)],
    [262, 'AS'],
    [264, 'CD '],
  ];
  if (o.version === '2.2') {
    fields.push([267, (o.recordingTitle ?? '').padEnd(60)], [327, ' '.repeat(214)]);
  }
  return record('REC', tx, recSeq, fields);
}

export interface BuildOptions {
  version?: '2.1' | '2.2';
  groupType?: string;
  eol?: string;
  /** override of the stated counts, to test the trailer check */
  grtTransactions?: number;
  grtRecords?: number;
  trlRecords?: number;
  omitTrailer?: boolean;
}

/** A whole file with one group holding the transactions; trailer counts computed unless overridden. */
export function buildFile(transactions: string[][], o: BuildOptions = {}): string {
  const version = o.version ?? '2.1';
  let hdr = `HDRPB000000199${'THE SENDER'.padEnd(45)}01.1020240131101500${'20240131'}${' '.repeat(15)}`;
  if (version === '2.2') hdr += `2.2001${'TEST SUITE'.padEnd(30)}${'1.0'.padEnd(30)}`;
  const grh = `GRH${o.groupType ?? 'NWR'}00001${version === '2.2' ? '02.20' : '02.10'}0000000000  `;
  const body = transactions.flat();
  const groupRecords = body.length + 2;
  const grt = `GRT00001${seq(o.grtTransactions ?? transactions.length, 8)}${seq(o.grtRecords ?? groupRecords, 8)}   0000000000`;
  const trl = `TRL00001${seq(transactions.length, 8)}${seq(o.trlRecords ?? groupRecords + 2, 8)}`;
  const lines = [hdr, grh, ...body, grt, ...(o.omitTrailer ? [] : [trl])];
  return lines.join(o.eol ?? '\r\n') + (o.eol ?? '\r\n');
}
