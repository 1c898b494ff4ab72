/**
 * The bounds of a report import: what one file, one archive and one report may hold.
 *
 * Reports arrive from strangers: anyone can mail a zip bomb to a domain's rua= address. Each bound is
 * a refusal with its reason, never a silent cut: a report is imported whole or not at all.
 */

const MiB = 1024 * 1024;

/** The largest input file read (a .zip, .gz, .xml, .json, .eml or .mbox). */
export const MAX_FILE_BYTES = 256 * MiB;

/**
 * The most bytes decompressing one input file may produce, all its members and attachments together.
 *
 * Google's largest daily reports (tens of thousands of rows) are some 30 MB of XML; a zip bomb stops here.
 */
export const MAX_EXPANDED_BYTES = 128 * MiB;

/** The largest single report document (XML or JSON) parsed. */
export const MAX_DOCUMENT_BYTES = 64 * MiB;

/** Rows in one aggregate report: the large sample reports hold a few thousand. */
export const MAX_RECORDS_PER_REPORT = 100_000;

/** TLS-RPT policies in one report, and failure details in one policy. */
export const MAX_TLS_POLICIES = 10_000;
export const MAX_TLS_FAILURES = 10_000;

/** Auth results (DKIM signatures, SPF checks) and override reasons kept per record. */
export const MAX_AUTH_PER_RECORD = 50;

/** Containers inside containers: an mbox holding a message holding a zip holding a .xml.gz is four. */
export const MAX_NESTING = 5;

/** Members of one zip, and messages of one mbox. */
export const MAX_ZIP_MEMBERS = 1000;
export const MAX_MBOX_MESSAGES = 100_000;

/** Folders are walked this deep, and one import takes at most this many files. */
export const MAX_FOLDER_DEPTH = 32;
export const MAX_FILES = 500_000;

/** The longest text kept from a report field (an org name, a report id, a comment). */
export const MAX_FIELD_CHARS = 1000;

/** An import lists at most this many reports one by one (the counts cover them all). */
export const MAX_LISTED_REPORTS = 10_000;

/** The bounds as a person reads them, for the help text and errors. */
export const LIMIT_WORDS = {
  file: `${MAX_FILE_BYTES / MiB} MiB`,
  expanded: `${MAX_EXPANDED_BYTES / MiB} MiB`,
  document: `${MAX_DOCUMENT_BYTES / MiB} MiB`,
  records: MAX_RECORDS_PER_REPORT.toLocaleString('en-US'),
};
