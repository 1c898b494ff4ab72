/**
 * Domain name checks for core modules.
 *
 * The rule itself is runtime-neutral and lives in electron/shared/domain-name.ts, so the renderer
 * runs the same one; core modules keep importing it from here.
 */
export { isValidDomain, normalizeDomain } from '../shared/domain-name';
