// An integration that connects each installation to an OAuth provider, written as a
// GitBook integration is written (`@gitbook/runtime`), and served by
// `contentkit serve examples/integrations/oauth`.
//
// - `GET …/oauth` (a `fetch` event): the OAuth flow. Without `code`, a redirect to the
//   provider; on the provider's callback, the code exchanged for tokens, stored in
//   the installation's configuration through the GitBook API.
// - The `status` block shows "Connected as …" once the installation holds credentials.
// - `installation_setup` queues a task; the task checks the stored token, refreshing
//   it when it expires (`getOAuthToken`).
//
// Secrets (the integration's `environment.secrets`): CLIENT_ID, CLIENT_SECRET,
// AUTHORIZE_URL, TOKEN_URL.

import {
    createComponent,
    createIntegration,
    createOAuthHandler,
    getOAuthToken,
    RuntimeContext,
    RuntimeEnvironment,
} from '@gitbook/runtime';

type Configuration = {
    oauth_credentials?: { access_token: string; refresh_token?: string; expires_at?: number };
    account?: string;
};

type Context = RuntimeContext<RuntimeEnvironment<Configuration>>;

/** What the provider answers to a code exchange. */
type TokenAnswer = {
    access_token: string;
    refresh_token?: string;
    expires_in: number;
    account?: { name?: string };
};

const oauthConfig = (context: Context) => {
    const { secrets } = context.environment;
    return {
        clientId: secrets.CLIENT_ID,
        clientSecret: secrets.CLIENT_SECRET,
        authorizeURL: secrets.AUTHORIZE_URL,
        accessTokenURL: secrets.TOKEN_URL,
        scopes: ['profile', 'docs:read'],
        // Keep who connected beside the tokens: the block shows it.
        extractCredentials: (answer: TokenAnswer) => ({
            configuration: {
                oauth_credentials: {
                    access_token: answer.access_token,
                    refresh_token: answer.refresh_token,
                    expires_at: Date.now() + answer.expires_in * 1000,
                },
                account: answer.account?.name ?? 'an unnamed account',
            },
        }),
    };
};

const status = createComponent<{}, {}, {}, Context>({
    componentId: 'status',
    render: async (element, context) => {
        const installation = context.environment.installation;
        const account = installation?.configuration?.account;
        const connect = `${installation?.urls?.publicEndpoint ?? ''}/oauth`;
        return (
            <block>
                <text style="bold">{account ? `Connected as ${account}` : 'Not connected'}</text>
                <button
                    label={account ? 'Reconnect' : 'Connect'}
                    onPress={{ action: '@ui.url.open', url: connect }}
                />
            </block>
        );
    },
});

export default createIntegration<Context>({
    fetch: async (request, context) => {
        const url = new URL(request.url);
        if (url.pathname.endsWith('/oauth')) {
            const handler = createOAuthHandler(oauthConfig(context));
            return handler(request, context);
        }
        return new Response(JSON.stringify({ error: `No route for ${url.pathname}` }), {
            status: 404,
            headers: { 'content-type': 'application/json' },
        });
    },
    events: {
        installation_setup: async (event, context) => {
            await context.integration.queueTask({
                task: { type: 'check-token', installationId: event.installationId },
            });
        },
    },
    task: async (task, context) => {
        const credentials = context.environment.installation?.configuration?.oauth_credentials;
        if (task.type !== 'check-token' || !credentials) {
            return;
        }
        const token = await getOAuthToken(credentials, oauthConfig(context), context);
        console.log(`token for ${task.installationId}: ${token.slice(0, 4)}…`);
    },
    components: [status],
});
