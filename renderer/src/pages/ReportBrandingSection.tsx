/**
 * Settings' "Report branding": the title, name, logo, accent colour and footer every exported report
 * carries until they are changed. Saved in the settings as data (the logo as a data URI); the api
 * checks them with the reports' own rules and sends an SVG logo back sanitised, which the preview
 * then shows.
 */
import { Alert, Button, ColorSwatch, Group, Image, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { Settings } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';

type Field = 'title' | 'name' | 'logo' | 'accent' | 'footer';
type Brand = Settings['reportBrand'];

const FIELDS: Record<string, Field> = {
  'reportBrand.title': 'title',
  'reportBrand.name': 'name',
  'reportBrand.logo': 'logo',
  'reportBrand.accent': 'accent',
  'reportBrand.footer': 'footer',
};

/** The reports' limit (core/report/brand.ts): the logo travels inside every report. */
const MAX_LOGO_BYTES = 1024 * 1024;
const ACCENT = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The chosen file as a data URI, typed by its bytes (PNG, JPEG) or its name and type (SVG); a problem otherwise. */
async function logoFromFile(file: File): Promise<{ uri: string } | { problem: string }> {
  if (file.size > MAX_LOGO_BYTES) return { problem: 'The logo is larger than 1 MB' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const png = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const svg = file.type === 'image/svg+xml' || /\.svg$/i.test(file.name);
  const type = png ? 'image/png' : jpeg ? 'image/jpeg' : svg ? 'image/svg+xml' : null;
  if (!type) return { problem: 'The logo must be a PNG, JPEG or SVG image' };
  return { uri: `data:${type};base64,${base64(bytes)}` };
}

export function ReportBrandingSection({ initial }: { initial: Brand }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const headingId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState(initial.title ?? '');
  const [name, setName] = useState(initial.name ?? '');
  const [logo, setLogo] = useState<string | undefined>(initial.logo);
  const [logoProblem, setLogoProblem] = useState<string | undefined>();
  const [accent, setAccent] = useState(initial.accent ?? '');
  const [footer, setFooter] = useState(initial.footer ?? '');
  const check = useFieldCheck<Field>({
    title: title.trim().length > 200 ? 'The report title is longer than 200 characters' : undefined,
    name: name.trim().length > 200 ? 'Prepared by is longer than 200 characters' : undefined,
    accent: accent.trim() === '' || ACCENT.test(accent.trim()) ? undefined : 'A colour written as # and 3 or 6 hex digits, like #1a6fd4',
    footer: footer.trim().length > 1000 ? 'The footer text is longer than 1000 characters' : undefined,
    logo: logoProblem,
  });
  const [otherError, setOtherError] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (reportBrand: Brand) => client.settings.set({ reportBrand }),
    onError: (err) => {
      const mapped = apiFieldErrors(err, { fields: FIELDS });
      check.setServer(mapped.fields);
      setOtherError(Object.keys(mapped.fields).length === 0 && mapped.rest.length === 0 ? [errorMessage(err)] : mapped.rest);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['settings'], saved);
      const brand = saved.reportBrand;
      setTitle(brand.title ?? '');
      setName(brand.name ?? '');
      setLogo(brand.logo);
      setAccent(brand.accent ?? '');
      setFooter(brand.footer ?? '');
    },
  });
  const edited = (field: Field) => {
    check.changed(field);
    save.reset();
  };

  const chooseLogo = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = '';
    if (!file) return;
    edited('logo');
    const read = await logoFromFile(file);
    if ('problem' in read) {
      setLogoProblem(read.problem);
      return;
    }
    setLogoProblem(undefined);
    setLogo(read.uri);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOtherError([]);
    if (!check.submit()) return;
    save.mutate({ title, name, accent: accent.trim(), footer, ...(logo ? { logo } : {}) });
  };

  const logoError = check.error('logo');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId} data-testid="report-branding">
      <Title order={2} size="h4" id={headingId} mb={4}>
        Report branding
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Every exported report carries this until you change it. Left empty, reports end with Deliverlab&apos;s neutral footer.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={480}>
          <TextInput
            label="Report title"
            description="Replaces &quot;Deliverability report&quot; at the top of each report."
            value={title}
            onChange={(event) => {
              setTitle(event.currentTarget.value);
              edited('title');
            }}
            {...check.field('title')}
            autoComplete="off"
          />
          <TextInput
            label="Prepared by"
            description="Your name or your agency's, shown as the report's author."
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              edited('name');
            }}
            {...check.field('name')}
            autoComplete="organization"
          />
          <Stack gap={4}>
            <Text component="label" htmlFor={`${headingId}-logo`} size="sm" fw={500}>
              Logo
            </Text>
            <Text size="xs" c="dimmed" id={`${headingId}-logo-hint`}>
              A PNG, JPEG or SVG file of at most 1 MB. An SVG keeps only its shapes and text: scripts, styles and links are removed.
            </Text>
            {logo && (
              <Group gap="sm" align="center">
                <Image src={logo} alt="Logo preview" h={48} w="auto" fit="contain" data-testid="logo-preview" />
                <Button
                  variant="subtle"
                  color="red"
                  size="compact-sm"
                  onClick={() => {
                    setLogo(undefined);
                    setLogoProblem(undefined);
                    edited('logo');
                  }}
                >
                  Remove logo
                </Button>
              </Group>
            )}
            <input
              ref={fileRef}
              id={`${headingId}-logo`}
              type="file"
              accept="image/png,image/jpeg,image/svg+xml,.png,.jpg,.jpeg,.svg"
              aria-describedby={`${headingId}-logo-hint${logoError ? ` ${headingId}-logo-error` : ''}`}
              aria-invalid={logoError ? true : undefined}
              onChange={(event) => void chooseLogo(event)}
              style={{ fontSize: 'var(--mantine-font-size-sm)' }}
            />
            {logoError && (
              <Text size="xs" c="red.8" id={`${headingId}-logo-error`}>
                {logoError}
              </Text>
            )}
          </Stack>
          <TextInput
            label="Accent colour"
            description="The colour of the report's headings and rules, written like #1a6fd4."
            placeholder="#1a6fd4"
            value={accent}
            onChange={(event) => {
              setAccent(event.currentTarget.value);
              edited('accent');
            }}
            leftSection={ACCENT.test(accent.trim()) ? <ColorSwatch color={accent.trim()} size={16} aria-hidden /> : null}
            {...check.field('accent')}
            spellCheck={false}
            autoComplete="off"
          />
          <Textarea
            label="Footer text"
            description="Printed at the foot of each report, such as your contact details or a confidentiality note."
            value={footer}
            onChange={(event) => {
              setFooter(event.currentTarget.value);
              edited('footer');
            }}
            {...check.field('footer')}
            autosize
            minRows={2}
          />
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save branding
            </Button>
            {save.isSuccess && (
              <Text size="sm" fw={500} role="status">
                Branding saved.
              </Text>
            )}
          </Group>
          {save.isError && otherError.length > 0 && (
            <Alert color="red" title="Branding not saved" role="alert">
              {otherError.join(' ')}
            </Alert>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
