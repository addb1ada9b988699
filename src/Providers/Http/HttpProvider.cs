using System.Net.Http.Headers;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http;

/// <summary>
/// A provider that speaks the DirectLB load balancer REST contract (openapi.yaml next to this file) to a
/// server out of process: an in-house load balancer platform, or <c>simulate-cloud</c> shared by several
/// DirectLB replicas. Each verb is one HTTP request; failures arrive as the same exceptions the in-process
/// providers throw, so the caller's retry logic cannot tell the difference.
/// </summary>
public sealed class HttpProvider : ILoadBalancerProvider, IDisposable
{
    private readonly HttpClient _http;
    private readonly ContractClient _api;

    private HttpProvider(HttpClient http, ProviderCapabilities capabilities)
    {
        _http = http;
        _api = new ContractClient(http);
        Capabilities = capabilities;
    }

    public string Name => "http";

    /// <summary>What the server declared at start; read once, because the planner needs it before any call.</summary>
    public ProviderCapabilities Capabilities { get; }

    /// <summary>
    /// Connects to the API and reads its capabilities. Throws a <see cref="ProviderException"/> naming the
    /// base address when the server cannot be reached or does not answer with capabilities.
    /// </summary>
    public static async Task<HttpProvider> CreateAsync(HttpProviderOptions options, CancellationToken cancellationToken = default)
    {
        var http = CreateClient(options);
        try
        {
            var capabilities = await new ContractClient(http)
                .SendAsync<CapabilitiesDto>(HttpMethod.Get, "v1/capabilities", body: null, loadBalancerId: null, cancellationToken);
            return new HttpProvider(http, ContractMapping.ToModel(capabilities));
        }
        catch (ProviderException e)
        {
            http.Dispose();
            throw new ProviderException($"the load balancer API at {http.BaseAddress} did not give its capabilities: {e.Message}", e.Retryable, e);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public async Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken)
    {
        // Only the tags that identify the owner filter; the UID differs per member cluster (see LoadBalancerOwner).
        var tags = owner.ToTags().Where(tag => tag.Key != LoadBalancerOwner.ServiceUidTag)
            .Select(tag => "tag=" + Uri.EscapeDataString($"{tag.Key}={tag.Value}"));
        var found = await _api.SendAsync<LoadBalancerListDto>(
            HttpMethod.Get, "v1/loadbalancers?" + string.Join('&', tags), body: null, loadBalancerId: null, cancellationToken);
        return found.Items.Select(ContractMapping.ToModel).FirstOrDefault(lb => owner.Owns(lb.Tags));
    }

    public async Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken)
    {
        var lb = await _api.SendAsync<LoadBalancerDto>(
            HttpMethod.Post, "v1/loadbalancers", new EnsureLoadBalancerRequest(name, owner.ToTags()), loadBalancerId: null, cancellationToken);
        return ContractMapping.ToModel(lb);
    }

    public Task EnsureListenerAsync(string loadBalancerId, ListenerSpec listener, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Put, ListenerPath(loadBalancerId, listener.Key), ContractMapping.ToSettings(listener), loadBalancerId, cancellationToken);

    public Task EnsureListenerDeletedAsync(string loadBalancerId, ListenerKey listener, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Delete, ListenerPath(loadBalancerId, listener), body: null, loadBalancerId, cancellationToken);

    public Task ChangeTargetsAsync(
        string loadBalancerId,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken)
    {
        var batch = new TargetBatchRequest([.. upserts.Select(ContractMapping.ToDto)], [.. removals.Select(ContractMapping.ToDto)]);
        return _api.SendAsync(HttpMethod.Post, ListenerPath(loadBalancerId, listener) + "/targets:batch", batch, loadBalancerId, cancellationToken);
    }

    public async Task EnsureLoadBalancerDeletedAsync(string loadBalancerId, CancellationToken cancellationToken)
    {
        try
        {
            await _api.SendAsync(HttpMethod.Delete, LoadBalancerPath(loadBalancerId), body: null, loadBalancerId, cancellationToken);
        }
        catch (LoadBalancerNotFoundException)
        {
            // The contract answers 204 here, but a server that says 404 means the same: it is gone.
        }
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient CreateClient(HttpProviderOptions options)
    {
        var root = options.BaseAddress.AbsoluteUri;
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            // A trailing slash keeps a path prefix in the base address when relative paths are resolved.
            BaseAddress = new Uri(root.EndsWith('/') ? root : root + "/"),
            Timeout = options.Timeout,
        };
        if (options.BearerToken is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static string LoadBalancerPath(string loadBalancerId) => $"v1/loadbalancers/{Uri.EscapeDataString(loadBalancerId)}";

    private static string ListenerPath(string loadBalancerId, ListenerKey listener) =>
        $"{LoadBalancerPath(loadBalancerId)}/listeners/{ListenerSegment.Format(listener)}";
}
