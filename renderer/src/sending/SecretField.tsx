/**
 * Where a login's secret comes from: typed once into the keychain, or named as an environment variable.
 *
 * Write-only: a stored secret is never sent back to the window, so the field stays empty and says
 * whether one is stored. When the keychain is unavailable the only choice is a variable, and the
 * field says why rather than taking a password it could not keep.
 */
import { PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import type { SecretSource } from '../../../electron/api/operations';
import { useSecretStatus } from './parts';

export type SecretMode = 'store' | 'env';

export interface SecretValue {
  mode: SecretMode;
  /** Typed secret; empty keeps the stored one. */
  secret: string;
  variable: string;
}

export function SecretField({
  kind,
  value,
  onChange,
  stored,
  error,
  placeholderVariable,
}: {
  /** What the secret is, in words: "password", "OAuth2 access token". */
  kind: 'password' | 'OAuth2 access token';
  value: SecretValue;
  onChange: (value: SecretValue) => void;
  /** Where the saved version's secret comes from, when editing. */
  stored: SecretSource | null;
  error?: string | undefined;
  placeholderVariable: string;
}) {
  const status = useSecretStatus();
  const storeAvailable = status.data?.available === true;
  // Passwords and OAuth2 access tokens alike go to the keychain when there is one. A token expires
  // within the hour, so a variable filled by the script that mints it stays on offer too.
  const canStore = storeAvailable;
  const mode: SecretMode = canStore ? value.mode : 'env';

  return (
    <Stack gap={6}>
      {canStore && (
        <div>
          <Text size="sm" fw={500} mb={4} id="secret-mode-label">
            Keep the {kind} in
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby="secret-mode-label"
            value={mode}
            onChange={(v) => onChange({ ...value, mode: v === 'env' ? 'env' : 'store' })}
            data={[
              { value: 'store', label: 'the keychain' },
              { value: 'env', label: 'an environment variable' },
            ]}
          />
        </div>
      )}
      {mode === 'store' ? (
        <PasswordInput
          label={kind === 'password' ? 'Password or app password' : 'OAuth2 access token'}
          description={
            stored === 'stored'
              ? `A ${kind} is stored. Leave this empty to keep it; type a new one to replace it.`
              : `Goes straight to the keychain; Deliverlab never shows it again.`
          }
          placeholder={stored === 'stored' ? 'stored (unchanged)' : ''}
          value={value.secret}
          onChange={(event) => onChange({ ...value, secret: event.currentTarget.value })}
          error={error}
          autoComplete="new-password"
        />
      ) : (
        <TextInput
          label="Environment variable"
          description={
            kind === 'password'
              ? storeAvailable
                ? 'The name of a variable that holds the password when Deliverlab starts.'
                : 'The keychain is unavailable here (see above): name the variable that holds the password when Deliverlab starts.'
              : storeAvailable
                ? 'The name of a variable that holds a fresh OAuth2 access token (XOAUTH2) when Deliverlab starts.'
                : 'The keychain is unavailable here (see above): name the variable that holds a fresh OAuth2 access token (XOAUTH2) when Deliverlab starts.'
          }
          placeholder={placeholderVariable}
          value={value.variable}
          onChange={(event) => onChange({ ...value, variable: event.currentTarget.value })}
          error={error}
          spellCheck={false}
          autoComplete="off"
        />
      )}
    </Stack>
  );
}

/** The mode a saved login uses, for the edit form. */
export function secretValueFor(variable: string | undefined): SecretValue {
  return variable ? { mode: 'env', secret: '', variable } : { mode: 'store', secret: '', variable: '' };
}

/** What the form sends: the variable to name in auth, and the secret to store (if any). */
export function secretOutput(value: SecretValue, storeAvailable: boolean): { variable?: string; secret?: string } {
  const mode = storeAvailable ? value.mode : 'env';
  if (mode === 'env') return { variable: value.variable.trim() };
  return value.secret ? { secret: value.secret } : {};
}
