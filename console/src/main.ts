/** The console: the community view (public), and the NA's and a household's views after sign-in. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from './api';
import { ErrorLine, Field, useAction } from './components';
import { html } from './html';
import { CommunityView } from './views/community';
import { HouseholdView } from './views/household';
import { NaView } from './views/na';

type Route = 'community' | 'na' | 'household';
const routeOf = (hash: string): Route => (hash === '#/na' ? 'na' : hash === '#/household' ? 'household' : 'community');
const KEY = 'ecch-console-session';

function loadSession(): Session | undefined {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s ?? undefined;
  } catch {
    return undefined;
  }
}

function SignIn({ role, onSignedIn }: { role: Session['role']; onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [participantId, setParticipantId] = useState('');
  const [error, busy, run] = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const t = token.trim();
      // A read only this role may make proves the token before anything is shown.
      if (role === 'na') await api(t, 'GET', '/v1/participants?pageSize=1');
      else await api(t, 'GET', `/v1/participants/${encodeURIComponent(participantId.trim())}`);
      onSignedIn({ role, token: t, ...(role === 'household' ? { participantId: participantId.trim() } : {}) });
    });
  };
  return html`<form class="card signin" onSubmit=${submit} aria-labelledby="signin-title">
    <h2 id="signin-title">${role === 'na' ? 'Network administrator' : 'Household'}: sign in</h2>
    ${role === 'household'
      ? html`<${Field} label="Participant id" name="participantId" value=${participantId} onInput=${setParticipantId} placeholder="h001" />`
      : null}
    <${Field} label=${role === 'na' ? 'NA token' : 'Household token'} name="token" type="password" value=${token} onInput=${setToken} />
    <${ErrorLine} error=${error} />
    <button type="submit" disabled=${busy}>Sign in</button>
  </form>`;
}

function App() {
  const [route, setRoute] = useState<Route>(routeOf(location.hash));
  const [session, setSession] = useState<Session | undefined>(loadSession());
  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const signIn = (s: Session) => {
    sessionStorage.setItem(KEY, JSON.stringify(s));
    setSession(s);
  };
  const signOut = () => {
    sessionStorage.removeItem(KEY);
    setSession(undefined);
  };
  const link = (r: Route, label: string) => html`<a href=${`#/${r}`} aria-current=${route === r ? 'page' : undefined}>${label}</a>`;
  const mine = session && session.role === route ? session : undefined;
  return html`<div class="app">
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <h1>ECCH energy ledger</h1>
      <nav aria-label="Views">${link('community', 'Community')} ${link('household', 'Household')} ${link('na', 'Administrator')}</nav>
      ${session ? html`<button class="link" onClick=${signOut}>Sign out ${session.participantId ?? 'NA'}</button>` : null}
    </header>
    <main id="main" tabindex="-1">
      ${route === 'community'
        ? html`<${CommunityView} />`
        : mine
          ? route === 'na'
            ? html`<${NaView} session=${mine} />`
            : html`<${HouseholdView} session=${mine} />`
          : html`<${SignIn} role=${route} onSignedIn=${signIn} />`}
    </main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app')!);
