import { describe, expect, it } from 'vitest';
import { detectFolderRoles, otherFolders, type ListedFolder } from '../../electron/core/placement/folders';

const f = (path: string, flags: string[] = [], delimiter = '/'): ListedFolder => ({ path, flags, delimiter });

describe('detectFolderRoles', () => {
  it('takes RFC 6154 SPECIAL-USE flags first', () => {
    const { roles, folders, warnings } = detectFolderRoles([
      f('INBOX'),
      f('Bulk', ['\\HasNoChildren', '\\Junk']),
      f('Bin', ['\\Trash']),
      f('Outbox', ['\\Sent']),
      f('Old', ['\\Archive']),
      f('Unsent', ['\\Drafts']),
      f('Everything', ['\\All']),
      f('Junk'),
    ]);
    expect(roles).toEqual({ inbox: 'INBOX', junk: 'Bulk', trash: 'Bin', sent: 'Outbox', archive: 'Old', drafts: 'Unsent', all: 'Everything' });
    expect(folders.find((x) => x.path === 'Bulk')).toMatchObject({ role: 'junk', roleSource: 'special-use' });
    // A name guess never takes a role the server already gave by flag.
    expect(folders.find((x) => x.path === 'Junk')?.role).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('reads the specialUse field and Gmail XLIST flags (\\Spam, \\AllMail)', () => {
    const { roles } = detectFolderRoles([
      f('INBOX'),
      f('[Gmail]', ['\\Noselect']),
      f('[Gmail]/Spam', ['\\Spam']),
      f('[Gmail]/All Mail', ['\\AllMail']),
      { path: 'Papierkorb', flags: [], specialUse: '\\Trash' },
    ]);
    expect(roles).toMatchObject({ junk: '[Gmail]/Spam', all: '[Gmail]/All Mail', trash: 'Papierkorb' });
  });

  it.each([
    ['Junk E-mail', 'junk'],
    ['Junk Email', 'junk'],
    ['Bulk Mail', 'junk'],
    ['Spam', 'junk'],
    ['Courrier indésirable', 'junk'],
    ['Deleted Items', 'trash'],
    ['Deleted Messages', 'trash'],
    ['Sent Items', 'sent'],
    ['Sent Messages', 'sent'],
    ['Archives', 'archive'],
    ['Drafts', 'drafts'],
  ])('recognises "%s" by name as %s', (name, role) => {
    const { roles, folders } = detectFolderRoles([f('INBOX'), f(name)]);
    expect(roles).toMatchObject({ [role]: name });
    expect(folders.find((x) => x.path === name)?.roleSource).toBe('name');
  });

  it('recognises Gmail paths and folders under INBOX with either delimiter', () => {
    expect(detectFolderRoles([f('[Gmail]/Spam'), f('[Gmail]/Sent Mail')]).roles).toEqual({ junk: '[Gmail]/Spam', sent: '[Gmail]/Sent Mail' });
    expect(detectFolderRoles([f('INBOX', [], '.'), f('INBOX.Junk', [], '.'), f('INBOX.Trash', [], '.')]).roles).toEqual({ inbox: 'INBOX', junk: 'INBOX.Junk', trash: 'INBOX.Trash' });
    expect(detectFolderRoles([f('INBOX/Spam')]).roles).toEqual({ junk: 'INBOX/Spam' });
  });

  it('does not take a user folder that merely ends in a known name', () => {
    const { roles } = detectFolderRoles([f('INBOX'), f('Projects/Spam'), f('Clients/Sent'), f('Spamalot')]);
    expect(roles).toEqual({ inbox: 'INBOX' });
  });

  it('lets the override win over flags and names, and warns about a folder the server lacks', () => {
    const { roles, folders, warnings } = detectFolderRoles([f('INBOX'), f('Junk', ['\\Junk']), f('Filtered')], { junk: 'filtered', trash: 'Nowhere' });
    expect(roles.junk).toBe('Filtered');
    expect(folders.find((x) => x.path === 'Filtered')).toMatchObject({ role: 'junk', roleSource: 'override' });
    expect(folders.find((x) => x.path === 'Junk')?.role).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"trash" \("Nowhere"\) is not on the server/);
  });

  it('treats INBOX case-insensitively (RFC 3501 §5.1) and keeps one folder per role', () => {
    const { roles } = detectFolderRoles([f('Inbox'), f('A', ['\\Junk']), f('B', ['\\Junk'])]);
    expect(roles).toEqual({ inbox: 'Inbox', junk: 'A' });
  });
});

describe('otherFolders', () => {
  it('searches every selectable folder except INBOX, Junk, Trash, Sent, Drafts, All Mail and virtual views', () => {
    const { folders } = detectFolderRoles([
      f('INBOX'),
      f('INBOX/Newsletters'),
      f('Junk', ['\\Junk']),
      f('Trash', ['\\Trash']),
      f('Sent', ['\\Sent']),
      f('Drafts', ['\\Drafts']),
      f('Archive', ['\\Archive']),
      f('Promotions'),
      f('[Gmail]', ['\\Noselect']),
      f('[Gmail]/All Mail', ['\\All']),
      f('[Gmail]/Starred', ['\\Flagged']),
      f('[Gmail]/Important', ['\\Important']),
      f('Gone', ['\\NonExistent']),
    ]);
    expect(otherFolders(folders)).toEqual(['INBOX/Newsletters', 'Archive', 'Promotions']);
  });
});
