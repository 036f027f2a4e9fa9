// A real OpenID provider (npm oidc-provider) for Sammen's login tests and for trying the login by
// hand: two issuers on one port, a Feide-like one at /feide and an ID-porten-like one at /idporten.
//
//   node provider.mjs <port> <config.json>
//
// The config names each issuer's clients and accounts (tests/oidc_support.py writes one). The
// issuers differ as the real ones do: Feide puts eduPersonPrincipalName in the ID token and the
// group entitlements in userinfo, ID-porten puts the national identity number (pid) in the ID
// token and issues ID tokens that live 120 seconds; both report the level of the login in `acr`.
//
// There is no login form. The "user" picks who they are and which e-ID they used by adding
// `account` and `acr` to the interaction URL the provider redirects to (a test does this; by hand,
// the interaction page lists the accounts as links). The provider refuses an acr below the one
// the request asked for, as ID-porten and Feide do; a client must still check `acr` itself,
// because a browser can strip acr_values from the request.
//
// A few /_harness/ endpoints serve the tests and nothing else: they catch back-channel logout
// tokens addressed to the harness, and can make the next token response carry an ID token issued
// to another registered client (a token substitution, to prove the client checks `aud`).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const [portArg, configPath] = process.argv.slice(2);
const port = Number.parseInt(portArg, 10);
if (!Number.isInteger(port) || !configPath) {
  console.error('usage: node provider.mjs <port> <config.json>');
  process.exit(2);
}
const origin = `http://127.0.0.1:${port}`;
const config = JSON.parse(readFileSync(configPath, 'utf8'));

// What each kind of issuer puts where, and its levels of assurance from lowest to highest.
const PROFILES = {
  feide: {
    // acr and amr always, as the real issuers send them whether or not acr_values was asked.
    claims: {
      openid: ['sub', 'acr', 'amr'],
      profile: ['name', 'given_name', 'family_name'],
      email: ['email'],
      'userid-feide': ['https://n.feide.no/claims/eduPersonPrincipalName'],
      'userinfo-entitlement': ['eduPersonEntitlement'],
    },
    acrLevels: ['urn:mace:feide.no:auth:level:fad08:2', 'urn:mace:feide.no:auth:level:fad08:3'],
    idTokenTtl: 3600,
  },
  idporten: {
    claims: { openid: ['sub', 'pid', 'locale', 'acr', 'amr'], profile: ['pid', 'locale'] },
    acrLevels: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
    // ID-porten's ID tokens are valid for 120 seconds.
    idTokenTtl: 120,
  },
};

const caughtLogoutTokens = new Map(); // client_id -> [logout_token, ...]
const substitutions = new Map(); // `${issuer}/${client_id}` -> audience to issue the ID token to

function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' }] };
}

function rank(levels, acr) {
  return levels.indexOf(acr);
}

function expand(value) {
  return typeof value === 'string' ? value.replaceAll('{origin}', origin) : value;
}

function clientMetadata(client) {
  return Object.fromEntries(
    Object.entries(client).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map(expand) : expand(value),
    ]),
  );
}

