/**
 * The operation and event names, without their schemas.
 *
 * The preload bundles only this list (no zod), and builds window.deliverlab from it.
 */
export const OPERATION_NAMES = [
  'audit.run',
  'audit.spf-check',
  'audit.priorities',
  'dkim.generate',
  'history.list',
  'history.get',
  'history.delete',
  'history.compare',
  'history.recent',
  'report.render',
  'report.save',
  'message.check',
  'message.list',
  'message.get',
  'message.raw',
  'message.delete',
  'qa.run',
  'qa.open',
  'qa.watch',
  'qa.unwatch',
  'qa.save-inlined',
  'smtp.list',
  'smtp.save',
  'smtp.delete',
  'smtp.test',
  'seeds.list',
  'seeds.save',
  'seeds.delete',
  'seeds.test',
  'secrets.status',
  'dkim.save-key',
  'send.run',
  'send.list',
  'send.get',
  'placement.run',
  'placement.cancel',
  'placement.list',
  'placement.get',
  'placement.delete',
  'placement.trend',
  'reports.import',
  'reports.list',
  'reports.summary',
  'reports.sources',
  'reports.records',
  'reports.readiness',
  'reports.tls',
  'reports.export',
  'reports.save',
  'clients.list',
  'clients.get',
  'clients.save',
  'clients.delete',
  'watch.list',
  'watch.add',
  'watch.remove',
  'watch.mute',
  'watch.check',
  'alerts.list',
  'alerts.ack',
  'alerts.snooze',
  'alerts.save-webhook-secret',
  'spam.status',
  'spam.draft',
  'settings.get',
  'settings.set',
  'app.info',
] as const;

export const EVENT_NAMES = ['audit.progress', 'placement.progress', 'reports.progress', 'qa.changed', 'alert.raised', 'watch.checked'] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

/** The IPC channel an operation is invoked on. */
export const ipcChannel = (name: OperationName): string => `deliverlab:${name}`;
/** The one IPC channel events travel on, as `{ event, payload }`. */
export const IPC_EVENT_CHANNEL = 'deliverlab:event';
