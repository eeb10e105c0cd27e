import type { GroveDeps } from '../../http/context.js';

/** Where a stored value lives: what field encryption binds into its additional authenticated data. */
export interface FieldRef {
  table: 'praise' | 'company_values';
  column: 'message' | 'label' | 'description';
  /** The row's id (for company values, their key). */
  rowId: string;
}

export interface RevealContext {
  tenantId: string;
  deps: GroveDeps;
}

/**
 * The one door through which exports read free text people wrote. Today Grove stores that text
 * as is, so it returns `stored` unchanged. THE INTEGRATOR WIRES THE FIELD CIPHER HERE: when the
 * field-encryption branch lands, this decrypts `stored` with the tenant's data key, binding
 * tenant, table, column and row id as it does for every read (a failure is its security event).
 * Every free-text column an export writes goes through this function and nowhere else.
 */
export async function revealText(ctx: RevealContext, field: FieldRef, stored: string): Promise<string>;
export async function revealText(ctx: RevealContext, field: FieldRef, stored: string | null): Promise<string | null>;
export async function revealText(_ctx: RevealContext, _field: FieldRef, stored: string | null): Promise<string | null> {
  return stored;
}