function makeProvider(name, settings) {
  const profile = PROFILES[settings.profile ?? name];
  const accounts = settings.accounts ?? {};
  const mount = `/${name}`;
  const provider = new Provider(`${origin}${mount}`, {
    clients: (settings.clients ?? []).map(clientMetadata),
    jwks: signingKeys(),
    // Both issuers share one origin, so their cookies need names of their own.
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      names: { session: `_${name}_session`, interaction: `_${name}_interaction`, resume: `_${name}_resume` },
    },
    claims: profile.claims,
    scopes: Object.keys(profile.claims),
    acrValues: profile.acrLevels,
    // Both Feide and ID-porten put the user's identifiers in the ID token itself.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // A client's clock may be off by a few minutes (the tests move Sammen's clock to expire its
    // ID tokens, which moves the time in its client assertions too).
    clockTolerance: 300,
    ttl: {
      IdToken: profile.idTokenTtl,
      AccessToken: 600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          // The form posts `xsrf`; a test's "browser" adds logout=yes as the button would.
          ctx.body = `<!doctype html><title>Log out</title>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Log out</button>`;
        },
      },
    },
    interactions: { url: (ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
    // oidc-provider refuses to call loopback addresses (an SSRF guard); the harness that catches
    // back-channel logouts lives on this very origin, so calls to it alone skip the guard.
    fetch(url, options) {
      if (new URL(url).origin === origin) {
        const { dispatcher, ...direct } = options;
        return globalThis.fetch(url, direct);
      }
      return globalThis.fetch(url, options);
    },
    // Sammen is a first-party client: no consent screen, every requested scope is granted.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
      await grant.save();
      return grant;
    },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...account.claims };
        },
      };
    },
  });

  provider.on('backchannel.error', (ctx, error, client) => {
    console.error(`back-channel logout to ${client.clientId} failed: ${error} ${error.cause ?? ""}`);
  });
  provider.on('server_error', (ctx, error) => console.error(error));

  // The token substitution the harness can arm (see the header comment).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !ctx.body?.id_token) return;
    const key = `${name}/${ctx.oidc.client?.clientId}`;
    const audience = substitutions.get(key);
    if (!audience) return;
    substitutions.delete(key);
    const other = await provider.Client.find(audience);
    const original = JSON.parse(Buffer.from(ctx.body.id_token.split('.')[1], 'base64url'));
    const token = new provider.IdToken({}, { ctx, client: other });
    for (const [claim, value] of Object.entries(original)) {
      if (!['iss', 'aud', 'exp', 'iat', 'at_hash', 'azp'].includes(claim)) token.set(claim, value);
    }
    token.set('at_hash', ctx.body.access_token);
    ctx.body = { ...ctx.body, id_token: await token.issue({ use: 'idtoken' }) };
  });

  async function interaction(req, res, url) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params } = details;
    if (prompt.name !== 'login') {
      // Consent is granted by loadExistingGrant; anything else is not part of this harness.
      return provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: `prompt ${prompt.name} not supported`,
      }, { mergeWithLastSubmission: false });
    }
    const accountId = url.searchParams.get('account') ?? params.login_hint;
    if (!accountId) {
      const links = Object.keys(accounts).map((id) => `<li><a href="?account=${encodeURIComponent(id)}">${id}</a></li>`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Choose an account</title><ul>${links.join('')}</ul>`);
      return undefined;
    }
    const account = accounts[accountId];
    if (!account) {
      return provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'unknown account',
      }, { mergeWithLastSubmission: false });
    }
    const acr = url.searchParams.get('acr') ?? account.acr ?? profile.acrLevels.at(-1);
    const requested = (params.acr_values ?? '').split(' ').filter(Boolean);
    const floor = Math.min(...requested.map((value) => rank(profile.acrLevels, value)).filter((r) => r >= 0));
    if (rank(profile.acrLevels, acr) < 0 || (Number.isFinite(floor) && rank(profile.acrLevels, acr) < floor)) {
      return provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: `the e-ID used (${acr}) is below the level asked for`,
      }, { mergeWithLastSubmission: false });
    }
    return provider.interactionFinished(req, res, {
      login: { accountId, acr, amr: account.amr ?? ['pwd'], remember: false },
    }, { mergeWithLastSubmission: false });
  }

  return { provider, mount, interaction, callback: provider.callback() };
}

const issuers = Object.entries(config.issuers).map(([name, settings]) => makeProvider(name, settings));

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function harness(req, res, url) {
  const parts = url.pathname.split('/').filter(Boolean); // ['_harness', what, ...]
  if (parts[1] === 'backchannel' && req.method === 'POST') {
    // Where clients registered for tests receive their back-channel logout tokens.
    const body = new URLSearchParams(await readBody(req));
    const list = caughtLogoutTokens.get(parts[2]) ?? [];
    list.push(body.get('logout_token'));
    caughtLogoutTokens.set(parts[2], list);
    res.writeHead(200);
    res.end();
    return;
  }
  if (parts[1] === 'backchannel' && req.method === 'GET') {
    const list = caughtLogoutTokens.get(parts[2]) ?? [];
    caughtLogoutTokens.delete(parts[2]);
    json(res, 200, list);
    return;
  }
  if (parts[1] === 'substitute-audience' && req.method === 'POST') {
    const { issuer, client_id: clientId, audience } = JSON.parse(await readBody(req));
    substitutions.set(`${issuer}/${clientId}`, audience);
    json(res, 200, { armed: true });
    return;
  }
  json(res, 404, { error: 'not_found' });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, origin);
    if (url.pathname.startsWith('/_harness/')) {
      await harness(req, res, url);
      return;
    }
    const issuer = issuers.find(({ mount }) => url.pathname === mount || url.pathname.startsWith(`${mount}/`));
    if (!issuer) {
      json(res, 404, { error: 'not_found' });
      return;
    }
    if (url.pathname.startsWith(`${issuer.mount}/interaction/`)) {
      await issuer.interaction(req, res, url);
      return;
    }
    // oidc-provider is mounted below the issuer's path, as in its documentation.
    req.originalUrl = req.url;
    req.url = req.url.slice(issuer.mount.length) || '/';
    issuer.callback(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: String(error) });
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`oidc test provider on ${origin} (${issuers.map(({ mount }) => mount).join(', ')})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
