namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Reads each response's body with asynchronous I/O before KubernetesClient deserializes it. The library deserializes
/// with the synchronous <c>JsonSerializer.Deserialize(Stream)</c>, so a body still on its way (a list page of 500
/// Services, streamed) holds a thread-pool thread blocked on the socket until the last byte arrives. A relist of
/// Services and EndpointSlices at once blocked the two threads a 2-core machine starts with, and the whole process
/// (actors, journal, the rest of the client) stood still until the pool added a thread half a second later
/// (docs/benchmarks.md, Findings, "A stall at every start"). Buffered, the library's read is from memory. A watch
/// streams for minutes and is read line by line as it comes, so it is left alone; a list page is bounded by its limit.
/// </summary>
public sealed class ResponseBuffering : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (IsWatch(request))
        {
            return response;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A watch request, as KubernetesClient itself tells one: a GET with <c>watch=true</c> among its query's parameters.
    /// The writes (PATCH, POST) are most requests and are not parsed for it.
    /// </summary>
    private static bool IsWatch(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get
        && request.RequestUri?.Query.TrimStart('?').Split('&').Contains("watch=true", StringComparer.Ordinal) == true;
}
