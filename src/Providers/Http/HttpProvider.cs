using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http;

/// <summary>
/// A provider that speaks the DirectLB load balancer REST contract (openapi.yaml next to this file) to a
/// server out of process: an in-house load balancer platform, or <c>simulate-cloud</c> shared by several
/// DirectLB replicas. Each verb is one HTTP request; failures arrive as the same exceptions the in-process
/// providers throw, so the caller's retry logic cannot tell the difference.
/// </summary>
public sealed class HttpProvider : ILoadBalancerProvider, IChosenAddressProvider, IAddressFamiliesProvider, IDisposable
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
                .SendAsync<CapabilitiesDto>(HttpMethod.Get, "v1/capabilities", body: null, loadBalancer: null, cancellationToken);
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
        // Only the tags that identify the owner filter (the UID differs per member cluster, see LoadBalancerOwner), and
        // not the installation's: a load balancer created before installations were tagged must still be found.
        var identity = owner.IdentityTags().Where(tag => tag.Key is LoadBalancerOwner.ClusterTag or LoadBalancerOwner.ServiceTag);
        var found = await _api.SendAsync<LoadBalancerListDto>(
            HttpMethod.Get, "v1/loadbalancers?" + TagQuery.Format(TagQuery.Filter, identity), body: null, loadBalancer: null, cancellationToken);
        return found.Items.Select(ContractMapping.ToModel).FirstOrDefault(lb => owner.Owns(lb.Tags));
    }

    public async Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken cancellationToken)
    {
        var query = TagQuery.Format(TagQuery.Filter, installation.ToTags())
            + (continueToken is null ? "" : "&continue=" + Uri.EscapeDataString(continueToken));
        var page = await _api.SendAsync<LoadBalancerListDto>(HttpMethod.Get, "v1/loadbalancers?" + query, body: null, loadBalancer: null, cancellationToken);
        // A server that ignored the filter must not hand us someone else's load balancers to collect.
        return new LoadBalancerPage([.. page.Items.Select(ContractMapping.ToModel).Where(lb => installation.Tagged(lb.Tags))], page.Continue);
    }

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(new EnsureLoadBalancerRequest(name, owner.ToTags()), cancellationToken);

    /// <summary>Asks for <paramref name="address"/>; a server that cannot give it refuses (422, not retryable).</summary>
    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(new EnsureLoadBalancerRequest(name, owner.ToTags(), address), cancellationToken);

    /// <summary>Moves the load balancer to <paramref name="address"/>; a server that cannot give it refuses (422, not retryable).</summary>
    public async Task<LoadBalancerInfo> MoveLoadBalancerAsync(LoadBalancerRef loadBalancer, string address, CancellationToken cancellationToken) =>
        ContractMapping.ToModel(await _api.SendAsync<LoadBalancerDto>(
            HttpMethod.Put, LoadBalancerPath(loadBalancer, "/address"), new MoveLoadBalancerRequest(address), loadBalancer, cancellationToken));

    /// <summary>Asks for addresses of the families; a server that cannot give them refuses (422, not retryable).</summary>
    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(new EnsureLoadBalancerRequest(name, owner.ToTags(), addresses.Address, addresses.Families), cancellationToken);

    /// <summary>Gives the load balancer addresses of the families; a server that cannot refuses (422, not retryable).</summary>
    public async Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken cancellationToken) =>
        ContractMapping.ToModel(await _api.SendAsync<LoadBalancerDto>(
            HttpMethod.Put, LoadBalancerPath(loadBalancer, "/addresses"), new ReaddressLoadBalancerRequest(addresses.Families, addresses.Address), loadBalancer, cancellationToken));

    /// <summary>What the server declares now: one GET, also a cheap way to ask whether it answers.</summary>
    public async Task<ProviderCapabilities> ReadCapabilitiesAsync(CancellationToken cancellationToken) =>
        ContractMapping.ToModel(await _api.SendAsync<CapabilitiesDto>(HttpMethod.Get, "v1/capabilities", body: null, loadBalancer: null, cancellationToken));

    public Task EnsureListenerAsync(LoadBalancerRef loadBalancer, ListenerSpec listener, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Put, ListenerPath(loadBalancer, listener.Key), ContractMapping.ToSettings(listener), loadBalancer, cancellationToken);

    public Task EnsureListenerDeletedAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Delete, ListenerPath(loadBalancer, listener), body: null, loadBalancer, cancellationToken);

    public Task ChangeTargetsAsync(
        LoadBalancerRef loadBalancer,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken)
    {
        var batch = new TargetBatchRequest([.. upserts.Select(ContractMapping.ToDto)], [.. removals.Select(ContractMapping.ToDto)]);
        return _api.SendAsync(HttpMethod.Post, ListenerPath(loadBalancer, listener, "/targets:batch"), batch, loadBalancer, cancellationToken);
    }

    public async Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef loadBalancer, CancellationToken cancellationToken)
    {
        try
        {
            await _api.SendAsync(HttpMethod.Delete, LoadBalancerPath(loadBalancer), body: null, loadBalancer, cancellationToken);
        }
        catch (LoadBalancerNotFoundException)
        {
            // The contract answers 204 here, but a server that says 404 means the same: it is gone.
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<LoadBalancerInfo> EnsureLoadBalancerCoreAsync(EnsureLoadBalancerRequest request, CancellationToken cancellationToken) =>
        ContractMapping.ToModel(await _api.SendAsync<LoadBalancerDto>(HttpMethod.Post, "v1/loadbalancers", request, loadBalancer: null, cancellationToken));

    private static HttpClient CreateClient(HttpProviderOptions options)
    {
        var root = options.BaseAddress.AbsoluteUri;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        if (options.CaCertificateFile is { } caFile)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 presented && ChainsTo(presented, authorities, errors);
        }

        var http = new HttpClient(handler)
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

    /// <summary>The name must match and the chain end in one of <paramref name="authorities"/>; nothing else is trusted.</summary>
    private static bool ChainsTo(X509Certificate2 presented, X509Certificate2Collection authorities, SslPolicyErrors errors)
    {
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }

    /// <summary>A path by id carries the owner the server must find on the load balancer before it acts.</summary>
    private static string LoadBalancerPath(LoadBalancerRef loadBalancer, string verb = "") =>
        $"v1/loadbalancers/{Uri.EscapeDataString(loadBalancer.Id)}{verb}?{TagQuery.Format(TagQuery.Owner, loadBalancer.Owner.IdentityTags())}";

    private static string ListenerPath(LoadBalancerRef loadBalancer, ListenerKey listener, string verb = "") =>
        $"v1/loadbalancers/{Uri.EscapeDataString(loadBalancer.Id)}/listeners/{ListenerSegment.Format(listener)}{verb}?{TagQuery.Format(TagQuery.Owner, loadBalancer.Owner.IdentityTags())}";
}
