import { Anchor, Badge, Card, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { ProviderRequirement, ProviderScorecard } from '../../../electron/api/types';
import { auditRequirementWhy } from '../app-words';
import { count } from './parts';
import type { CheckPanelProps } from './types';

const RESULT: Record<ProviderRequirement['result'], { label: string; color: string }> = {
  pass: { label: 'pass', color: 'green' },
  fail: { label: 'fail', color: 'red' },
  'not-observable': { label: 'not observable', color: 'gray' },
};

const ORDER: Record<ProviderRequirement['result'], number> = { fail: 0, pass: 1, 'not-observable': 2 };

function Item({ item, why }: { item: ProviderRequirement; why: Why }) {
  return (
    <li data-result={item.result}>
      <Text size="sm">
        <Badge color={RESULT[item.result].color} variant="light" size="sm" mr={6}>
          {RESULT[item.result].label}
        </Badge>
        {item.requirement}
      </Text>
      <Text size="xs" c="dimmed" pl={4}>
        {why(item)}
      </Text>
    </li>
  );
}

const listStyle = { listStyle: 'none' } as const;

/** An item's explanation as the app words it (app-words.ts); the core's text by default. */
type Why = (item: ProviderRequirement) => string;

function Scorecard({ card, unseenFrom, why }: { card: ProviderScorecard; unseenFrom: string; why: Why }) {
  const [showHidden, setShowHidden] = useState(false);
  const failed = card.items.filter((item) => item.result === 'fail').length;
  const items = [...card.items].sort((a, b) => ORDER[a.result] - ORDER[b.result]);
  // What DNS cannot show (spam rate, message format) is the same on every audit: folded away.
  const seen = items.filter((item) => item.result !== 'not-observable');
  const unseen = items.filter((item) => item.result === 'not-observable');
  return (
    <Card withBorder padding="sm" component="section" aria-label={card.title} data-testid="provider-scorecard">
      <Stack gap="xs">
        <div>
          <Text fw={600}>{card.title}</Text>
          {card.source && (
            <Anchor href={card.source.url} target="_blank" rel="noreferrer noopener" size="xs" display="block">
              {card.source.title} (since {card.source.effective})
            </Anchor>
          )}
          <Text size="xs" c={failed > 0 ? 'red' : 'dimmed'}>
            {card.audience === 'bulk' ? 'Bulk senders' : 'All senders'} ·{' '}
            {failed > 0 ? `${failed} of ${count(card.items.length, 'requirement')} failed` : count(card.items.length, 'requirement')}
          </Text>
        </div>
        {seen.length > 0 && (
          <Stack component="ul" gap={6} p={0} m={0} style={listStyle}>
            {seen.map((item) => (
              <Item key={item.id} item={item} why={why} />
            ))}
          </Stack>
        )}
        {unseen.length > 0 && (
          <div>
            <Anchor component="button" type="button" size="xs" onClick={() => setShowHidden((v) => !v)} aria-expanded={showHidden}>
              {showHidden ? 'Hide' : 'Show'} {unseen.length} not observable from {unseenFrom}
            </Anchor>
            {showHidden && (
              <Stack component="ul" gap={6} p={0} m={0} mt={6} style={listStyle}>
                {unseen.map((item) => (
                  <Item key={item.id} item={item} why={why} />
                ))}
              </Stack>
            )}
          </div>
        )}
      </Stack>
    </Card>
  );
}

/**
 * The providers' scorecards in a grid; shared by the audit and the message analysis.
 *
 * `unseenFrom` names what the evidence was (DNS, the message), for the folded "not observable" items.
 */
export function ScorecardGrid({ scorecards, unseenFrom, why = (item) => item.why }: { scorecards: ProviderScorecard[]; unseenFrom: string; why?: Why }) {
  if (scorecards.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No provider scorecards.
      </Text>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="sm">
      {scorecards.map((card) => (
        <Scorecard key={`${card.provider}-${card.audience}`} card={card} unseenFrom={unseenFrom} why={why} />
      ))}
    </SimpleGrid>
  );
}

export function ProvidersPanel({ data, result }: CheckPanelProps<'providers'>) {
  return <ScorecardGrid scorecards={data.scorecards} unseenFrom="DNS" why={(item) => auditRequirementWhy(item, result)} />;
}
