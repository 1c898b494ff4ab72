import { AppShell, Burger, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, type MouseEvent } from 'react';
import { useBatchRun } from './batch/use-batch-run';
import { AuditPage } from './pages/AuditPage';
import { BatchPage } from './pages/BatchPage';
import { DkimPage } from './pages/DkimPage';
import { HistoryItemPage } from './pages/HistoryItemPage';
import { HistoryPage } from './pages/HistoryPage';
import { ComposePage } from './mail/ComposePage';
import { PlacementItemPage, PlacementPage } from './mail/PlacementPage';
import { ProfilesPage } from './mail/ProfilesPage';
import { SeedsPage } from './mail/SeedsPage';
import { MessageItemPage } from './pages/MessageItemPage';
import { MessagesPage } from './pages/MessagesPage';
import { SettingsPage } from './pages/SettingsPage';
import { pageTitle, routeHref, useRoute, type Route } from './router';
import { useAuditRun } from './use-audit-run';

const NAV: { label: string; route: Route; matches: Route['page'][] }[] = [
  { label: 'Audit', route: { page: 'audit' }, matches: ['audit'] },
  { label: 'Batch', route: { page: 'batch' }, matches: ['batch'] },
  { label: 'Messages', route: { page: 'messages' }, matches: ['messages', 'message-item'] },
  { label: 'Test send', route: { page: 'send' }, matches: ['send'] },
  { label: 'Placement', route: { page: 'placement' }, matches: ['placement', 'placement-item'] },
  { label: 'SMTP profiles', route: { page: 'profiles' }, matches: ['profiles'] },
  { label: 'Seeds', route: { page: 'seeds' }, matches: ['seeds'] },
  { label: 'History', route: { page: 'history' }, matches: ['history', 'history-item'] },
  { label: 'DKIM keys', route: { page: 'dkim' }, matches: ['dkim'] },
  { label: 'Settings', route: { page: 'settings' }, matches: ['settings'] },
];

const MAIN_ID = 'main-content';

/**
 * Moves focus to the page's content, past the header and the navigation (WCAG 2 §2.4.1).
 *
 * Not a plain #main-content link: the hash is the route here, and changing it would leave the page.
 */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  const main = document.getElementById(MAIN_ID);
  main?.focus();
  main?.scrollIntoView({ block: 'start' });
}

export function App() {
  const route = useRoute();
  const audit = useAuditRun();
  const batch = useBatchRun();
  const [navOpened, nav] = useDisclosure(false);
  const title = pageTitle(route);

  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <>
      <a className="skip-link" href={`#${MAIN_ID}`} onClick={skipToContent}>
        Skip to content
      </a>
      <AppShell
        header={{ height: 52 }}
        navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" gap="sm">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg">
              Deliverlab
            </Text>
            <Text size="sm" c="dimmed" visibleFrom="xs">
              email deliverability workbench
            </Text>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Main">
          {NAV.map((item) => (
            <NavLink
              key={item.label}
              href={routeHref(item.route)}
              label={item.label}
              active={item.matches.includes(route.page)}
              aria-current={item.matches.includes(route.page) ? 'page' : undefined}
              onClick={nav.close}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id={MAIN_ID} tabIndex={-1}>
          {route.page === 'audit' && <AuditPage state={audit.state} onRun={(domain, options) => void audit.run(domain, options)} />}
          {route.page === 'batch' && (
            <BatchPage
              state={batch.state}
              onRun={(domains, options, parallel) => void batch.run(domains, options, parallel)}
              onCancel={batch.cancel}
            />
          )}
          {route.page === 'messages' && <MessagesPage />}
          {route.page === 'message-item' && <MessageItemPage key={route.id} id={route.id} />}
          {route.page === 'history' && <HistoryPage />}
          {route.page === 'history-item' && <HistoryItemPage key={route.id} id={route.id} />}
          {route.page === 'send' && <ComposePage />}
          {route.page === 'placement' && <PlacementPage />}
          {route.page === 'placement-item' && <PlacementItemPage key={route.id} id={route.id} />}
          {route.page === 'profiles' && <ProfilesPage />}
          {route.page === 'seeds' && <SeedsPage />}
          {route.page === 'dkim' && <DkimPage />}
          {route.page === 'settings' && <SettingsPage />}
        </AppShell.Main>
      </AppShell>
    </>
  );
}
