import { Inflate } from 'fflate';
import {
  FileProblem,
  type InflationBudget,
  megabytes,
  RATIO_CHECKED_FROM_BYTES,
} from '../cells.ts';

/**
 * Just enough ZIP for XLSX, on bytes already in memory: entries come from the central directory
 * (so data descriptors and the order of parts don't matter), and each part is inflated on demand,
 * in slices, counting what comes out so a zip bomb is stopped at the cap rather than believed.
 */

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/**
 * fflate inflates a whole pushed slice before handing any of it over, so the slice bounds the
 * overshoot past a cap: deflate's best is about 1 000 to 1, so 16 KB in is at most 16 MB out.
 */
const INFLATE_SLICE_BYTES = 16 * 1024;

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly localHeaderOffset: number;
}

function damaged(): FileProblem {
  return new FileProblem(
    'corrupt',
    'The file is damaged or incomplete, so it cannot be read as an Excel workbook. Open it in Excel, save it again, and upload the new copy.',
  );
}

export function decompressedTooLarge(limitBytes: number): FileProblem {
  return new FileProblem(
    'decompressedTooLarge',
    `The workbook expands to more than ${megabytes(limitBytes)} when uncompressed, which is more than any referral spreadsheet needs. Check it is the right file, or split the data across several files.`,
  );
}

function compressionRatioTooHigh(ratio: number): FileProblem {
  return new FileProblem(
    'compressionRatioTooHigh',
    `Part of the workbook expands to more than ${ratio} times its compressed size, which no spreadsheet of referrals does (they expand about 10 times) but a "zip bomb" made to overwhelm servers does. Open the file in Excel, save it again, and upload the new copy.`,
  );
}

/** What every part of one archive counts against, besides its own size cap. */
export interface InflationLimits {
  /** Refused past this many times the part's compressed size (after `RATIO_CHECKED_FROM_BYTES`). */
  readonly maxCompressionRatio: number;
  /** Budgets shared with other parts or files: the file's own, the upload's. */
  readonly budgets: readonly InflationBudget[];
}

