import type { CryptoErrorCode, Result } from '../../crypto/index.ts';
import type { DeviceLinkErrorCode } from '../share/device-link.ts';
import type { InviteErrorCode } from '../share/invite-link.ts';
import type { RedeemErrorCode } from '../share/join-notebook.ts';
import type { RotationErrorCode } from './vault-key-rotation.ts';

export type VaultErrorCode =
  | CryptoErrorCode
  | 'E_NO_VAULT'
  | 'E_VAULT_EXISTS'
  | 'E_VAULT_HEADER_CHANGED'
  | 'E_NOTEBOOK_UNKNOWN'
  | 'E_NOT_SHARED'
  | 'E_NOT_OWNER'
  | 'E_MEMBER_UNKNOWN'
  | 'E_DEVICE_UNKNOWN'
  | 'E_HANDOVER_PASSPHRASE'
  | 'E_HANDOVER_CHOICE'
  | 'E_SYNC_OFF'
  | 'E_INVITE_TIMEOUT'
  | 'E_INVITE_ALREADY_JOINED'
  | RotationErrorCode
  | InviteErrorCode
  | RedeemErrorCode
  | DeviceLinkErrorCode;
export type VaultResult<T> = Result<T, VaultErrorCode>;

export function headerChanged(): { ok: false; error: { code: 'E_VAULT_HEADER_CHANGED'; message: string } } {
  return {
    ok: false,
    error: {
      code: 'E_VAULT_HEADER_CHANGED',
      message: 'The passphrase, recovery key or vault key was changed in another tab since this one was unlocked. Nothing was changed here.',
    },
  };
}
