/**
 * Folder roles of a seed mailbox: which folder is the Junk folder, which are Trash, Sent, Archive...
 *
 * The watcher must know where a provider files spam and which folders to leave alone (Trash, Sent,
 * Drafts, All Mail). Servers that speak SPECIAL-USE say so themselves; older ones (and some
 * providers' shared folders) are recognised by their usual names; the user's override wins over both.
 */
import { FOLDER_ROLES, type FolderInfo, type FolderRole } from './types';

export interface ListedFolder {
  path: string;
  flags: string[];
  /** A SPECIAL-USE flag the server reported for the folder (not one guessed from its name). */
  specialUse?: string;
  /** The folder's hierarchy delimiter, when known ("/" or "."). */
  delimiter?: string;
}

export interface FolderRoles {
  folders: FolderInfo[];
  roles: Partial<Record<FolderRole, string>>;
  /** Override entries that name a folder the server did not list. */
  warnings: string[];
}

// RFC 6154 §2 attributes, plus Gmail's legacy XLIST names (\Spam, \AllMail, \Inbox) for servers
// that still answer XLIST instead of SPECIAL-USE.
const SPECIAL_USE: Record<string, FolderRole> = {
  '\\junk': 'junk',
  '\\spam': 'junk',
  '\\trash': 'trash',
  '\\sent': 'sent',
  '\\archive': 'archive',
  '\\drafts': 'drafts',
  '\\all': 'all',
  '\\allmail': 'all',
  '\\inbox': 'inbox',
};

// Usual names, compared case-insensitively on the full path and on the last path segment.
// Order inside a role matters: the first name found wins when several exist.
const NAMES: Record<Exclude<FolderRole, 'inbox'>, string[]> = {
  junk: ['[Gmail]/Spam', '[Google Mail]/Spam', 'Junk', 'Spam', 'Junk E-mail', 'Junk Email', 'Junk Mail', 'Bulk Mail', 'Bulk', 'Courrier indésirable', 'Pourriel', 'Indésirables', 'Spamverdacht', 'Junk-E-Mail', 'Correo no deseado', 'Posta indesiderata', 'Ongewenste e-mail'],
  trash: ['[Gmail]/Trash', '[Gmail]/Bin', '[Google Mail]/Trash', '[Google Mail]/Bin', 'Trash', 'Deleted Items', 'Deleted Messages', 'Deleted', 'Bin', 'Corbeille', 'Papierkorb', 'Gelöschte Elemente', 'Éléments supprimés', 'Papelera', 'Cestino'],
  sent: ['[Gmail]/Sent Mail', '[Google Mail]/Sent Mail', 'Sent', 'Sent Items', 'Sent Messages', 'Sent Mail', 'Envoyés', 'Éléments envoyés', 'Gesendet', 'Gesendete Elemente', 'Enviados', 'Posta inviata'],
  archive: ['Archive', 'Archives', 'Archiv', 'Archivo'],
  drafts: ['[Gmail]/Drafts', '[Google Mail]/Drafts', 'Drafts', 'Draft', 'Brouillons', 'Entwürfe', 'Borradores', 'Bozze'],
  all: ['[Gmail]/All Mail', '[Google Mail]/All Mail'],
};

const norm = (s: string) => s.normalize('NFC').toLowerCase();

