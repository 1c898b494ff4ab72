/**
 * A draft that does not compile (MJML), its source with numbered lines beside the compiler's errors,
 * each error's line marked in the source.
 */
import { Box, Code, List, Paper, SimpleGrid, Text, Title } from '@mantine/core';

export interface SourceError {
  line: number;
  message: string;
}

/** The lines shown: enough for a template; a longer one is cut, which the page says. */
const MAX_LINES = 3000;

/** The errors an api refusal names beside the source field ("Line 6: …"), with their lines. */
export function sourceErrors(fields: readonly { field: string; message: string }[]): SourceError[] {
  return fields.flatMap((f) => {
    const match = f.field === 'source' ? /^Line (\d+): ([\s\S]*)$/.exec(f.message) : null;
    return match ? [{ line: Number(match[1]), message: match[2] as string }] : [];
  });
}

export function SourceErrors({ text, errors, summary }: { text: string; errors: readonly SourceError[]; summary: string }) {
  const lines = text.split(/\r?\n/);
  const marked = new Set(errors.map((e) => e.line));
  const width = String(Math.min(lines.length, MAX_LINES)).length;
  return (
    <Paper withBorder p="sm" component="section" aria-label="Errors in the draft" data-testid="source-errors">
      <Title order={3} size="h5" mb={6}>
        The draft does not compile
      </Title>
      <Text size="sm" mb="sm">
        {summary}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Box>
          <Text size="xs" c="dimmed" mb={4}>
            Source, numbered
          </Text>
          <Code block tabIndex={0} aria-label="Source with line numbers" style={{ maxHeight: 420, overflow: 'auto', whiteSpace: 'pre' }}>
            {lines.slice(0, MAX_LINES).map((line, i) => {
              const n = i + 1;
              const bad = marked.has(n);
              return (
                <Box
                  component="span"
                  key={n}
                  data-line={n}
                  data-error={bad ? 'true' : undefined}
                  style={{ display: 'block', background: bad ? 'var(--mantine-color-red-light)' : undefined }}
                >
                  <Box component="span" c="dimmed" aria-hidden="true" style={{ userSelect: 'none' }}>
                    {String(n).padStart(width, ' ')}
                    {bad ? ' ▶ ' : '   '}
                  </Box>
                  {line}
                </Box>
              );
            })}
            {lines.length > MAX_LINES ? `\n… ${lines.length - MAX_LINES} more lines` : ''}
          </Code>
        </Box>
        <Box>
          <Text size="xs" c="dimmed" mb={4}>
            Errors
          </Text>
          <List size="sm" spacing={4} aria-label="Errors by line">
            {errors.map((e, i) => (
              <List.Item key={`${e.line}-${i}`}>
                <Text span fw={600}>
                  Line {e.line}:
                </Text>{' '}
                {e.message}
              </List.Item>
            ))}
          </List>
        </Box>
      </SimpleGrid>
    </Paper>
  );
}
