namespace DirectLB.Providers.Http.Nodes;

/// <summary>
/// One load balancer node (an lb-agent) as <see cref="LoadBalancerNodes"/> sees it: up or down. A call is retried on
/// the node a few times; a node that still cannot be reached is down until a probe finds it answering again.
/// A node that answers with an error is up: its error is the call's.
/// </summary>
internal sealed class LoadBalancerNode(HttpProviderOptions options) : IDisposable
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)];
    private HttpProvider? _api;
    private volatile string? _down = "not connected yet";

    /// <summary>host:port, for logs, the status page and the API (the URL never carries credentials).</summary>
    public string Name { get; } = options.BaseAddress.Authority;

    public bool IsUp => _down is null;

    /// <summary>Why the node is down; null while it is up.</summary>
    public string? DownReason => _down;

    /// <summary>Connects and reads the capabilities; false (and down) when the node cannot be reached.</summary>
    /// <exception cref="ProviderException">The node answered, but refused (a wrong token, not the contract).</exception>
    public async Task<ProviderCapabilities?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_api is null)
            {
                _api = await HttpProvider.CreateAsync(options, cancellationToken);
                return _api.Capabilities;
            }

            return await _api.ReadCapabilitiesAsync(cancellationToken);
        }
        catch (ProviderException e) when (Unreachable(e))
        {
            _down = e.Message;
            return null;
        }
    }

    public void MarkUp() => _down = null;

    /// <summary>Runs <paramref name="call"/> on this node, retrying what may pass.</summary>
    /// <exception cref="NodeDownException">The node is down, or went down during this call.</exception>
    /// <exception cref="ProviderException">The node answered with an error.</exception>
    public async Task<T> CallAsync<T>(Func<HttpProvider, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_down is not null || _api is null)
            {
                throw new NodeDownException(Name, _down ?? "not connected", justWentDown: false);
            }

            try
            {
                return await call(_api);
            }
            catch (ProviderException e) when (e.Retryable && attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], cancellationToken);
            }
            catch (ProviderException e) when (Unreachable(e))
            {
                _down = e.Message;
                throw new NodeDownException(Name, e.Message, justWentDown: true);
            }
        }
    }

    public Task CallAsync(Func<HttpProvider, Task> call, CancellationToken cancellationToken) =>
        CallAsync(async api =>
        {
            await call(api);
            return true;
        }, cancellationToken);

    public void Dispose() => _api?.Dispose();

    /// <summary>No answer at all (refused, reset, timed out), as opposed to an answer that is an error.</summary>
    private static bool Unreachable(ProviderException e) => e.InnerException is HttpRequestException or OperationCanceledException
        || e.InnerException is ProviderException inner && Unreachable(inner);
}

/// <summary>A node that cannot be reached: the load balancer is behind on it, not failed.</summary>
internal sealed class NodeDownException(string node, string reason, bool justWentDown)
    : ProviderException($"load balancer node {node} does not answer: {reason}", retryable: true)
{
    public string Node { get; } = node;

    /// <summary>This call found the node gone (worth a log line); false when it was known to be down.</summary>
    public bool JustWentDown { get; } = justWentDown;
}
