/**
 * Text beyond ASCII for DNS records and reports: Japanese, Chinese and Korean, Arabic (written right
 * to left), accented Latin. Each is short enough to stay on one line of a report's table cell.
 */
export const INTL = {
  japanese: '日本語のテキスト',
  chinese: '中文记录',
  korean: '한국어 레코드',
  arabic: 'مرحبا بالعالم',
  latin: 'Crème brûlée Ø',
} as const;

export const INTL_TEXTS: readonly string[] = Object.values(INTL);
