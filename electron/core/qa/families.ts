/**
 * The mail client families design QA checks against, and the caniemail.com clients each one covers.
 *
 * A designer thinks in families ("does it work in Outlook?"); caniemail.com measures each app and
 * platform on its own. The families are the ones most lists are read in; `major` ones decide how
 * much a feature they lack matters (see compat.ts).
 */

export const CLIENT_FAMILIES = ['gmail', 'outlook', 'apple', 'yahoo', 'samsung', 'thunderbird'] as const;
export type ClientFamily = (typeof CLIENT_FAMILIES)[number];

export interface FamilyInfo {
  /** The family as people name it. */
  name: string;
  /** Most of a typical list reads mail here: a feature missing in one of them is a warning. */
  major: boolean;
  /** caniemail.com's client ids (family.platform) and how each platform is named. */
  clients: Record<string, string>;
}

export const FAMILIES: Record<ClientFamily, FamilyInfo> = {
  gmail: {
    name: 'Gmail',
    major: true,
    clients: { 'gmail.desktop-webmail': 'web', 'gmail.mobile-webmail': 'mobile web', 'gmail.ios': 'iOS app', 'gmail.android': 'Android app' },
  },
  outlook: {
    name: 'Outlook',
    major: true,
    clients: { 'outlook.windows': 'Windows', 'outlook.windows-mail': 'Windows Mail', 'outlook.macos': 'Mac', 'outlook.outlook-com': 'Outlook.com' },
  },
  apple: { name: 'Apple Mail', major: true, clients: { 'apple-mail.macos': 'macOS', 'apple-mail.ios': 'iOS' } },
  yahoo: { name: 'Yahoo Mail', major: true, clients: { 'yahoo.desktop-webmail': 'web', 'yahoo.ios': 'iOS app', 'yahoo.android': 'Android app' } },
  samsung: { name: 'Samsung Email', major: false, clients: { 'samsung-email.android': 'Android' } },
  thunderbird: { name: 'Thunderbird', major: false, clients: { 'thunderbird.windows': 'Windows', 'thunderbird.macos': 'macOS' } },
};

export const isClientFamily = (name: string): name is ClientFamily => (CLIENT_FAMILIES as readonly string[]).includes(name);

/** The family a caniemail client id belongs to. */
export function familyOf(client: string): ClientFamily | undefined {
  return CLIENT_FAMILIES.find((family) => Object.hasOwn(FAMILIES[family].clients, client));
}