function lastSegment(path: string, delimiter?: string): string {
  const delims = delimiter ? [delimiter] : ['/', '.'];
  let cut = -1;
  for (const d of delims) cut = Math.max(cut, path.lastIndexOf(d));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

function parentOf(path: string, delimiter?: string): string | undefined {
  const delims = delimiter ? [delimiter] : ['/', '.'];
  let cut = -1;
  for (const d of delims) cut = Math.max(cut, path.lastIndexOf(d));
  return cut >= 0 ? path.slice(0, cut) : undefined;
}

/** The role a folder's usual name suggests, or undefined. */
function roleByName(folder: ListedFolder): Exclude<FolderRole, 'inbox'> | undefined {
  const full = norm(folder.path);
  const parent = parentOf(folder.path, folder.delimiter);
  // "INBOX.Junk", "INBOX/Spam" (Courier, Cyrus, cPanel) count; "Projects/Spam" does not: a user's
  // own sub-folder named Spam is no provider's spam folder.
  const topLevelOrUnderInbox = parent === undefined || norm(parent) === 'inbox';
  const leaf = norm(lastSegment(folder.path, folder.delimiter));
  for (const [role, names] of Object.entries(NAMES) as [Exclude<FolderRole, 'inbox'>, string[]][]) {
    for (const name of names) {
      const n = norm(name);
      if (full === n) return role;
      if (topLevelOrUnderInbox && !n.includes('/') && leaf === n) return role;
    }
  }
  return undefined;
}

function roleBySpecialUse(folder: ListedFolder): FolderRole | undefined {
  const flags = [...(folder.specialUse ? [folder.specialUse] : []), ...folder.flags];
  for (const f of flags) {
    const role = SPECIAL_USE[f.toLowerCase()];
    if (role) return role;
  }
  return undefined;
}

/**
 * Assigns roles to listed folders: the user's override first, then SPECIAL-USE flags, then usual names.
 *
 * One folder per role; when the server flags two folders with the same role the first listed wins
 * (RFC 6154 §2 allows several, but the watcher needs one answer). A name guess never takes a role
 * the server already gave by flag.
 */
export function detectFolderRoles(list: readonly ListedFolder[], override: Partial<Record<FolderRole, string>> = {}): FolderRoles {
  const warnings: string[] = [];
  const folders: FolderInfo[] = list.map((f) => ({ path: f.path, flags: [...f.flags] }));
  const roles: Partial<Record<FolderRole, string>> = {};
  const byPath = new Map<string, number>();
  list.forEach((f, i) => byPath.set(norm(f.path), i));

  const assign = (i: number, role: FolderRole, source: NonNullable<FolderInfo['roleSource']>) => {
    const info = folders[i] as FolderInfo;
    if (info.role !== undefined || roles[role] !== undefined) return;
    info.role = role;
    info.roleSource = source;
    roles[role] = info.path;
  };

  for (const role of FOLDER_ROLES) {
    const wanted = override[role];
    if (wanted === undefined) continue;
    const i = byPath.get(norm(wanted));
    if (i === undefined) {
      warnings.push(`the folder set for "${role}" ("${wanted}") is not on the server; check the name in the seed's folders override (the server lists: ${list.map((f) => f.path).join(', ') || 'nothing'})`);
      continue;
    }
    assign(i, role, 'override');
  }
  // RFC 3501 §5.1: INBOX is case-insensitive and always the inbox.
  const inbox = byPath.get('inbox');
  if (inbox !== undefined) assign(inbox, 'inbox', 'special-use');
  list.forEach((f, i) => {
    const role = roleBySpecialUse(f);
    if (role) assign(i, role, 'special-use');
  });
  list.forEach((f, i) => {
    const role = roleByName(f);
    if (role) assign(i, role, 'name');
  });
  return { folders, roles, warnings };
}

/** Folders the watcher leaves alone: copies there are not placements (Trash, Sent, Drafts) or are everywhere (All Mail). */
const NOT_WATCHED: readonly FolderRole[] = ['trash', 'sent', 'drafts', 'all'];

/**
 * The folders searched as "other folders": every selectable folder except INBOX, Junk and the roles above.
 *
 * Virtual folders (Gmail's Starred and Important) are skipped too: a copy there is also elsewhere.
 * INBOX's children count (a server-side rule may file into INBOX/Newsletters); Archive counts,
 * because a provider rule that archives on arrival is a placement the user wants to see.
 */
export function otherFolders(folders: readonly FolderInfo[]): string[] {
  return folders
    // \Flagged (RFC 6154) and \Important (RFC 8457) are virtual views of other folders, like All Mail.
    .filter((f) => !f.flags.some((x) => /^\\(noselect|nonexistent|flagged|important)$/i.test(x)))
    .filter((f) => f.role !== 'inbox' && f.role !== 'junk' && !(f.role && NOT_WATCHED.includes(f.role)))
    .filter((f) => !/^\[(gmail|google mail)\]$/i.test(f.path))
    .map((f) => f.path);
}