export class ZipArchive {
  private readonly view: DataView;
  readonly entries: ReadonlyMap<string, ZipEntry>;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: InflationLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.entries = this.readCentralDirectory();
  }

  private uint32(offset: number): number {
    if (offset < 0 || offset + 4 > this.bytes.length) throw damaged();
    return this.view.getUint32(offset, true);
  }

  private uint16(offset: number): number {
    if (offset < 0 || offset + 2 > this.bytes.length) throw damaged();
    return this.view.getUint16(offset, true);
  }

  private uint64(offset: number): number {
    return this.uint32(offset) + this.uint32(offset + 4) * 2 ** 32;
  }

  private readCentralDirectory(): Map<string, ZipEntry> {
    // The end-of-central-directory record sits in the last 22 bytes plus an optional comment.
    let eocd = -1;
    for (
      let offset = this.bytes.length - 22;
      offset >= Math.max(0, this.bytes.length - 22 - 0xffff);
      offset--
    ) {
      if (this.view.getUint32(offset, true) === EOCD_SIGNATURE) {
        eocd = offset;
        break;
      }
    }
    if (eocd < 0) throw damaged();
    let entryCount = this.uint16(eocd + 10);
    let directoryOffset = this.uint32(eocd + 16);
    if ((entryCount === 0xffff || directoryOffset === 0xffffffff) && eocd >= 20) {
      if (this.uint32(eocd - 20) === ZIP64_EOCD_LOCATOR_SIGNATURE) {
        const zip64 = this.uint64(eocd - 12);
        if (this.uint32(zip64) !== ZIP64_EOCD_SIGNATURE) throw damaged();
        entryCount = this.uint64(zip64 + 32);
        directoryOffset = this.uint64(zip64 + 48);
      }
    }
    const entries = new Map<string, ZipEntry>();
    const names = new TextDecoder('utf-8');
    let offset = directoryOffset;
    for (let index = 0; index < entryCount; index++) {
      if (this.uint32(offset) !== CENTRAL_ENTRY_SIGNATURE) throw damaged();
      const flags = this.uint16(offset + 8);
      const method = this.uint16(offset + 10);
      let compressedSize = this.uint32(offset + 20);
      const uncompressedSize = this.uint32(offset + 24);
      const nameLength = this.uint16(offset + 28);
      const extraLength = this.uint16(offset + 30);
      const commentLength = this.uint16(offset + 32);
      let localHeaderOffset = this.uint32(offset + 42);
      const name = names.decode(this.bytes.subarray(offset + 46, offset + 46 + nameLength));
      if (compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
        // ZIP64 extra field: the 64-bit values, in order, for each field that overflowed.
        let extra = offset + 46 + nameLength;
        const extraEnd = extra + extraLength;
        while (extra + 4 <= extraEnd) {
          const id = this.uint16(extra);
          const size = this.uint16(extra + 2);
          if (id === 0x0001) {
            let value = extra + 4;
            if (uncompressedSize === 0xffffffff) value += 8;
            if (compressedSize === 0xffffffff) {
              compressedSize = this.uint64(value);
              value += 8;
            }
            if (localHeaderOffset === 0xffffffff) localHeaderOffset = this.uint64(value);
          }
          extra += 4 + size;
        }
      }
      entries.set(name.replace(/^\/+/, ''), {
        name,
        method,
        encrypted: (flags & 1) === 1,
        compressedSize,
        localHeaderOffset,
      });
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }

  private compressedData(entry: ZipEntry): Uint8Array {
    const header = entry.localHeaderOffset;
    if (this.uint32(header) !== LOCAL_HEADER_SIGNATURE) throw damaged();
    const start = header + 30 + this.uint16(header + 26) + this.uint16(header + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw damaged();
    return this.bytes.subarray(start, end);
  }

  /**
   * The part's bytes, a slice at a time. Stops with a FileProblem once more than `maxBytes` have
   * come out, once they pass the compression ratio cap, or once a shared budget is spent.
   */
  *inflate(entry: ZipEntry, maxBytes: number): Generator<Uint8Array> {
    if (entry.encrypted) {
      throw new FileProblem(
        'encrypted',
        'This workbook is password-protected or encrypted. Remove the password in Excel (File > Info > Protect Workbook > Encrypt with Password, then clear it), save, and upload again.',
      );
    }
    const data = this.compressedData(entry);
    let produced = 0;
    // The ratio is to the compressed bytes read so far, not the whole part: a bomb is then
    // refused in its first slices instead of after inflating the ratio times its full size.
    let consumed = 0;
    const count = (bytes: number) => {
      produced += bytes;
      if (produced > maxBytes) throw decompressedTooLarge(maxBytes);
      if (
        produced > RATIO_CHECKED_FROM_BYTES &&
        produced > this.limits.maxCompressionRatio * consumed
      ) {
        throw compressionRatioTooHigh(this.limits.maxCompressionRatio);
      }
      for (const budget of this.limits.budgets) budget.count(bytes);
    };
    if (entry.method === STORED) {
      if (data.length > maxBytes) throw decompressedTooLarge(maxBytes);
      for (let offset = 0; offset < data.length; offset += INFLATE_SLICE_BYTES) {
        const slice = data.subarray(offset, offset + INFLATE_SLICE_BYTES);
        consumed += slice.length;
        count(slice.length);
        yield slice;
      }
      return;
    }
    if (entry.method !== DEFLATED) throw damaged();
    const output: Uint8Array[] = [];
    const inflater = new Inflate((chunk) => {
      count(chunk.length);
      output.push(chunk);
    });
    for (let offset = 0; offset < data.length; offset += INFLATE_SLICE_BYTES) {
      const slice = data.subarray(offset, offset + INFLATE_SLICE_BYTES);
      consumed += slice.length;
      try {
        inflater.push(slice, offset + INFLATE_SLICE_BYTES >= data.length);
      } catch (error) {
        throw error instanceof FileProblem ? error : damaged();
      }
      for (const chunk of output) yield chunk;
      output.length = 0;
    }
  }

  /**
   * A whole part as text, decoded once from one buffer: a string built by adding decoded slices
   * is held twice when first searched (the pieces, then the flat copy), which for the largest
   * part allowed came to over four times its size.
   */
  readText(entry: ZipEntry, maxBytes: number): string {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (const chunk of this.inflate(entry, maxBytes)) {
      chunks.push(chunk);
      length += chunk.length;
    }
    const whole = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder('utf-8').decode(whole);
  }
}
