import { AppShell, Burger, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, type MouseEvent, type ReactNode } from 'react';
import { useBatchRun } from './batch/use-batch-run';
import { AuditPage } from './pages/AuditPage';
import { BatchPage } from './pages/BatchPage';
import { DkimPage } from './pages/DkimPage';
import { HistoryItemPage } from './pages/HistoryItemPage';
import { HistoryPage } from './pages/HistoryPage';
import { ComposePage } from './sending/ComposePage';
import { PlacementItemPage, PlacementPage } from './sending/PlacementPage';
import { ProfilesPage } from './sending/ProfilesPage';
import { SeedsPage } from './sending/SeedsPage';
import { MessageItemPage } from './pages/MessageItemPage';
import { MessagesPage } from './pages/MessagesPage';
import { QaPage } from './qa/QaPage';
import { ReportsPage } from './reports/ReportsPage';
import { WarmupPlanner } from './health/WarmupPlanner';
import { HealthPage } from './health/HealthPage';
import { SettingsPage } from './pages/SettingsPage';
import { isUnder, NAV, pageTitle, routeHref, useRoute, type PageName, type RouteOf } from './router';
import { useAuditRun } from './use-audit-run';
import { useClient } from './client/client-context';
import { HomePage } from './watch/HomePage';
import { useBrowserAlertNotifications } from './watch/notifications';

/** Each page's component; the compiler holds it to the list in router.ts, one entry per page. */
type Views = { [P in PageName]: (route: RouteOf<P>) => ReactNode };

function view<P extends PageName>(views: Views, page: P, route: RouteOf<P>): ReactNode {
  return views[page](route);
}

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
  useBrowserAlertNotifications(useClient());
  const views: Views = {
    home: () => <HomePage />,
    audit: () => <AuditPage state={audit.state} onRun={(domain, options) => void audit.run(domain, options)} />,
    batch: () => <BatchPage state={batch.state} onRun={(domains, options, parallel) => void batch.run(domains, options, parallel)} onCancel={batch.cancel} />,
    messages: () => <MessagesPage />,
    'message-item': ({ id }) => <MessageItemPage key={id} id={id} />,
    qa: () => <QaPage />,
    send: () => <ComposePage />,
    placement: () => <PlacementPage />,
    'placement-item': ({ id }) => <PlacementItemPage key={id} id={id} />,
    profiles: () => <ProfilesPage />,
    seeds: () => <SeedsPage />,
    reports: () => <ReportsPage />,
    'health-warmup': () => <WarmupPlanner />,
    health: () => <HealthPage />,
    history: () => <HistoryPage />,
    'history-item': ({ id }) => <HistoryItemPage key={id} id={id} />,
    dkim: () => <DkimPage />,
    settings: () => <SettingsPage />,
  };

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
              active={isUnder(route, item.route)}
              aria-current={isUnder(route, item.route) ? 'page' : undefined}
              onClick={nav.close}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id={MAIN_ID} tabIndex={-1}>
          {view(views, route.page, route)}
        </AppShell.Main>
      </AppShell>
    </>
  );
}
