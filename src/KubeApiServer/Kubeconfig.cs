namespace DirectLB.KubeApiServer;

/// <summary>Renders a kubeconfig for a plain-HTTP server with a bearer token the server accepts without checking.</summary>
internal static class Kubeconfig
{
    public const string Token = "directlb-test-token";

    public static string Render(Uri server, string contextName) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {contextName}
          cluster:
            server: {server.GetLeftPart(UriPartial.Authority)}
        users:
        - name: {contextName}
          user:
            token: {Token}
        contexts:
        - name: {contextName}
          context:
            cluster: {contextName}
            user: {contextName}
            namespace: default
        current-context: {contextName}

        """;
}
