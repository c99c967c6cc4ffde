import * as oidc from 'openid-client';
import type { SingleSignOnProvider, SingleSignOnProviderId } from '../config/config.ts';

/** How long discovery may take before the sign-in page says the provider cannot be reached. */
const DISCOVERY_TIMEOUT_SECONDS = 10;

/**
 * Each provider's discovered OpenID configuration, fetched at its first use rather than at
 * start-up, so a provider that is down delays nobody's start and blocks only its own button. A
 * failed discovery is forgotten, so the next sign-in tries again. This is a cache, nothing more:
 * every server discovers for itself and keeps nothing a sign-in depends on.
 */
export class SingleSignOnClients {
  private readonly discovered = new Map<SingleSignOnProviderId, Promise<oidc.Configuration>>();

  constructor(private readonly providers: readonly SingleSignOnProvider[]) {}

  provider(id: string): SingleSignOnProvider | null {
    return this.providers.find((provider) => provider.id === id) ?? null;
  }

  /** The provider's configuration; throws when it cannot be reached or answers nonsense. */
  configuration(provider: SingleSignOnProvider): Promise<oidc.Configuration> {
    const known = this.discovered.get(provider.id);
    if (known !== undefined) return known;
    const discovery = oidc.discovery(
      new URL(provider.issuer),
      provider.clientId,
      provider.clientSecret,
      undefined,
      {
        timeout: DISCOVERY_TIMEOUT_SECONDS,
        // Plain http only outside secure mode, where the configuration allows it (local providers).
        execute: new URL(provider.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      },
    );
    this.discovered.set(provider.id, discovery);
    discovery.catch(() => this.discovered.delete(provider.id));
    return discovery;
  }
}
