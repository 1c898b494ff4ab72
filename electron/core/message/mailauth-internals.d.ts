/**
 * Types for the three mailauth modules mailauth-run.ts reaches past the package's index for.
 * mailauth 7 ships no types for them; these cover only what mailauth-run.ts uses.
 */
declare module 'mailauth/lib/dkim/dkim-verifier.js' {
  import type { DKIMResult, DKIMVerifyResult } from 'mailauth';

  /** mailauth's DKIM verifier (a MessageParser Writable), driven here without the stream. */
  export class DkimVerifier {
    /** strict: RFC 6376, RFC 8301 and RFC 8463 exactly (mailauth's strict mode); lenient by default. */
    constructor(options: { resolver: unknown; sender?: string; strict?: boolean });
    headerFrom: DKIMVerifyResult['headerFrom'];
    fromFields: number;
    envelopeFrom: string | false;
    results: DKIMVerifyResult['results'];
    /**
     * The signature fields in message order: the DKIM-Signatures, then the newest ARC-Message-Signature.
     * `skip` says why one was not processed (an unknown algorithm or canonicalization, no d= or s=).
     */
    signatureHeaders: { type: 'DKIM' | 'ARC'; skip?: string }[];
    /**
     * The ARC sets found in the header, the input of arc(): the chain, or why it could not be read,
     * and the newest set's ARC-Message-Signature result once verified.
     */
    arc: { error?: unknown; lastEntry?: { messageSignature?: DKIMResult } };
    /** One running hash per body canonicalization the signatures ask for; empty when nothing is signed. */
    bodyHashes: Map<string, unknown>;
    /** The parsed header section, the input of bimi(). */
    headers: DKIMVerifyResult['headers'];
    /** Parses the header section and reads the signatures in it. */
    emitHeaders(header?: Buffer): Promise<void>;
    /** Feeds body bytes to every body hash the signatures ask for. */
    nextChunk(body: Buffer): Promise<void>;
    /** Finishes the body hashes and verifies every signature. */
    finish(): Promise<void>;
  }
}

declare module 'mailauth/lib/dmarc/index.js' {
  import type { ARCResult, DMARCResult } from 'mailauth';

  export function evaluateDmarc(options: {
    headerFrom: string[];
    fromFields: number;
    spfDomains: string[];
    dkimDomains: { id?: string; domain?: string; aligned?: unknown; underSized?: unknown }[];
    arcResult: ARCResult | false | undefined;
    resolver: unknown;
    strict: boolean;
  }): Promise<{
    response: DMARCResult | false;
    /** The signing domains that align, once the DMARC record's mode is known. */
    dkimAligned?: Set<string>;
    reason?: 'no-author-domain' | 'multiple-author-domains' | 'invalid-author-domain' | 'multiple-from-fields';
  }>;
}

declare module 'mailauth/lib/tools.js' {
  /** The authserv-id as authenticate writes it; throws a TypeError for a value that is no host name. */
  export function formatAuthservId(authservId: string, strict: boolean): string;
  export function formatDomain(domain: string): string;
  /** The first of `domains` aligned with `fromDomain` (strict: identical), or false. */
  export function getAlignment(fromDomain: string | undefined, domains: string[], strict: boolean): { domain: string } | false;
}
