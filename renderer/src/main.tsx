import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import './app.css';
import { Alert, Center, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ClientContext } from './client/client-context';
import { resolveClient } from './client/resolve-client';
import { cssVariablesResolver, theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    // The backend is local: a failure is not a flaky network, and retrying hides it.
    queries: { retry: false, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

const resolution = resolveClient(window);
const root = document.getElementById('root');
if (!root) throw new Error('index.html lost its #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider defaultColorScheme="auto" theme={theme} cssVariablesResolver={cssVariablesResolver}>
      {resolution.ok ? (
        <ClientContext value={resolution.client}>
          <QueryClientProvider client={queryClient}>
            <App />
          </QueryClientProvider>
        </ClientContext>
      ) : (
        <Center h="100vh" p="md">
          <Alert color="red" title="Deliverlab cannot reach its backend" maw={560}>
            {resolution.problem}
          </Alert>
        </Center>
      )}
    </MantineProvider>
  </StrictMode>,
);
