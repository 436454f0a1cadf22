/**
 * Plain text tables for stdout. The formatter is pure and lives in core/text-table.ts, so that
 * io (the report's text form) uses the same one without importing ui.
 */
export { columnAlign, textTable, type Align, type Cell } from '../core/text-table.js';
