import type { Release, Resource, Summary, UsageFormat, UsageLine } from '../core/schemas/index.ts';

/**
 * Builds the UsageLine events of one file, for every parser: the event's identity (lineId,
 * file, sender, format) is set here, and every field starts empty, so that each parser only
 * fills in what its line says. One builder per file; the events all have the same shape.
 */
export class UsageLineBuilder {
  constructor(
    private readonly fileId: string,
    private readonly sender: string,
    private readonly format: UsageFormat,
  ) {}

  /** A usage line with its identity and context set and every other field empty (usages 0). */
  start(
    lineNumber: number,
    recordType: string,
    resources: Resource[],
    release: Release | null,
    summary: Summary | null,
  ): UsageLine {
    return {
      lineId: `${this.fileId}:${lineNumber}`,
      fileId: this.fileId,
      lineNumber,
      sender: this.sender,
      format: this.format,
      recordType,
      salesTransactionId: null,
      usages: 0,
      useType: null,
      commercialModel: null,
      territory: null,
      periodStart: null,
      periodEnd: null,
      isRoyaltyBearing: null,
      priceConsumerPaid: null,
      currency: null,
      resources,
      release,
      summary,
      extra: {},
    };
  }
}
