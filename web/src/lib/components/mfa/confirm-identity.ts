import { mount, unmount } from 'svelte';
import ReauthDialog from './ReauthDialog.svelte';

let pending: Promise<boolean> | undefined;

/**
 * Shows "Confirm it's you" and resolves true once the person re-authenticated, false when they cancelled.
 * Requests that need it at the same moment share one dialog.
 * @example setReauthHandler(() => confirmIdentity({ mfa: true }));
 */
export function confirmIdentity(opts: { mfa: boolean }): Promise<boolean> {
  pending ??= new Promise<boolean>((resolve) => {
    const target = document.createElement('div');
    document.body.append(target);
    const dialog = mount(ReauthDialog, {
      target,
      props: {
        mfa: opts.mfa,
        ondone: (confirmed: boolean) => {
          pending = undefined;
          resolve(confirmed);
          // After the close event has finished dispatching.
          setTimeout(() => {
            void unmount(dialog);
            target.remove();
          });
        },
      },
    });
  });
  return pending;
}
