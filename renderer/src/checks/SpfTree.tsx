/**
 * The SPF record with every include and redirect followed, and what each term costs.
 *
 * RFC 7208 §4.6.4 counts DNS-querying terms over the whole tree, so a consultant needs to see which
 * branch spends the lookups: each term carries its own cost (itself and everything below it).
 */
import { AccordionChevron, Badge, Box, Code, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import type { SpfNode, SpfTerm, SpfTreeTerm } from '../../../electron/api/types';
import { count } from './parts';

export const QUALIFIER_RESULT: Record<NonNullable<SpfTerm['qualifier']>, string> = {
  '+': 'pass',
  '-': 'fail',
  '~': 'softfail',
  '?': 'neutral',
};

const treeListStyle = { listStyle: 'none', margin: 0, padding: 0 } as const;

function CostBadge({ cost }: { cost: number }) {
  return (
    <Badge
      variant={cost > 0 ? 'light' : 'outline'}
      color={cost > 0 ? 'grape' : 'gray'}
      size="sm"
      tt="none"
      data-testid="spf-term-cost"
      title="DNS lookups this term costs, itself and everything below it (RFC 7208 §4.6.4)"
    >
      {count(cost, 'lookup')}
    </Badge>
  );
}

function TreeTerm({ term }: { term: SpfTreeTerm }) {
  // Open by default: the tree is bounded by the lookup limit, and the point is to see all of it.
  const [open, setOpen] = useState(true);
  return (
    <li data-testid="spf-tree-term" data-term={term.text}>
      <Group gap={6} wrap="wrap" py={2}>
        {term.child ? (
          <UnstyledButton
            onClick={() => setOpen((o) => !o)}
            aria-expanded={open}
            aria-label={`Show or hide ${term.text}`}
            style={{ display: 'inline-flex', alignItems: 'center' }}
          >
            <AccordionChevron size={14} style={{ transform: open ? 'none' : 'rotate(-90deg)', transition: 'transform 150ms' }} />
          </UnstyledButton>
        ) : (
          <Box w={14} />
        )}
        <Code>{term.text}</Code>
        {term.kind === 'mechanism' && (
          <Text size="xs" c="dimmed">
            {QUALIFIER_RESULT[term.qualifier ?? '+']}
          </Text>
        )}
        <CostBadge cost={term.cost} />
        {term.voids > 0 && (
          <Badge color="red" variant="filled" size="sm" tt="none" data-testid="spf-term-void">
            {count(term.voids, 'void lookup')}
          </Badge>
        )}
        {term.macro && (
          <Badge color="yellow" variant="light" size="sm" tt="none">
            macro: not statically resolvable
          </Badge>
        )}
        {term.error && (
          <Text size="sm" c="red">
            {term.error}
          </Text>
        )}
      </Group>
      {term.child && open && (
        <Box ml={6} pl="md" style={{ borderLeft: '1px solid var(--mantine-color-default-border)' }}>
          <TreeNode node={term.child} />
        </Box>
      )}
    </li>
  );
}

function TreeNode({ node, root = false }: { node: SpfNode; root?: boolean }) {
  return (
    <Stack gap={2} py={2}>
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600}>
          {node.domain}
        </Text>
        {/* The root record is shown above the tree already. */}
        {!root && node.record && (
          <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {node.record}
          </Text>
        )}
      </Group>
      {node.error && (
        <Text size="sm" c="red" data-testid="spf-branch-error">
          Branch not followed: {node.error}
        </Text>
      )}
      {node.terms.length > 0 && (
        <ul style={treeListStyle}>
          {node.terms.map((term, index) => (
            <TreeTerm key={index} term={term} />
          ))}
        </ul>
      )}
    </Stack>
  );
}

export function SpfTree({ tree }: { tree: SpfNode }) {
  return (
    <Box data-testid="spf-tree" aria-label="SPF tree" role="group">
      <TreeNode node={tree} root />
    </Box>
  );
}
