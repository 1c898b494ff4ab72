/**
 * Desktop notifications of alerts in the browser (serve): only once the user has allowed them with
 * the button, never asked on load. The desktop app's main process notifies by itself.
 */
import { Button, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { DeliverlabClient } from '../../../electron/api/operations';

/** The browser's Notification, when this page runs in a browser that has one (not in the desktop app). */
function browserNotification(): typeof Notification | null {
  if (typeof window === 'undefined' || 'deliverlab' in window || !('Notification' in window)) return null;
  return window.Notification;
}

/** Shows a notification for each alert raised while the page is open, once the user has allowed them. */
export function useBrowserAlertNotifications(client: DeliverlabClient): void {
  useEffect(() => {
    const api = browserNotification();
    if (!api) return;
    return client.on('alert.raised', (alert) => {
      if (api.permission !== 'granted') return;
      const who = alert.client ? `${alert.target} (${alert.client})` : alert.target;
      new api(`${who}: ${alert.title}`, { body: alert.detail, tag: `deliverlab-alert-${alert.id}` });
    });
  }, [client]);
}

/** The button that asks for permission; gone once the user has answered. */
export function BrowserNotificationsButton() {
  const api = browserNotification();
  const [permission, setPermission] = useState<NotificationPermission | null>(api?.permission ?? null);
  if (!api || permission === null) return null;
  if (permission === 'granted') {
    return (
      <Text size="sm" c="dimmed">
        Alerts show as desktop notifications while this page is open.
      </Text>
    );
  }
  if (permission === 'denied') {
    return (
      <Text size="sm" c="dimmed">
        This browser blocks notifications from Deliverlab; alerts show on this page.
      </Text>
    );
  }
  return (
    <Button variant="light" size="compact-sm" onClick={() => void api.requestPermission().then(setPermission)}>
      Show alerts as desktop notifications
    </Button>
  );
}
