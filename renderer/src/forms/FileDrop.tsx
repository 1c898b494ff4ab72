/**
 * A box that takes files dropped on it or picked with its button: the DMARC reports' and the sending
 * health's imports share it (their words differ, the gestures do not).
 */
import { Button, FileButton, Group, Paper, Text } from "@mantine/core";
import { useState, type DragEvent } from "react";

export interface FileDropProps {
  /** What to drop, in the app's words. */
  prompt: string;
  /** The button's label. */
  button: string;
  /** The file picker's filter (extensions and media types). */
  accept: string;
  /** An import runs: the button shows it, and a drop is not taken until it ends. */
  busy: boolean;
  onFiles: (files: File[]) => void;
}

export function FileDrop({
  prompt,
  button,
  accept,
  busy,
  onFiles,
}: FileDropProps) {
  const [dragging, setDragging] = useState(false);
  // One import at a time: a drop while one runs is not taken (the button shows it is busy).
  const take = (files: File[]) => {
    if (files.length > 0 && !busy) onFiles(files);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    take([...event.dataTransfer.files]);
  };
  return (
    <Paper
      withBorder
      p="md"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      style={
        dragging
          ? {
              borderStyle: "dashed",
              borderColor: "var(--mantine-color-blue-filled)",
            }
          : undefined
      }
    >
      <Group justify="space-between" wrap="wrap">
        <Text size="sm">{prompt}</Text>
        <FileButton onChange={take} accept={accept} multiple>
          {(props) => (
            <Button {...props} loading={busy}>
              {button}
            </Button>
          )}
        </FileButton>
      </Group>
    </Paper>
  );
}
