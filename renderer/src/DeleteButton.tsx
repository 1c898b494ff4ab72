/**
 * Delete, the same on every page: a button that opens a dialog naming the item, and deletes only
 * when the user confirms there.
 *
 * A confirm dialog rather than an undo toast: deleting a profile or a seed also deletes its stored
 * password, which the app never reads back, so an undo could not restore it; and a deletion held back
 * for an undo would be lost if the window closed first. One pattern everywhere, so nobody learns two.
 */
import { Alert, Button, Group, Modal, Stack, Text, type ButtonProps } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { errorMessage } from './format';

export interface DeleteButtonProps {
  /** What is deleted, as a noun phrase the dialog's title ends with: "the audit of example.com". */
  item: string;
  /** What deleting also removes or means, under the title. */
  consequence?: ReactNode;
  /** Deletes it; a rejection is shown in the dialog, which stays open. */
  remove: () => Promise<unknown>;
  /** After a successful delete (navigate away, refresh a list). */
  onDeleted?: () => unknown;
  /** The trigger's text; "Delete" by default. */
  label?: string;
  /** The trigger's accessible name when its text alone is ambiguous (a table row's "Delete"). */
  ariaLabel?: string;
  size?: ButtonProps['size'];
  variant?: ButtonProps['variant'];
}

export function DeleteButton({ item, consequence, remove, onDeleted, label = 'Delete', ariaLabel, size, variant = 'light' }: DeleteButtonProps) {
  const [opened, setOpened] = useState(false);
  const mutation = useMutation({
    mutationFn: remove,
    onSuccess: async () => {
      setOpened(false);
      await onDeleted?.();
    },
  });
  const close = () => {
    if (mutation.isPending) return;
    setOpened(false);
    mutation.reset();
  };
  const title = `Delete ${item}?`;
  return (
    <>
      <Button color="red" variant={variant} size={size} onClick={() => setOpened(true)} aria-label={ariaLabel} aria-haspopup="dialog" style={{ flexShrink: 0 }}>
        {label}
      </Button>
      <Modal opened={opened} onClose={close} title={title} centered returnFocus closeButtonProps={{ 'aria-label': 'Close' }}>
        <Stack gap="md">
          <Text size="sm">{consequence ?? 'This cannot be undone.'}</Text>
          {mutation.isError && (
            <Alert color="red" title="Nothing was deleted" role="alert">
              {errorMessage(mutation.error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            {/* Cancel first and focused: Enter on an opened dialog must not delete. */}
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button color="red" onClick={() => mutation.mutate()} loading={mutation.isPending}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
