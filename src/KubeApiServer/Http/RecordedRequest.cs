namespace DirectLB.KubeApiServer.Http;

/// <summary>One request as the server saw it, for assertions such as "exactly one status PATCH was sent".</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Path plus query string, e.g. <c>/api/v1/namespaces/a/services/b/status</c>.</param>
/// <param name="ContentType">Request content type, if any.</param>
/// <param name="Body">Request body as text (empty if none).</param>
/// <param name="StatusCode">Response status; for a watch, the status its stream started with.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, string? ContentType, string Body, int StatusCode)
{
    public bool IsWatch => PathAndQuery.Contains("watch=true", StringComparison.Ordinal)
        || PathAndQuery.Contains("watch=1", StringComparison.Ordinal)
        || PathAndQuery.Contains("/watch/", StringComparison.Ordinal);
}
