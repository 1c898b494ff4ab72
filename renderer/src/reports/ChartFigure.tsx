/**
 * A chart with its name and its values as a table.
 *
 * A chart is a picture: a screen reader hears its name (the figure's caption), and anyone can open
 * the same numbers as a table below it (WCAG 2 §1.1.1, §1.3.1).
 */
import { Table, Text } from '@mantine/core';
import { useId, type ReactNode } from 'react';

export interface ChartFigureProps {
  title: string;
  /** The table's column headings; the first names the rows. */
  columns: readonly string[];
  rows: readonly (readonly (string | number)[])[];
  children: ReactNode;
}

export function ChartFigure({ title, columns, rows, children }: ChartFigureProps) {
  const captionId = useId();
  return (
    <figure aria-labelledby={captionId} style={{ margin: 0 }}>
      <Text component="figcaption" id={captionId} fw={600} mb="xs">
        {title}
      </Text>
      <div role="img" aria-label={title}>
        {children}
      </div>
      <details>
        <summary>
          <Text span size="sm">
            Values of “{title}” as a table
          </Text>
        </summary>
        <Table striped withTableBorder mt="xs" aria-label={title}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c} scope="col">
                  {c}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              <Table.Tr key={i}>
                {row.map((cell, j) =>
                  j === 0 ? (
                    <Table.Th key={j} scope="row">
                      {cell}
                    </Table.Th>
                  ) : (
                    <Table.Td key={j}>{cell}</Table.Td>
                  ),
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </details>
    </figure>
  );
}
