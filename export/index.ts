// Export: statements per rights holder and period, claims per report, reconciled to the
// cent against the reports' summary records. docs/export.md.
export { registerExportCommands } from './cli.ts';
export { computeExport } from './compute.ts';
export type { ExportModel } from './compute.ts';
export { moneyGap } from './accounting.ts';
export type { FileAccount, MoneyAccount } from './accounting.ts';
export type { Statement } from './statement-rows.ts';
export type { Claim } from './claim-rows.ts';
export { exportFiles, claimFile, statementFile } from './files.ts';
export type { ExportFile } from './files.ts';
export { exportRun, reportAccounts } from './run.ts';
export type { ExportRunResult, ReportAccount } from './run.ts';
export { ExportService } from './service.ts';
export { reconcileFile, compareWithLegacy } from './reconcile.ts';
export type { FileReconciliation } from './reconcile.ts';
export { exportRoutes, maySee } from './routes.ts';
export { readExportInput, InputBuilder } from './sources.ts';
export { parsePeriod } from './period.ts';
export { ExportError, type ExportErrorCode } from './errors.ts';
export { printRun } from './cli.ts';
export { monthOf } from './period.ts';
export { toMinor } from './money.ts';
